// PublicKey -> JWK: the required members in RFC 7638 order, then kid, alg
// and use; only public numbers, each in its RFC 7518 size.
#include "gateway/auth/jwk_export.hpp"

#include <gtest/gtest.h>

#include "fhir/json/write.hpp"
#include "tests/gateway/auth/test_keys.hpp"

namespace gateway::auth {
namespace {

std::vector<std::string> names(const fhir::json::Value& v) {
  std::vector<std::string> out;
  for (const auto& m : v.members()) out.push_back(m.first);
  return out;
}

TEST(JwkExportTest, WritesAnRsaKey) {
  auto jwk = public_jwk(test::rsa_key().public_key());
  ASSERT_TRUE(jwk.ok()) << jwk.issue().diagnostics;
  EXPECT_EQ(names(*jwk), (std::vector<std::string>{"e", "kty", "n", "kid", "alg", "use"}));
  EXPECT_EQ(jwk->string_at("kty"), "RSA");
  EXPECT_EQ(jwk->string_at("e"), "AQAB");
  EXPECT_EQ(jwk->string_at("n").size(), 512u);  // 384 bytes: 3072 bits, no leading zero
  EXPECT_EQ(jwk->string_at("kid"), test::rsa_key().kid());
  EXPECT_EQ(jwk->string_at("alg"), "RS384");
  EXPECT_EQ(jwk->string_at("use"), "sig");
}

TEST(JwkExportTest, WritesAnEcKey) {
  auto jwk = public_jwk(test::ec_key().public_key());
  ASSERT_TRUE(jwk.ok()) << jwk.issue().diagnostics;
  EXPECT_EQ(names(*jwk), (std::vector<std::string>{"crv", "kty", "x", "y", "kid", "alg", "use"}));
  EXPECT_EQ(jwk->string_at("crv"), "P-384");
  EXPECT_EQ(jwk->string_at("x").size(), 64u);  // 48 bytes, padded
  EXPECT_EQ(jwk->string_at("y").size(), 64u);
  EXPECT_EQ(jwk->string_at("alg"), "ES384");
}

TEST(JwkExportTest, RequiredMembersAreTheThumbprintInput) {
  auto required = required_jwk_members(test::ec_key().public_key());
  ASSERT_TRUE(required.ok());
  EXPECT_EQ(names(*required), (std::vector<std::string>{"crv", "kty", "x", "y"}));
  std::string text = fhir::json::write(*required);
  EXPECT_EQ(text.find(' '), std::string::npos);
  EXPECT_EQ(text.rfind(R"({"crv":"P-384","kty":"EC","x":")", 0), 0u) << text;
}

TEST(JwkExportTest, NeverWritesPrivateNumbers) {
  for (const SigningKey* key : {&test::rsa_key(), &test::ec_key()}) {
    auto jwk = public_jwk(key->public_key());
    ASSERT_TRUE(jwk.ok());
    for (const char* secret : {"d", "p", "q", "dp", "dq", "qi"}) EXPECT_EQ(jwk->find(secret), nullptr) << secret;
  }
}

TEST(JwkExportTest, AnEmptyKeyIsAnInternalError) {
  auto jwk = public_jwk(PublicKey());
  ASSERT_FALSE(jwk.ok());
  EXPECT_EQ(jwk.issue().severity, fhir::Severity::fatal);
  EXPECT_EQ(jwk.issue().http_status, 500);
}

}  // namespace
}  // namespace gateway::auth
