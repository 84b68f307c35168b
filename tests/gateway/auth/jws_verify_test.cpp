// Verification: RS384 and ES384 round trips return the payload; a changed
// header, payload or signature, the wrong key, an alg that does not fit the
// key, and unknown kids are refused as kInvalidToken.
#include "gateway/auth/jws_verify.hpp"

#include <gtest/gtest.h>

#include "fhir/core/base64.hpp"
#include "fhir/json/write.hpp"
#include "gateway/auth/jwk_export.hpp"
#include "gateway/auth/jws_sign.hpp"
#include "tests/gateway/auth/test_keys.hpp"

namespace gateway::auth {
namespace {

using fhir::json::Value;
using test::b64;

Value claims(const std::string& sub = "client-1") {
  Value v = Value::make_object();
  v.set("iss", Value::make_string(sub));
  v.set("sub", Value::make_string(sub));
  v.set("jti", Value::make_string("a1b2"));
  v.set("exp", Value::make_number("1900000000"));
  return v;
}

std::string signed_by(const SigningKey& key, const Value& payload = claims()) {
  auto token = sign_jws(payload, key);
  EXPECT_TRUE(token.ok());
  return token.ok() ? *token : std::string();
}

void expect_refused(const fhir::Result<Value>& r, const std::string& why) {
  ASSERT_FALSE(r.ok()) << why;
  EXPECT_EQ(r.issue().code, "unknown");
  EXPECT_EQ(r.issue().http_status, 401);
  EXPECT_EQ(r.issue().severity, fhir::Severity::error);
  EXPECT_NE(r.issue().diagnostics.find(why), std::string::npos) << r.issue().diagnostics;
}

class JwsVerifyTest : public ::testing::TestWithParam<KeyType> {
 protected:
  const SigningKey& key() const { return GetParam() == KeyType::rsa ? test::rsa_key() : test::ec_key(); }
  const SigningKey& other() const { return GetParam() == KeyType::rsa ? test::other_rsa_key() : test::other_ec_key(); }
};

TEST_P(JwsVerifyTest, RoundTripReturnsThePayload) {
  auto payload = verify_jws(signed_by(key()), key().public_key());
  ASSERT_TRUE(payload.ok()) << payload.issue().diagnostics;
  EXPECT_EQ(*payload, claims());
}

TEST_P(JwsVerifyTest, RefusesATamperedPayload) {
  auto p = test::split(signed_by(key()));
  p.payload = b64(fhir::json::write(claims("client-2")));
  expect_refused(verify_jws(test::join(p), key().public_key()), "signature does not verify");
}

TEST_P(JwsVerifyTest, RefusesATamperedHeader) {
  auto p = test::split(signed_by(key()));
  auto header = fhir::base64url_decode(p.header);
  ASSERT_TRUE(header.has_value());
  header->replace(header->find("\"JWT\""), 5, "\"jwt\"");
  p.header = b64(*header);
  expect_refused(verify_jws(test::join(p), key().public_key()), "signature does not verify");
}

TEST_P(JwsVerifyTest, RefusesATamperedSignature) {
  std::string token = signed_by(key());
  auto p = test::split(token);
  auto sig = fhir::base64url_decode(p.signature);
  ASSERT_TRUE(sig.has_value());
  for (std::size_t at : {std::size_t{0}, sig->size() / 2, sig->size() - 1}) {
    std::string flipped = *sig;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x01);
    p.signature = b64(flipped);
    expect_refused(verify_jws(test::join(p), key().public_key()), "signature does not verify");
  }
  p.signature = b64(sig->substr(0, sig->size() - 1));
  expect_refused(verify_jws(test::join(p), key().public_key()), "signature does not verify");
  p.signature = b64(*sig + '\0');
  expect_refused(verify_jws(test::join(p), key().public_key()), "signature does not verify");
  // The same signature under another, valid token.
  p = test::split(signed_by(key(), claims("client-2")));
  p.signature = test::split(token).signature;
  expect_refused(verify_jws(test::join(p), key().public_key()), "signature does not verify");
}

TEST_P(JwsVerifyTest, RefusesTheWrongKey) {
  expect_refused(verify_jws(signed_by(other()), key().public_key()), "signature does not verify");
}

TEST_P(JwsVerifyTest, RefusesAnAlgThatDoesNotFitTheKey) {
  // Relabel the token with the other algorithm: the key's type decides.
  auto p = test::split(signed_by(key()));
  const char* swapped = GetParam() == KeyType::rsa ? "ES384" : "RS384";
  p.header = b64(std::string(R"({"alg":")") + swapped + R"(","kid":")" + key().kid() + "\"}");
  expect_refused(verify_jws(test::join(p), key().public_key()), "does not fit the");
  // And a key of the other type refuses the original.
  const SigningKey& wrong_type = GetParam() == KeyType::rsa ? test::ec_key() : test::rsa_key();
  expect_refused(verify_jws(signed_by(key()), wrong_type.public_key()), "does not fit the");
}

TEST_P(JwsVerifyTest, RefusesAlgNoneAndHmacEvenWithAValidPayload) {
  auto p = test::split(signed_by(key()));
  p.header = b64(R"({"alg":"none"})");
  expect_refused(verify_jws(test::join(p), key().public_key()), "unsigned");
  p.signature = "";
  expect_refused(verify_jws(test::join(p), key().public_key()), "signature is missing");
  // RFC 8725 §2.1: HS256 "signed" with the public key as the HMAC secret.
  auto jwk = public_jwk(key().public_key());
  ASSERT_TRUE(jwk.ok());
  p = test::split(signed_by(key()));
  p.header = b64(R"({"alg":"HS256"})");
  p.signature = b64(fhir::json::write(*jwk));
  expect_refused(verify_jws(test::join(p), key().public_key()), "alg is not one we accept");
}

INSTANTIATE_TEST_SUITE_P(Algs, JwsVerifyTest, ::testing::Values(KeyType::rsa, KeyType::ec_p384),
                         [](const auto& p) { return p.param == KeyType::rsa ? "RS384" : "ES384"; });

TEST(JwsVerifyKeySetTest, SelectsTheKeyByKid) {
  Value keys = Value::make_object();
  Value& list = keys.set("keys", Value::make_array());
  for (const SigningKey* k : {&test::rsa_key(), &test::ec_key(), &test::other_ec_key()})
    list.push_back(*public_jwk(k->public_key()));
  auto set = JwkSet::from_json(keys);
  ASSERT_TRUE(set.ok()) << set.issue().diagnostics;

  for (const SigningKey* k : {&test::rsa_key(), &test::ec_key(), &test::other_ec_key()}) {
    auto payload = verify_jws(signed_by(*k), *set);
    ASSERT_TRUE(payload.ok()) << payload.issue().diagnostics;
    EXPECT_EQ(*payload, claims());
  }
  // Not registered.
  expect_refused(verify_jws(signed_by(test::other_rsa_key()), *set), "match no registered key");
  // Signed by one registered key, labelled with another's kid.
  auto p = test::split(signed_by(test::other_ec_key()));
  p.header = b64(R"({"alg":"ES384","kid":")" + test::ec_key().kid() + R"(","typ":"JWT"})");
  expect_refused(verify_jws(test::join(p), *set), "signature does not verify");
  // SMART Backend Services: the header must name the key.
  p = test::split(signed_by(test::ec_key()));
  p.header = b64(R"({"alg":"ES384","typ":"JWT"})");
  expect_refused(verify_jws(test::join(p), *set), "no \"kid\"");
}

TEST(JwsVerifyKeySetTest, ASetSharingAKidIsRefused) {
  // Two keys under the ec key's kid: SMART says the kid names one key, so
  // such a set is never registered (and a token could not choose).
  Value keys = Value::make_object();
  Value& list = keys.set("keys", Value::make_array());
  for (const SigningKey* k : {&test::other_ec_key(), &test::ec_key()}) {
    Value jwk = *public_jwk(k->public_key());
    jwk.set("kid", Value::make_string(test::ec_key().kid()));
    list.push_back(jwk);
  }
  auto set = JwkSet::from_json(keys);
  EXPECT_FALSE(set.ok());
}

}  // namespace
}  // namespace gateway::auth
