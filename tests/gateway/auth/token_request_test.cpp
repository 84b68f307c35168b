// check_token_request, the token endpoint's checks short of the jti store,
// at their edges: the five-minute exp limit and the clock leeway, nbf, kid
// and alg against the registered keys, jti and subject sizes, audiences in
// a list or under the gateway's second name, the grant it returns, and
// descriptions that never repeat what the client wrote. Clients come from
// a real SQLite store through the ClientRegistry.
#include "gateway/auth/token_request.hpp"

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "fhir/core/clock.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "fhir/store/sqlite_store.hpp"
#include "gateway/auth/access_token.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/auth/purpose_of_use.hpp"
#include "tests/gateway/auth/test_keys.hpp"
#include "tests/support/client_assertion.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace gateway::auth {
namespace {

using carebridge::test::assertion_claims;
using carebridge::test::jwks_of;
using carebridge::test::sign_assertion;
using carebridge::test::sign_compact;
using fhir::json::Value;

constexpr std::int64_t kNow = 1735689600000;  // 2025-01-01T00:00:00Z
constexpr std::int64_t kMinute = 60 * 1000;
const std::string kTokenUrl = "https://gateway.example/auth/token";

class TokenRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto codes = PurposeOfUseCodes::load(carebridge::test::share_dir() + "/r4/CodeSystem-v3-ActReason.json");
    ASSERT_TRUE(codes.ok()) << codes.issue().diagnostics;
    purposes_ = *codes;
    fhir::store::SqliteOptions options;
    options.path = (dir_.path() / "store.db").string();
    auto store = fhir::store::open_sqlite_store(options, clock_);
    ASSERT_TRUE(store.ok()) << store.issue().diagnostics;
    store_ = std::move(*store);
    add("clinic", "partner", jwks_of({&test::ec_key(), &test::rsa_key()}), "system/Patient.rs system/Observation.cruds");
  }
  void TearDown() override {
    if (store_) store_->close();
  }

  void add(const std::string& id, const std::string& role, const std::string& jwks, const std::string& scopes = {}) {
    fhir::store::ClientRecord rec;
    rec.id = id;
    rec.role = role;
    rec.organization = "Organization/org-" + id;
    rec.scopes = scopes;
    rec.jwks = jwks;
    write([rec](fhir::store::WriteTxn& tx) { return tx.add_client(rec); });
  }
  void write(fhir::store::WriteUnit unit) {
    std::promise<fhir::Status> done;
    store_->write(std::move(unit), [&done](fhir::Status st) { done.set_value(std::move(st)); });
    auto st = done.get_future().get();
    ASSERT_TRUE(st.ok()) << st.issue().diagnostics;
    ASSERT_TRUE(registry_.reload(*store_).ok());
  }

  Value claims(const std::string& client = "clinic", const std::string& purpose = carebridge::test::kTreatOid) const {
    return assertion_claims(client, kTokenUrl, kNow + kMinute, purpose);
  }

  TokenCheck check(const std::string& assertion, const std::string& scope = "system/*.rs",
                   std::vector<std::string> urls = {kTokenUrl}) const {
    fhir::QueryParams form = {{"grant_type", "client_credentials"},
                              {"client_assertion_type", std::string(kJwtBearerAssertionType)},
                              {"client_assertion", assertion},
                              {"scope", scope}};
    return check_token_request(form, registry_, *purposes_, urls, kNow);
  }

  static void expect_granted(const TokenCheck& c) {
    EXPECT_TRUE(c.grant.has_value()) << (c.error ? c.error->error + ": " + c.error->description : "");
    EXPECT_FALSE(c.error.has_value());
  }
  // The error, and a description free of what the client chose.
  static void expect_error(const TokenCheck& c, const std::string& error, const std::string& secret = {}) {
    ASSERT_TRUE(c.error.has_value()) << "granted";
    EXPECT_FALSE(c.grant.has_value());
    EXPECT_EQ(c.error->error, error) << c.error->description;
    EXPECT_FALSE(c.error->description.empty());
    if (!secret.empty()) {
      EXPECT_EQ(c.error->description.find(secret), std::string::npos) << c.error->description;
    }
  }

  carebridge::test::TempDir dir_;
  fhir::ManualClock clock_{kNow};
  std::unique_ptr<fhir::store::Store> store_;
  ClientRegistry registry_;
  std::shared_ptr<const PurposeOfUseCodes> purposes_;
};

TEST_F(TokenRequestTest, GrantCarriesWhoWhyWhatAndUntilWhen) {
  Value c = claims("clinic", "HPAYMT");
  c.find("extensions")->find("hl7-b2b")->set("subject_id", Value::make_string("npi-1"));
  const std::string a = sign_assertion(c, test::ec_key());
  TokenCheck got = check(a, "system/*.cruds");
  expect_granted(got);
  ASSERT_TRUE(got.grant);
  const RequestContext& ctx = got.grant->context;
  EXPECT_EQ(ctx.client_id, "clinic");
  EXPECT_EQ(ctx.role, "partner");
  EXPECT_EQ(ctx.organization, "Organization/org-clinic");
  EXPECT_EQ(ctx.purpose.code, "HPAYMT");
  EXPECT_EQ(ctx.user_id, "npi-1");
  // Requested ∩ registered ∩ the partner's ceiling.
  EXPECT_EQ(ctx.scopes.to_string(), "system/Observation.rs system/Patient.rs");
  EXPECT_EQ(got.grant->assertion_jti, c.string_at("jti"));
  EXPECT_EQ(got.grant->assertion_expires_ms, kNow + kMinute);
  // The token's own id and times are the minter's to set.
  EXPECT_TRUE(ctx.token_id.empty());
}

TEST_F(TokenRequestTest, ExpMayBeFiveMinutesAheadPlusLeeway) {
  for (std::int64_t ahead : {kMinute / 60, 5 * kMinute, 5 * kMinute + kClockLeewayMs}) {
    Value c = claims();
    c.set("exp", Value::make_number(std::to_string((kNow + ahead) / 1000)));
    expect_granted(check(sign_assertion(c, test::ec_key())));
  }
  Value c = claims();
  c.set("exp", Value::make_number(std::to_string((kNow + 5 * kMinute + kClockLeewayMs + 1000) / 1000)));
  expect_error(check(sign_assertion(c, test::ec_key())), "invalid_client");
  // Expiring now is expired; a fraction of a second is cut off.
  c.set("exp", Value::make_number(std::to_string(kNow / 1000)));
  expect_error(check(sign_assertion(c, test::ec_key())), "invalid_client");
  c.set("exp", Value::make_number(std::to_string(kNow / 1000 + 60) + ".75"));
  expect_granted(check(sign_assertion(c, test::ec_key())));
  c.set("exp", Value::make_string(std::to_string(kNow / 1000 + 60)));
  expect_error(check(sign_assertion(c, test::ec_key())), "invalid_client");
}

TEST_F(TokenRequestTest, NotBeforeAllowsOnlyTheLeeway) {
  Value c = claims();
  c.set("nbf", Value::make_number(std::to_string((kNow + kClockLeewayMs) / 1000)));
  expect_granted(check(sign_assertion(c, test::ec_key())));
  c.set("nbf", Value::make_number(std::to_string((kNow + kClockLeewayMs) / 1000 + 1)));
  expect_error(check(sign_assertion(c, test::ec_key())), "invalid_client");
}

TEST_F(TokenRequestTest, KidAndAlgMustFitARegisteredKey) {
  const std::string payload = fhir::json::write(claims());
  // No kid: SMART Backend Services requires one.
  expect_error(check(sign_compact(R"({"alg":"ES384","typ":"JWT"})", payload, test::ec_key())), "invalid_client");
  // An EC signature claiming the RSA key's kid, and RS384 under the EC kid.
  expect_error(check(sign_compact(R"({"alg":"ES384","kid":")" + test::rsa_key().kid() + "\"}", payload,
                                  test::ec_key())),
               "invalid_client");
  expect_error(check(sign_compact(R"({"alg":"RS384","kid":")" + test::ec_key().kid() + "\"}", payload,
                                  test::rsa_key())),
               "invalid_client");
  // Both registered keys work under their own kid.
  expect_granted(check(sign_assertion(claims(), test::ec_key())));
  expect_granted(check(sign_assertion(claims(), test::rsa_key())));
  // A "crit" header we do not understand is refused (RFC 7515 §4.1.11).
  expect_error(check(sign_compact(R"({"alg":"ES384","kid":")" + test::ec_key().kid() + R"(","crit":["b64"],"b64":false})",
                                  payload, test::ec_key())),
               "invalid_client");
}

TEST_F(TokenRequestTest, JtiIsRequiredAndBounded) {
  Value c = claims();
  c.set("jti", Value::make_string(std::string(256, 'j')));
  expect_granted(check(sign_assertion(c, test::ec_key())));
  c.set("jti", Value::make_string(std::string(257, 'j')));
  expect_error(check(sign_assertion(c, test::ec_key())), "invalid_client", std::string(257, 'j'));
  c.set("jti", Value::make_string(""));
  expect_error(check(sign_assertion(c, test::ec_key())), "invalid_client");
  c.set("jti", Value::make_number("42"));
  expect_error(check(sign_assertion(c, test::ec_key())), "invalid_client");
}

TEST_F(TokenRequestTest, SubjectFieldsAreShortStrings) {
  for (const char* field : {"subject_id", "subject_name", "subject_role"}) {
    SCOPED_TRACE(field);
    Value c = claims();
    Value* b2b = c.find("extensions")->find("hl7-b2b");
    b2b->set(field, Value::make_string(std::string(257, 'n')));
    expect_error(check(sign_assertion(c, test::ec_key())), "invalid_grant", std::string(257, 'n'));
    b2b->set(field, Value::make_number("7"));
    expect_error(check(sign_assertion(c, test::ec_key())), "invalid_grant");
    b2b->set(field, Value::make_string(std::string(256, 'n')));
    expect_granted(check(sign_assertion(c, test::ec_key())));
  }
  // subject_role as {system, code}, as some UDAP profiles send it.
  Value c = claims();
  Value role = Value::make_object();
  role.set("system", Value::make_string("http://snomed.info/sct"));
  role.set("code", Value::make_string("223366009"));
  c.find("extensions")->find("hl7-b2b")->set("subject_role", role);
  TokenCheck got = check(sign_assertion(c, test::ec_key()));
  expect_granted(got);
  if (got.grant) {
    EXPECT_EQ(got.grant->context.user_role, "223366009");
  }
}

TEST_F(TokenRequestTest, AudienceMayBeAListOrTheGatewaysOtherName) {
  Value c = claims();
  c.set("aud", Value::make_string("https://public.example/fhir/auth/token"));
  const std::string a = sign_assertion(c, test::ec_key());
  expect_error(check(a), "invalid_client");
  expect_granted(check(a, "system/*.rs", {kTokenUrl, "https://public.example/fhir/auth/token"}));
  Value list = Value::make_array();
  list.push_back(Value::make_string("https://other.example"));
  list.push_back(Value::make_string(kTokenUrl));
  c.set("aud", list);
  expect_granted(check(sign_assertion(c, test::ec_key())));
  c.set("aud", Value::make_array());
  expect_error(check(sign_assertion(c, test::ec_key())), "invalid_client");
}

TEST_F(TokenRequestTest, RevokedAndUnknownClientsAreInvalidClients) {
  expect_error(check(sign_assertion(claims("evil-client-name"), test::ec_key())), "invalid_client",
               "evil-client-name");
  Value no_iss = claims();
  no_iss.erase("iss");
  expect_error(check(sign_assertion(no_iss, test::ec_key())), "invalid_client");
  write([](fhir::store::WriteTxn& tx) { return tx.revoke_client("clinic", kNow); });
  expect_error(check(sign_assertion(claims(), test::ec_key())), "invalid_client");
}

TEST_F(TokenRequestTest, DescriptionsRepeatNothingTheClientWrote) {
  expect_error(check(sign_assertion(claims("clinic", "EVILPURPOSE"), test::ec_key())), "invalid_grant",
               "EVILPURPOSE");
  expect_error(check(sign_assertion(claims(), test::ec_key()), "patient/EVIL.read"), "invalid_scope", "EVIL");
  Value c = claims();
  c.set("sub", Value::make_string("evil-subject"));
  expect_error(check(sign_assertion(c, test::ec_key())), "invalid_client", "evil-subject");
}

TEST_F(TokenRequestTest, ParametersAreCheckedBeforeTheAssertion) {
  const std::string a = sign_assertion(claims(), test::ec_key());
  auto run = [&](fhir::QueryParams form) { return check_token_request(form, registry_, *purposes_, {kTokenUrl}, kNow); };
  const std::string type(kJwtBearerAssertionType);
  expect_error(run({{"client_assertion_type", type}, {"client_assertion", a}, {"scope", "system/*.rs"}}),
               "invalid_request");
  expect_error(run({{"grant_type", "password"}, {"client_assertion_type", type}, {"client_assertion", a},
                    {"scope", "system/*.rs"}}),
               "unsupported_grant_type");
  expect_error(run({{"grant_type", "client_credentials"}, {"grant_type", "client_credentials"},
                    {"client_assertion_type", type}, {"client_assertion", a}, {"scope", "system/*.rs"}}),
               "invalid_request");
  expect_error(run({{"grant_type", "client_credentials"}, {"client_assertion_type", type}, {"client_assertion", ""},
                    {"scope", "system/*.rs"}}),
               "invalid_request");
  expect_error(run({{"grant_type", "client_credentials"}, {"client_assertion_type", type}, {"client_assertion", a},
                    {"scope", ""}}),
               "invalid_request");
}

TEST(OAuthErrorJsonTest, IsTheRfc6749Body) {
  auto body = fhir::json::parse(oauth_error_json({"invalid_client", "say \"why\""}));
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->string_at("error"), "invalid_client");
  EXPECT_EQ(body->string_at("error_description"), "say \"why\"");
  EXPECT_EQ(body->members().size(), 2u);
}

}  // namespace
}  // namespace gateway::auth
