// RFC 7638 thumbprints: the RFC's own example, and the gateway key's kid.
#include "gateway/auth/jwk_thumbprint.hpp"

#include <gtest/gtest.h>

#include "fhir/json/parse.hpp"
#include "gateway/auth/jwk.hpp"
#include "tests/gateway/auth/test_keys.hpp"

namespace gateway::auth {
namespace {

TEST(JwkThumbprintTest, MatchesRfc7638Example) {
  // RFC 7638 §3.1; alg and kid are not part of the input.
  auto jwk = fhir::json::parse(
      R"({"kty":"RSA","alg":"RS384","kid":"2011-04-29","e":"AQAB","n":")"
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjB"
      "ZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8"
      "KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_"
      "xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
      R"("})");
  ASSERT_TRUE(jwk.ok());
  auto key = parse_jwk(*jwk);
  ASSERT_TRUE(key.ok()) << key.issue().diagnostics;
  auto thumbprint = jwk_thumbprint(*key);
  ASSERT_TRUE(thumbprint.ok());
  EXPECT_EQ(*thumbprint, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(JwkThumbprintTest, IsTheSigningKeysKidAndDiffersPerKey) {
  for (const SigningKey* key : {&test::rsa_key(), &test::ec_key()}) {
    auto thumbprint = jwk_thumbprint(key->public_key());
    ASSERT_TRUE(thumbprint.ok());
    EXPECT_EQ(thumbprint->size(), 43u);
    EXPECT_EQ(*thumbprint, key->kid());
  }
  EXPECT_NE(test::rsa_key().kid(), test::other_rsa_key().kid());
  EXPECT_NE(test::ec_key().kid(), test::other_ec_key().kid());
}

}  // namespace
}  // namespace gateway::auth
