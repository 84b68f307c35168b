// The gateway's access tokens: what mint_access_token signs comes back from
// verify_access_token field for field, with either key type; a token from
// another key, another issuer or for another audience, past its exp, before
// its nbf, or whose claims a RequestContext cannot be built from is refused
// as kInvalidToken (401), without repeating the token.
#include "gateway/auth/access_token.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "fhir/json/write.hpp"
#include "gateway/auth/gateway_identity.hpp"
#include "gateway/auth/jws_sign.hpp"
#include "tests/gateway/auth/test_keys.hpp"
#include "tests/support/fixture_paths.hpp"

namespace gateway::auth {
namespace {

using fhir::json::Value;

constexpr std::int64_t kNow = 1735689600000;  // 2025-01-01T00:00:00Z
constexpr std::int64_t kFiveMinutes = 5 * 60 * 1000;

GatewayIdentity identity(const SigningKey& key, const std::string& name = "https://gateway.example") {
  GatewayIdentity id;
  id.key = key;
  id.name = name;
  return id;
}

class AccessTokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto codes = PurposeOfUseCodes::load(carebridge::test::share_dir() + "/r4/CodeSystem-v3-ActReason.json");
    ASSERT_TRUE(codes.ok()) << codes.issue().diagnostics;
    purposes_ = *codes;
  }

  RequestContext context() const {
    RequestContext ctx;
    ctx.client_id = "clinic-b";
    ctx.organization = "Organization/org-b";
    ctx.role = "partner";
    ctx.user_id = "urn:oid:2.16.840.1.113883.4.6#1234567893";
    ctx.user_name = "Dr. B";
    ctx.user_role = "223366009";
    ctx.purpose = *parse_purpose_of_use("ETREAT", *purposes_);
    ctx.scopes = *ScopeSet::parse("system/Observation.rs system/Patient.r");
    return ctx;
  }

  std::string mint(const GatewayIdentity& id, std::int64_t now = kNow, std::int64_t lifetime = kFiveMinutes) const {
    RequestContext ctx = context();
    auto token = mint_access_token(ctx, id, now, lifetime);
    EXPECT_TRUE(token.ok()) << token.issue().diagnostics;
    return token.ok() ? *token : std::string();
  }

  // The claims mint would write, for hand-made variants.
  Value claims() const {
    Value c = Value::make_object();
    c.set("iss", Value::make_string("https://gateway.example"));
    c.set("aud", Value::make_string("https://gateway.example"));
    c.set("sub", Value::make_string("clinic-b"));
    c.set("client_id", Value::make_string("clinic-b"));
    c.set("iat", Value::make_number(std::to_string(kNow / 1000)));
    c.set("nbf", Value::make_number(std::to_string(kNow / 1000)));
    c.set("exp", Value::make_number(std::to_string((kNow + kFiveMinutes) / 1000)));
    c.set("jti", Value::make_string("t-1"));
    c.set("scope", Value::make_string("system/*.rs"));
    c.set("organization", Value::make_string("Organization/org-b"));
    c.set("role", Value::make_string("partner"));
    c.set("purpose_of_use", Value::make_string("http://terminology.hl7.org/CodeSystem/v3-ActReason#TREAT"));
    return c;
  }

  std::string signed_claims(const Value& c, const SigningKey& key = test::ec_key()) const {
    auto token = sign_jws(c, key, "at+jwt");
    EXPECT_TRUE(token.ok());
    return token.ok() ? *token : std::string();
  }

  void expect_refused(const std::string& token, const GatewayIdentity& id, std::int64_t now,
                      const std::string& why) const {
    auto r = verify_access_token(token, id, *purposes_, now);
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_EQ(r.issue().code, "unknown");
    EXPECT_EQ(r.issue().http_status, 401);
    EXPECT_NE(r.issue().diagnostics.find(why), std::string::npos) << r.issue().diagnostics;
    if (token.size() >= 20) {
      EXPECT_EQ(r.issue().diagnostics.find(token.substr(0, 20)), std::string::npos) << "repeats the token";
    }
  }

  std::shared_ptr<const PurposeOfUseCodes> purposes_;
};

TEST_F(AccessTokenTest, RoundTripCarriesTheWholeContext) {
  for (const SigningKey* key : {&test::ec_key(), &test::rsa_key()}) {
    SCOPED_TRACE(key_type_name(key->type()));
    GatewayIdentity id = identity(*key);
    RequestContext ctx = context();
    auto token = mint_access_token(ctx, id, kNow + 789, kFiveMinutes);
    ASSERT_TRUE(token.ok()) << token.issue().diagnostics;
    // Mint fills the token's own fields: whole seconds (NumericDate).
    EXPECT_FALSE(ctx.token_id.empty());
    EXPECT_EQ(ctx.issued_ms, kNow);
    EXPECT_EQ(ctx.expires_ms, kNow + kFiveMinutes);

    auto back = verify_access_token(*token, id, *purposes_, kNow + 1000);
    ASSERT_TRUE(back.ok()) << back.issue().diagnostics;
    EXPECT_EQ(back->client_id, "clinic-b");
    EXPECT_EQ(back->organization, "Organization/org-b");
    EXPECT_EQ(back->role, "partner");
    EXPECT_EQ(back->user_id, "urn:oid:2.16.840.1.113883.4.6#1234567893");
    EXPECT_EQ(back->user_name, "Dr. B");
    EXPECT_EQ(back->user_role, "223366009");
    EXPECT_EQ(back->purpose.to_string(), "http://terminology.hl7.org/CodeSystem/v3-ActReason#ETREAT");
    EXPECT_EQ(back->scopes.to_string(), "system/Observation.rs system/Patient.r");
    EXPECT_EQ(back->token_id, ctx.token_id);
    EXPECT_EQ(back->issued_ms, kNow);
    EXPECT_EQ(back->expires_ms, kNow + kFiveMinutes);
  }
}

TEST_F(AccessTokenTest, EachTokenHasItsOwnId) {
  GatewayIdentity id = identity(test::ec_key());
  RequestContext a = context(), b = context();
  ASSERT_TRUE(mint_access_token(a, id, kNow, kFiveMinutes).ok());
  ASSERT_TRUE(mint_access_token(b, id, kNow, kFiveMinutes).ok());
  EXPECT_NE(a.token_id, b.token_id);
}

TEST_F(AccessTokenTest, LifetimeMustBePositive) {
  GatewayIdentity id = identity(test::ec_key());
  for (std::int64_t lifetime : {0, -1000}) {
    RequestContext ctx = context();
    EXPECT_FALSE(mint_access_token(ctx, id, kNow, lifetime).ok()) << lifetime;
  }
}

TEST_F(AccessTokenTest, ValidUntilItsExp) {
  GatewayIdentity id = identity(test::ec_key());
  const std::string token = mint(id);
  EXPECT_TRUE(verify_access_token(token, id, *purposes_, kNow + kFiveMinutes - 1).ok());
  expect_refused(token, id, kNow + kFiveMinutes, "expired");
  expect_refused(token, id, kNow + 24 * 3600 * 1000, "expired");
}

TEST_F(AccessTokenTest, NotBeforeAllowsOnlyClockLeeway) {
  GatewayIdentity id = identity(test::ec_key());
  // Another instance's clock may run ahead of this one by the leeway.
  const std::string token = mint(id, kNow + kClockLeewayMs);
  EXPECT_TRUE(verify_access_token(token, id, *purposes_, kNow).ok());
  const std::string early = mint(id, kNow + kClockLeewayMs + 1000);
  expect_refused(early, id, kNow, "not valid yet");
}

TEST_F(AccessTokenTest, AnotherKeyIsRefused) {
  const std::string token = mint(identity(test::other_ec_key()));
  // Another key has another kid: refused before any signature check.
  expect_refused(token, identity(test::ec_key()), kNow, "not issued by this gateway");
  // An RSA key for an EC token, too.
  expect_refused(token, identity(test::rsa_key()), kNow, "not issued by this gateway");
  // Another key posing under our kid: the signature decides.
  auto parts = test::split(token);
  parts.header = test::b64(R"({"alg":"ES384","kid":")" + test::ec_key().kid() + R"(","typ":"at+jwt"})");
  expect_refused(test::join(parts), identity(test::ec_key()), kNow, "not signed by this gateway");
  // A JWT that is not an access token (typ), even when our key signed it.
  auto plain = sign_jws(claims(), test::ec_key(), "JWT");
  ASSERT_TRUE(plain.ok());
  expect_refused(*plain, identity(test::ec_key()), kNow, "not issued by this gateway");
}

TEST_F(AccessTokenTest, AnotherIssuerOrAudienceIsRefused) {
  GatewayIdentity ours = identity(test::ec_key());
  // Same key, another name (a second gateway sharing a key file by mistake).
  expect_refused(mint(identity(test::ec_key(), "https://other.example")), ours, kNow, "not issued by this gateway");
  Value c = claims();
  c.set("aud", Value::make_string("https://other.example"));
  expect_refused(signed_claims(c), ours, kNow, "not meant for this gateway");
  c.erase("aud");
  expect_refused(signed_claims(c), ours, kNow, "not meant for this gateway");
  // aud may be a list that names us (RFC 7519 §4.1.3).
  Value list = Value::make_array();
  list.push_back(Value::make_string("https://other.example"));
  list.push_back(Value::make_string("https://gateway.example"));
  c.set("aud", list);
  EXPECT_TRUE(verify_access_token(signed_claims(c), ours, *purposes_, kNow).ok());
}

TEST_F(AccessTokenTest, ClaimsMustMakeAContext) {
  GatewayIdentity ours = identity(test::ec_key());
  EXPECT_TRUE(verify_access_token(signed_claims(claims()), ours, *purposes_, kNow).ok());
  struct Case {
    const char* claim;
    Value value;  // null: removed
    const char* why;
  };
  const Case cases[] = {
      {"exp", Value(), "no valid exp"},
      {"exp", Value::make_string("1900000000"), "no valid exp"},
      {"exp", Value::make_number("-5"), "no valid exp"},
      {"client_id", Value(), "names no client"},
      {"role", Value(), "names no client"},
      {"scope", Value::make_string("patient/*.read"), "malformed scopes"},
      {"purpose_of_use", Value(), "no valid purpose of use"},
      {"purpose_of_use", Value::make_string("NOPE"), "no valid purpose of use"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.claim);
    Value c = claims();
    if (k.value.is_null()) c.erase(k.claim);
    else c.set(k.claim, k.value);
    expect_refused(signed_claims(c), ours, kNow, k.why);
  }
}

TEST_F(AccessTokenTest, TamperedOrGarbledTokensAreRefused) {
  GatewayIdentity ours = identity(test::ec_key());
  const std::string token = mint(ours);
  auto parts = test::split(token);
  Value widened = claims();
  widened.set("scope", Value::make_string("system/*.cruds"));
  parts.payload = test::b64(fhir::json::write(widened));
  expect_refused(test::join(parts), ours, kNow, "not signed by this gateway");
  expect_refused(token + "x", ours, kNow, "not a compact JWS");  // no longer base64url of a signature
  for (const std::string& garbage : {std::string(), std::string("x"), std::string("a.b.c")})
    expect_refused(garbage, ours, kNow, "not a compact JWS");
  expect_refused(token + std::string(5000, 'A'), ours, kNow, "too large");
}

}  // namespace
}  // namespace gateway::auth
