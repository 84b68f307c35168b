// Signing: the header names alg, kid and typ; signatures have JOSE's sizes
// (384 bytes for RS384 with RSA 3072, 96 bytes r || s for ES384); what our
// verifier would refuse is not signed.
#include "gateway/auth/jws_sign.hpp"

#include <gtest/gtest.h>

#include "fhir/core/base64.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "gateway/auth/jws_parse.hpp"
#include "tests/gateway/auth/test_keys.hpp"

namespace gateway::auth {
namespace {

using fhir::json::Value;

Value claims() {
  Value v = Value::make_object();
  v.set("iss", Value::make_string("carebridge"));
  v.set("exp", Value::make_number("1900000000"));
  return v;
}

TEST(JwsSignTest, WritesTheHeaderAndPayload) {
  auto token = sign_jws(claims(), test::ec_key(), "at+jwt");
  ASSERT_TRUE(token.ok()) << token.issue().diagnostics;
  auto p = test::split(*token);
  EXPECT_EQ(fhir::base64url_decode(p.header),
            R"({"alg":"ES384","kid":")" + test::ec_key().kid() + R"(","typ":"at+jwt"})");
  EXPECT_EQ(fhir::base64url_decode(p.payload), fhir::json::write(claims()));
}

TEST(JwsSignTest, SignaturesHaveJoseSizes) {
  auto rs = parse_jws(*sign_jws(claims(), test::rsa_key()));
  ASSERT_TRUE(rs.ok());
  EXPECT_EQ(rs->alg, JwsAlg::rs384);
  EXPECT_EQ(rs->signature.size(), 384u);
  auto es = parse_jws(*sign_jws(claims(), test::ec_key()));
  ASSERT_TRUE(es.ok());
  EXPECT_EQ(es->alg, JwsAlg::es384);
  EXPECT_EQ(es->signature.size(), 96u);
}

TEST(JwsSignTest, Rs384IsDeterministicEs384IsNot) {
  // PKCS #1 v1.5 has no randomness; ECDSA draws a fresh nonce each time.
  EXPECT_EQ(*sign_jws(claims(), test::rsa_key()), *sign_jws(claims(), test::rsa_key()));
  EXPECT_NE(*sign_jws(claims(), test::ec_key()), *sign_jws(claims(), test::ec_key()));
}

TEST(JwsSignTest, RefusesWhatCannotBecomeAToken) {
  auto array = sign_jws(Value::make_array(), test::ec_key());
  ASSERT_FALSE(array.ok());
  EXPECT_EQ(array.issue().http_status, 500);
  auto no_key = sign_jws(claims(), SigningKey());
  ASSERT_FALSE(no_key.ok());
  Value big = claims();
  big.set("pad", Value::make_string(std::string(kMaxJwsBytes, 'a')));
  auto oversize = sign_jws(big, test::ec_key());
  ASSERT_FALSE(oversize.ok());
  EXPECT_NE(oversize.issue().diagnostics.find("limit is 16384"), std::string::npos);
}

}  // namespace
}  // namespace gateway::auth
