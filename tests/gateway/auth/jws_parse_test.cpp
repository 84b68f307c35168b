// Compact JWS parsing: the parts of a well-formed token; every malformed,
// oversize or unacceptable-alg token refused as kInvalidToken (401,
// "unknown") without the token's text in the Issue.
#include "gateway/auth/jws_parse.hpp"

#include <gtest/gtest.h>

#include "tests/gateway/auth/test_keys.hpp"

namespace gateway::auth {
namespace {

using test::b64;

// Text that must never appear in an Issue.
constexpr const char* kMarker = "MARKER-7f3a";

std::string token(const std::string& header_json, const std::string& payload_json = R"({"sub":"x"})",
                  const std::string& signature = "sig") {
  return b64(header_json) + "." + b64(payload_json) + "." + b64(signature);
}

void expect_refused(const std::string& t, const std::string& why) {
  auto parts = parse_jws(t);
  ASSERT_FALSE(parts.ok()) << why;
  EXPECT_EQ(parts.issue().severity, fhir::Severity::error);
  EXPECT_EQ(parts.issue().code, "unknown");
  EXPECT_EQ(parts.issue().http_status, 401);
  EXPECT_NE(parts.issue().diagnostics.find(why), std::string::npos) << parts.issue().diagnostics;
  EXPECT_EQ(parts.issue().diagnostics.find(kMarker), std::string::npos) << parts.issue().diagnostics;
  if (t.size() > 8) {
    EXPECT_EQ(parts.issue().diagnostics.find(t.substr(0, 8)), std::string::npos);
  }
}

TEST(JwsParseTest, SplitsAWellFormedToken) {
  std::string t = token(R"({"alg":"ES384","kid":"k1","typ":"JWT"})", R"({"iss":"a"})", "signature bytes");
  auto parts = parse_jws(t);
  ASSERT_TRUE(parts.ok()) << parts.issue().diagnostics;
  EXPECT_EQ(parts->alg, JwsAlg::es384);
  EXPECT_EQ(parts->kid, "k1");
  EXPECT_EQ(parts->header.string_at("typ"), "JWT");
  EXPECT_EQ(parts->payload, R"({"iss":"a"})");
  EXPECT_EQ(parts->signature, "signature bytes");
  EXPECT_EQ(parts->signing_input, t.substr(0, t.rfind('.')));
  auto rs = parse_jws(token(R"({"alg":"RS384"})"));
  ASSERT_TRUE(rs.ok());
  EXPECT_EQ(rs->alg, JwsAlg::rs384);
  EXPECT_EQ(rs->kid, "");
}

TEST(JwsParseTest, RefusesAlgNoneAndEveryOtherAlg) {
  expect_refused(b64(R"({"alg":"none"})") + "." + b64(R"({"sub":"x"})") + ".", "signature is missing");
  expect_refused(token(R"({"alg":"none"})"), "unsigned (alg \"none\")");
  for (const char* alg :
       {"HS256", "HS384", "RS256", "RS512", "PS384", "ES256", "ES512", "EdDSA", "rs384", "NONE", ""}) {
    expect_refused(token(std::string(R"({"alg":")") + alg + R"(","kid":")" + kMarker + "\"}"),
                   "alg is not one we accept");
  }
  expect_refused(token(R"({"kid":"k"})"), "no \"alg\"");
  expect_refused(token(R"({"alg":384})"), "no \"alg\"");
  // Duplicate names cannot smuggle a second alg past the check.
  expect_refused(token(R"({"alg":"RS384","alg":"none"})"), "header is not a JSON object");
}

TEST(JwsParseTest, RefusesCriticalExtensionsAndBadKids) {
  expect_refused(token(R"({"alg":"RS384","b64":false,"crit":["b64"]})"), "\"crit\"");
  expect_refused(token(R"({"alg":"RS384","kid":7})"), "\"kid\" is not a string");
}

TEST(JwsParseTest, RefusesMalformedStructure) {
  std::string good = token(R"({"alg":"RS384"})");
  auto p = test::split(good);
  expect_refused(p.header + "." + p.payload, "three parts");
  expect_refused(good + ".x", "three parts");
  expect_refused("", "three parts");
  expect_refused("." + p.payload + "." + p.signature, "header is not base64url");
  expect_refused(p.header + ".." + p.signature, "payload is not base64url");
  expect_refused(p.header + "=." + p.payload + "." + p.signature, "header is not base64url");
  expect_refused(p.header + "." + p.payload + "+." + p.signature, "payload is not base64url");
  expect_refused(p.header + "." + p.payload + "." + p.signature + "=", "signature is missing or not base64url");
  expect_refused(p.header + " ." + p.payload + "." + p.signature, "header is not base64url");
  expect_refused(token(R"(["alg","RS384"])"), "header is not a JSON object");
  expect_refused(token(std::string(R"({"alg":"RS384","kid":")") + kMarker), "header is not a JSON object");
  expect_refused(token("\xff\xfe"), "header is not a JSON object");
}

TEST(JwsParseTest, RefusesOversizeTokensBeforeDecoding) {
  std::string big = token(R"({"alg":"RS384"})", "{\"pad\":\"" + std::string(kMaxJwsBytes, 'a') + "\"}");
  expect_refused(big, "the limit is 16384");
  // Up to the limit is fine.
  std::string t = token(R"({"alg":"RS384"})");
  auto p = test::split(t);
  std::string padded = p.header + "." + p.payload + "." + p.signature;
  std::size_t room = kMaxJwsBytes - padded.size();
  room -= room % 4;
  padded += std::string(room, 'A');
  ASSERT_LE(padded.size(), kMaxJwsBytes);
  EXPECT_TRUE(parse_jws(padded).ok());
}

}  // namespace
}  // namespace gateway::auth
