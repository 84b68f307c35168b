// Base64 decoding (RFC 4648), as base64Binary content such as a JSON Patch
// carried in a Binary arrives.
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

}  // namespace
}  // namespace fhir
