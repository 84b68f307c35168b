// JWK Sets: keys chosen by kid and alg; unusable keys skipped with a
// warning that says which and why (RFC 7517 §5); a set with no usable key,
// or that is not a JWKS, refused.
#include "gateway/auth/jwk_set.hpp"

#include <gtest/gtest.h>

#include "fhir/json/write.hpp"
#include "gateway/auth/jwk_export.hpp"
#include "tests/gateway/auth/test_keys.hpp"

namespace gateway::auth {
namespace {

using fhir::json::Value;

Value jwk_of(const SigningKey& key, const std::string& kid) {
  auto jwk = public_jwk(key.public_key());
  EXPECT_TRUE(jwk.ok());
  if (!jwk.ok()) return Value();
  jwk->set("kid", Value::make_string(kid));
  return *jwk;
}

std::string jwks(std::initializer_list<Value> keys) {
  Value set = Value::make_object();
  Value& list = set.set("keys", Value::make_array());
  for (const Value& k : keys) list.push_back(k);
  return fhir::json::write(set);
}

TEST(JwkSetTest, SelectsKeysByKidAndAlg) {
  // SMART: a kid is unique within the set; a set that repeats one is refused.
  auto twice = JwkSet::parse(jwks({jwk_of(test::rsa_key(), "a"), jwk_of(test::other_ec_key(), "a")}));
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.issue().diagnostics.find("same kid"), std::string::npos) << twice.issue().diagnostics;
  auto set = JwkSet::parse(jwks({jwk_of(test::rsa_key(), "a"), jwk_of(test::ec_key(), "b"),
                                 jwk_of(test::other_rsa_key(), "c"), jwk_of(test::other_ec_key(), "d")}));
  ASSERT_TRUE(set.ok()) << set.issue().diagnostics;
  EXPECT_EQ(set->keys().size(), 4u);
  EXPECT_TRUE(set->skipped().empty());

  auto a_rsa = set->candidates("a", JwsAlg::rs384);
  ASSERT_EQ(a_rsa.size(), 1u);
  EXPECT_EQ(a_rsa[0], &set->keys()[0]);
  EXPECT_TRUE(set->candidates("a", JwsAlg::es384).empty());  // kid a is RSA
  auto d_ec = set->candidates("d", JwsAlg::es384);
  ASSERT_EQ(d_ec.size(), 1u);
  EXPECT_EQ(d_ec[0], &set->keys()[3]);
  EXPECT_EQ(set->candidates("b", JwsAlg::es384).size(), 1u);
  EXPECT_TRUE(set->candidates("b", JwsAlg::rs384).empty());
  EXPECT_TRUE(set->candidates("z", JwsAlg::rs384).empty());
  EXPECT_TRUE(set->candidates("", JwsAlg::rs384).empty());
}

TEST(JwkSetTest, SkipsUnusableKeysAndSaysWhy) {
  Value small_rsa = jwk_of(test::rsa_key(), "small");
  small_rsa.set("n", Value::make_string(test::b64(std::string(128, '\xc3'))));
  Value enc = jwk_of(test::ec_key(), "enc");
  enc.set("use", Value::make_string("enc"));
  auto set = JwkSet::parse(jwks({small_rsa, jwk_of(test::ec_key(), "good"), enc}));
  ASSERT_TRUE(set.ok()) << set.issue().diagnostics;
  ASSERT_EQ(set->keys().size(), 1u);
  EXPECT_EQ(set->keys()[0].kid(), "good");
  ASSERT_EQ(set->skipped().size(), 2u);
  EXPECT_EQ(set->skipped()[0].severity, fhir::Severity::warning);
  EXPECT_EQ(set->skipped()[0].expression, "keys[0].n");
  EXPECT_NE(set->skipped()[0].diagnostics.find("keys[0] (kid 'small')"), std::string::npos);
  EXPECT_NE(set->skipped()[0].diagnostics.find("1024 bits"), std::string::npos);
  EXPECT_EQ(set->skipped()[1].expression, "keys[2].use");
}

TEST(JwkSetTest, RefusesASetWithNoUsableKey) {
  Value hmac = Value::make_object();
  hmac.set("kty", Value::make_string("oct"));
  auto set = JwkSet::parse(jwks({hmac}));
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.issue().code, "value");
  EXPECT_EQ(set.issue().expression, "keys");
  EXPECT_NE(set.issue().diagnostics.find("no usable key"), std::string::npos);
  EXPECT_NE(set.issue().diagnostics.find("'oct' is not supported"), std::string::npos) << set.issue().diagnostics;
  auto empty = JwkSet::parse(R"({"keys":[]})");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.issue().diagnostics.find("it is empty"), std::string::npos);
}

TEST(JwkSetTest, RefusesWhatIsNotAJwks) {
  for (const char* bad : {R"({"keys":{}})", R"({"key":[]})", R"([])", R"({"keys":[)", "", R"({"keys":[],"keys":[]})"}) {
    auto set = JwkSet::parse(bad);
    ASSERT_FALSE(set.ok()) << bad;
    EXPECT_EQ(set.issue().code, "value") << bad;
    EXPECT_EQ(set.issue().http_status, 400) << bad;
  }
}

TEST(JwkSetTest, RefusesOversizeText) {
  std::string big = jwks({jwk_of(test::ec_key(), std::string(kMaxJwksBytes, 'k'))});
  auto set = JwkSet::parse(big);
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.issue().diagnostics.find("the limit is 65536"), std::string::npos) << set.issue().diagnostics;
}

}  // namespace
}  // namespace gateway::auth
