// JWK -> PublicKey: the RSA and EC P-384 keys SMART Backend Services
// clients register are accepted; anything else is refused with an Issue
// that names the key and the member, and never repeats key material.
#include "gateway/auth/jwk.hpp"

#include <gtest/gtest.h>

#include "fhir/core/base64.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "gateway/auth/jwk_export.hpp"
#include "tests/gateway/auth/test_keys.hpp"

namespace gateway::auth {
namespace {

using fhir::json::Value;

// RFC 7638 §3.1's example: a 2048-bit RSA key.
constexpr const char* kRfc7638N =
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3o"
    "knjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZH"
    "zu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEg"
    "U8awapJzKnqDKgw";

Value json(const std::string& text) {
  auto v = fhir::json::parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Value();
}

Value rsa_jwk() {
  return json(std::string(R"({"kty":"RSA","kid":"2011-04-29","alg":"RS384","e":"AQAB","n":")") + kRfc7638N + "\"}");
}

Value ec_jwk() {
  auto jwk = public_jwk(test::ec_key().public_key());
  EXPECT_TRUE(jwk.ok());
  return jwk.ok() ? *jwk : Value();
}

// Checks the refusal: a data error (400, "value") at `expression` whose
// diagnostics contain `why`.
void expect_refused(const Value& jwk, const std::string& expression, const std::string& why) {
  auto key = parse_jwk(jwk);
  ASSERT_FALSE(key.ok()) << fhir::json::write(jwk);
  EXPECT_EQ(key.issue().severity, fhir::Severity::error);
  EXPECT_EQ(key.issue().code, "value");
  EXPECT_EQ(key.issue().http_status, 400);
  EXPECT_EQ(key.issue().expression, expression);
  EXPECT_NE(key.issue().diagnostics.find(why), std::string::npos) << key.issue().diagnostics;
}

TEST(JwkTest, ReadsAnRsaKeyKeepingKidAndAlg) {
  auto key = parse_jwk(rsa_jwk());
  ASSERT_TRUE(key.ok()) << key.issue().diagnostics;
  EXPECT_EQ(key->type(), KeyType::rsa);
  EXPECT_EQ(key->kid(), "2011-04-29");
  EXPECT_EQ(key->alg(), JwsAlg::rs384);
  EXPECT_TRUE(key->accepts(JwsAlg::rs384));
  EXPECT_FALSE(key->accepts(JwsAlg::es384));
}

TEST(JwkTest, ReadsAnEcP384KeyAndWritesItBackUnchanged) {
  Value jwk = ec_jwk();
  auto key = parse_jwk(jwk);
  ASSERT_TRUE(key.ok()) << key.issue().diagnostics;
  EXPECT_EQ(key->type(), KeyType::ec_p384);
  EXPECT_EQ(key->kid(), test::ec_key().kid());
  auto again = public_jwk(*key);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(fhir::json::write(*again), fhir::json::write(jwk));
}

TEST(JwkTest, AlgAndKidAreOptional) {
  Value jwk = rsa_jwk();
  jwk.erase("alg");
  jwk.erase("kid");
  auto key = parse_jwk(jwk);
  ASSERT_TRUE(key.ok()) << key.issue().diagnostics;
  EXPECT_EQ(key->alg(), std::nullopt);
  EXPECT_EQ(key->kid(), "");
  EXPECT_TRUE(key->accepts(JwsAlg::rs384));
}

TEST(JwkTest, AcceptsUseSigAndVerifyKeyOps) {
  Value jwk = ec_jwk();
  jwk.set("key_ops", json(R"(["verify"])"));
  EXPECT_TRUE(parse_jwk(jwk).ok());
}

TEST(JwkTest, RefusesOtherKeyTypesAndCurves) {
  expect_refused(json(R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})"), "jwk.kty",
                 "key type 'OKP' is not supported");
  Value p256 = ec_jwk();
  p256.set("crv", Value::make_string("P-256"));
  expect_refused(p256, "jwk.crv", "curve 'P-256' is not supported");
  expect_refused(json(R"({"n":"AQAB","e":"AQAB"})"), "jwk.kty", "'kty' is missing");
  expect_refused(json(R"(["RSA"])"), "jwk", "not a JSON object");
}

TEST(JwkTest, RefusesSmallAndMalformedRsaKeys) {
  // A 1024-bit modulus: 128 bytes with the top bit set.
  Value small = rsa_jwk();
  small.set("n", Value::make_string(test::b64(std::string(127, '\xc3') + "\x01")));
  expect_refused(small, "jwk.n", "RSA modulus is 1024 bits; at least 2048");
  Value huge = rsa_jwk();
  huge.set("n", Value::make_string(test::b64(std::string(1025, '\xc3'))));
  expect_refused(huge, "jwk.n", "8200 bits; at most 8192");
  Value even = rsa_jwk();
  even.set("n", Value::make_string(test::b64(std::string(255, '\xc3') + "\x02")));
  expect_refused(even, "jwk.n", "even");
  for (const char* e : {"AQ", "AAE", "AAI", "AQEBAQEBAQEBAQ"}) {  // 1, 1 with a zero octet, 2, 2^80-ish
    Value bad = rsa_jwk();
    bad.set("e", Value::make_string(e));
    expect_refused(bad, "jwk.e", "RSA exponent must be odd");
  }
  Value padded = rsa_jwk();
  padded.set("e", Value::make_string("AQAB="));
  expect_refused(padded, "jwk.e", "'e' is not base64url");
  Value missing = rsa_jwk();
  missing.erase("n");
  expect_refused(missing, "jwk.n", "'n' is missing");
  Value number = rsa_jwk();
  number.set("e", Value::make_number("65537"));
  expect_refused(number, "jwk.e", "'e' is not a string");
}

TEST(JwkTest, AcceptsALeadingZeroOctetInTheModulus) {
  // RFC 7518 §6.3.1.1: some libraries add one; the size is the number's.
  auto n = fhir::base64url_decode(kRfc7638N);
  ASSERT_TRUE(n.has_value());
  Value jwk = rsa_jwk();
  jwk.set("n", Value::make_string(test::b64(std::string(1, '\0') + *n)));
  EXPECT_TRUE(parse_jwk(jwk).ok());
}

TEST(JwkTest, RefusesEcPointsOffTheCurveOrOfTheWrongSize) {
  Value off = ec_jwk();
  off.set("y", Value::make_string(test::b64(std::string(48, '\x02'))));
  expect_refused(off, "jwk.x", "not a point on P-384");
  Value short_x = ec_jwk();
  short_x.set("x", Value::make_string(test::b64(std::string(47, '\x02'))));
  expect_refused(short_x, "jwk.x", "'x' is not 48 bytes");
  Value long_y = ec_jwk();
  long_y.set("y", Value::make_string(test::b64(std::string(49, '\x02'))));
  expect_refused(long_y, "jwk.y", "'y' is not 48 bytes");
}

TEST(JwkTest, RefusesPrivateKeyMaterialWithoutRepeatingIt) {
  const std::string secret = "c2VjcmV0LWtleS1tYXRlcmlhbC1kby1ub3QtZWNobw";
  for (const char* member : {"d", "p", "qi", "k"}) {
    Value jwk = ec_jwk();
    jwk.set(member, Value::make_string(secret));
    auto key = parse_jwk(jwk);
    ASSERT_FALSE(key.ok()) << member;
    EXPECT_EQ(key.issue().expression, std::string("jwk.") + member);
    EXPECT_NE(key.issue().diagnostics.find("private key material"), std::string::npos);
    EXPECT_EQ(key.issue().diagnostics.find(secret), std::string::npos) << key.issue().diagnostics;
  }
}

TEST(JwkTest, RefusesAnAlgOtherThanTheKeysOwn) {
  Value rs256 = rsa_jwk();
  rs256.set("alg", Value::make_string("RS256"));
  expect_refused(rs256, "jwk.alg", "alg 'RS256' is not supported");
  Value es384_on_rsa = rsa_jwk();
  es384_on_rsa.set("alg", Value::make_string("ES384"));
  expect_refused(es384_on_rsa, "jwk.alg", "alg ES384 needs an EC P-384 key, not RSA");
  Value none = ec_jwk();
  none.set("alg", Value::make_string("none"));
  expect_refused(none, "jwk.alg", "alg 'none' is not supported");
}

TEST(JwkTest, RefusesKeysMeantForSomethingElse) {
  Value enc = ec_jwk();
  enc.set("use", Value::make_string("enc"));
  expect_refused(enc, "jwk.use", "'use' is not \"sig\"");
  Value ops = ec_jwk();
  ops.set("key_ops", json(R"(["encrypt","sign"])"));
  expect_refused(ops, "jwk.key_ops", "does not include \"verify\"");
  Value not_array = ec_jwk();
  not_array.set("key_ops", Value::make_string("verify"));
  expect_refused(not_array, "jwk.key_ops", "does not include \"verify\"");
}

TEST(JwkTest, NamesTheKeyByWhereAndKidButNotByUnsafeText) {
  Value jwk = rsa_jwk();
  jwk.set("alg", Value::make_string("HS256"));
  auto key = parse_jwk(jwk, "keys[3]");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.issue().expression, "keys[3].alg");
  EXPECT_EQ(key.issue().diagnostics.rfind("JWK keys[3] (kid '2011-04-29'): ", 0), 0u) << key.issue().diagnostics;
  // A kid that could forge a log line is not repeated.
  jwk.set("kid", Value::make_string("x\nERROR forged"));
  key = parse_jwk(jwk, "keys[3]");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.issue().diagnostics.find("forged"), std::string::npos) << key.issue().diagnostics;
  EXPECT_NE(key.issue().diagnostics.find("(kid (not shown))"), std::string::npos) << key.issue().diagnostics;
  Value number_kid = rsa_jwk();
  number_kid.set("kid", Value::make_number("7"));
  expect_refused(number_kid, "jwk.kid", "'kid' is not a string");
}

}  // namespace
}  // namespace gateway::auth
