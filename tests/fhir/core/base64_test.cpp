// Base64 (RFC 4648): decoding base64Binary content such as a JSON Patch
// carried in a Binary, and the strict unpadded base64url of JOSE tokens.
#include "fhir/core/base64.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fhir {
namespace {

TEST(Base64Test, DecodesTheRfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"Zg==", "f"},         {"Zm8=", "fo"},        {"Zm9v", "foo"},
      {"Zm9vYg==", "foob"}, {"Zm9vYmE=", "fooba"}, {"Zm9vYmFy", "foobar"},
  };
  for (const auto& [in, out] : vectors) {
    auto d = base64_decode(in);
    ASSERT_TRUE(d.has_value()) << in;
    EXPECT_EQ(*d, out) << in;
  }
}

TEST(Base64Test, EncodesTheRfc4648VectorsWithPadding) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [in, out] : vectors) EXPECT_EQ(base64_encode(in), out) << in;
  // The standard alphabet, not the url-safe one.
  EXPECT_EQ(base64_encode("\xfb\xff\xbf"), "+/+/");
}

TEST(Base64Test, DecodesEveryByteValue) {
  auto d = base64_decode("AP8Afw==");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, std::string("\x00\xff\x00\x7f", 4));
  auto all = base64_decode("+/+/");
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(*all, "\xfb\xff\xbf");
}

TEST(Base64Test, IgnoresWhitespaceAndAcceptsMissingPadding) {
  // R4 base64Binary allows whitespace between groups; MIME wraps lines.
  EXPECT_EQ(base64_decode("Zm9v\r\nYmFy"), "foobar");
  EXPECT_EQ(base64_decode(" Zm9v YmE= \n"), "fooba");
  EXPECT_EQ(base64_decode("Zm9vYg"), "foob");
  EXPECT_EQ(base64_decode("Zm9vYmE"), "fooba");
}

TEST(Base64Test, RefusesWhatIsNotBase64) {
  for (const char* bad : {"Zm9v!", "Zm9v*mFy", "Z", "Zm9vY", "Zg==Zg==", "Z=g=", "Zg===", "Zm\x80v", "===="}) {
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
  }
}

TEST(Base64UrlTest, EncodesTheRfc4648VectorsWithoutPadding) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg"},         {"fo", "Zm8"},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [in, out] : vectors) {
    EXPECT_EQ(base64url_encode(in), out) << in;
    EXPECT_EQ(base64url_decode(out), in) << out;
  }
}

TEST(Base64UrlTest, UsesTheUrlSafeAlphabet) {
  // 0xfb 0xff 0xbf is "+/+/" in base64 and "-_-_" in base64url.
  EXPECT_EQ(base64url_encode("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(base64url_decode("-_-_"), "\xfb\xff\xbf");
}

TEST(Base64UrlTest, RoundTripsEveryByteAtEveryLength) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 1) {
    std::string bytes = all.substr(all.size() - n);
    std::string text = base64url_encode(bytes);
    EXPECT_EQ(text.find_first_of("=+/"), std::string::npos);
    EXPECT_EQ(base64url_decode(text), bytes) << n;
  }
}

TEST(Base64UrlTest, RefusesAnythingButTheCanonicalSpelling) {
  for (const char* bad : {"Zg==", "Zm8=", "+/+/", "Zm9v YmFy", "Zm9v\n", "Z", "Zm9vY", "Zm9v!", "Zm\x80v",
                          // Low bits of the last character set: "Zh" and "Zg" would both be "f".
                          "Zh", "Zm9", "Zm9vYh"}) {
    EXPECT_FALSE(base64url_decode(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace fhir
