// SMART Backend Services end to end: a client system with its own keys
// (RS384 and ES384, made here) registers its JWKS, signs a client
// assertion, trades it at POST /auth/token for an access token and uses
// that on FHIR routes. Every refusal of the token endpoint is an RFC 6749
// §5.2 error (HTTP 400, JSON) that never repeats the assertion; every
// refusal of the resource server is a 401 with an RFC 6750 challenge and
// an OperationOutcome. One assertion is signed by Node's crypto (the
// oracle in tests/oracle), so our signer is not the only one we accept.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fhir/core/base64.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "fhir/store/store.hpp"
#include "gateway/app/runtime.hpp"
#include "gateway/auth/access_token.hpp"
#include "gateway/auth/gateway_identity.hpp"
#include "gateway/auth/jwk_export.hpp"
#include "gateway/auth/jwk_set.hpp"
#include "gateway/auth/jws_verify.hpp"
#include "gateway/auth/purpose_of_use.hpp"
#include "gateway/auth/signing_key.hpp"
#include "gateway/auth/signing_key_file.hpp"
#include "tests/support/client_assertion.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/node_oracle.hpp"
#include "tests/support/outcome_checks.hpp"
#include "tests/support/server_process.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;
using gateway::auth::KeyType;
using gateway::auth::SigningKey;

constexpr std::int64_t kMinute = 60 * 1000;

SigningKey make_key(KeyType type) {
  auto key = SigningKey::generate(type);
  EXPECT_TRUE(key.ok());
  return key ? *key : SigningKey();
}

// RSA 3072 takes a moment to make: once per process, and only when a test
// asks for it.
const SigningKey& rsa_key() {
  static const SigningKey key = make_key(KeyType::rsa);
  return key;
}

class AuthTokenTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    ec_ = make_key(KeyType::ec_p384);
    other_ec_ = make_key(KeyType::ec_p384);
    register_client("clinic", "partner", jwks_of({&ec_}));
  }

  std::string token_url() const { return client().base_url() + "/auth/token"; }

  void register_client(const std::string& id, const std::string& role, const std::string& jwks,
                       const std::string& scopes = {}) {
    fhir::store::ClientRecord rec;
    rec.id = id;
    rec.role = role;
    rec.organization = "Organization/org-" + id;
    rec.scopes = scopes;
    rec.jwks = jwks;
    rec.created_ms = clock_.now_ms();
    gateway_->add_client(rec);
  }

  // Replaces a registration as a config file's start would (its keys stay).
  void change_registration(const std::string& id, const std::string& role, const std::string& scopes,
                           const std::string& organization = {}) {
    fhir::store::ClientRecord rec;
    rec.id = id;
    rec.role = role;
    rec.organization = organization.empty() ? "Organization/org-" + id : organization;
    rec.scopes = scopes;
    rec.created_ms = clock_.now_ms();
    gateway_->put_client(rec);
  }

  // A client assertion for client, valid for a minute from the test clock.
  Value claims(const std::string& client_id = "clinic", const std::string& purpose = kTreatOid) const {
    return assertion_claims(client_id, token_url(), clock_.now_ms() + kMinute, purpose);
  }

  HttpResult post_token(const std::string& body,
                        const std::string& content_type = "application/x-www-form-urlencoded") const {
    return anonymous().post("auth/token", body, {{"Content-Type", content_type}, {"Accept", "application/json"}});
  }
  HttpResult request_token(const std::string& assertion, const std::string& scope = "system/*.rs") const {
    TokenForm form;
    form.client_assertion = assertion;
    form.scope = scope;
    return post_token(form.encode());
  }

  // A 200 token response as RFC 6749 §5.1 has it; returns the token.
  std::string expect_granted(const HttpResult& r, const std::string& scope) {
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_EQ(r.header("cache-control"), "no-store");
    EXPECT_EQ(r.header("pragma"), "no-cache");
    Value body = r.json();
    EXPECT_EQ(body.string_at("token_type"), "bearer");
    const Value* expires_in = body.find("expires_in");
    EXPECT_TRUE(expires_in != nullptr && expires_in->is_number() && expires_in->text() == "300") << r.body;
    EXPECT_EQ(body.string_at("scope"), scope);
    return std::string(body.string_at("access_token"));
  }

  // An RFC 6749 §5.2 refusal: 400, JSON, uncacheable, the named error, and
  // a description that repeats nothing of the assertion.
  void expect_refused(const HttpResult& r, const std::string& error, const std::string& assertion = {}) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_EQ(r.header("cache-control"), "no-store");
    Value body = r.json();
    EXPECT_EQ(body.string_at("error"), error) << r.body;
    const Value* description = body.find("error_description");
    ASSERT_TRUE(description != nullptr && description->is_string() && !description->text().empty()) << r.body;
    EXPECT_EQ(body.find("access_token"), nullptr);
    if (assertion.empty()) return;
    EXPECT_EQ(r.body.find(assertion), std::string::npos) << "the answer repeats the assertion";
    // Nor any of its parts (a header or payload alone is the client's text).
    std::size_t start = 0;
    while (start < assertion.size()) {
      std::size_t end = assertion.find('.', start);
      if (end == std::string::npos) end = assertion.size();
      std::string segment = assertion.substr(start, end - start);
      if (segment.size() >= 8) {
        EXPECT_EQ(r.body.find(segment), std::string::npos) << "repeats " << segment;
      }
      start = end + 1;
    }
  }

  SigningKey ec_;
  SigningKey other_ec_;
};

// Signs payload with the PEM of key through Node's crypto, under the
// given kid. nullopt when node (16+) is not there.
std::optional<std::string> node_sign(const TempDir& dir, const SigningKey& key, const std::string& kid,
                                     const Value& payload) {
  if (!command_works("node -e \"process.exit(parseInt(process.versions.node) >= 16 ? 0 : 1)\"")) return std::nullopt;
  static int n = 0;
  const std::string stem = (dir.path() / ("node-" + std::to_string(++n))).string();
  auto saved = gateway::auth::save_signing_key(key, stem + ".pem");
  EXPECT_TRUE(saved.ok()) << saved.issue().diagnostics;
  auto jwk = gateway::auth::public_jwk(key.public_key());
  EXPECT_TRUE(jwk.ok());
  Value request = Value::make_object();
  Value& c = request.set("cases", Value::make_array()).push_back(Value::make_object());
  c.set("name", Value::make_string("assertion"));
  c.set("alg", Value::make_string(std::string(gateway::auth::alg_name(key.alg()))));
  c.set("kid", Value::make_string(kid));
  c.set("private_key_pem", Value::make_string(stem + ".pem"));
  c.set("public_jwk", *jwk);
  c.set("payload", payload);
  c.set("tokens", Value::make_object());
  std::ofstream(stem + ".json", std::ios::binary) << fhir::json::write(request);
  const std::string cmd = "node " + shell_quoted(oracle_dir() + "/jose_oracle.cjs") + " " +
                          shell_quoted(stem + ".json") + " > " + shell_quoted(stem + ".out");
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  auto reply = fhir::json::parse(read_file(stem + ".out"));
  EXPECT_TRUE(reply.ok());
  if (!reply) return std::string();
  const Value* cases = reply->find("cases");
  if (cases == nullptr || cases->items().size() != 1) return std::string();
  return std::string(cases->items()[0].string_at("signed"));
}

// --- the dance ------------------------------------------------------------------

TEST_F(AuthTokenTest, Es384AssertionBuysATokenThatOpensFhirRoutes) {
  ASSERT_EQ(client().post("Patient", R"({"resourceType":"Patient","id":"x","active":true})").status, 201);
  const std::string assertion = sign_assertion(claims(), ec_);
  const std::string token = expect_granted(request_token(assertion, "system/*.rs"), "system/*.rs");
  ASSERT_FALSE(token.empty());

  TestClient clinic = client().with_bearer(token);
  auto search = clinic.get("Patient");
  EXPECT_EQ(search.status, 200) << search.body;
  EXPECT_EQ(search.json().string_at("resourceType"), "Bundle");
  // A partner reads; it does not write.
  expect_outcome(clinic.post("Patient", R"({"resourceType":"Patient"})"), 403);

  // What the token says, as RFC 9068 and the gateway's readers expect.
  Value header = jws_header(token);
  EXPECT_EQ(header.string_at("typ"), "at+jwt");
  EXPECT_EQ(header.string_at("alg"), "ES384");
  Value payload = jws_payload(token);
  EXPECT_EQ(payload.string_at("client_id"), "clinic");
  EXPECT_EQ(payload.string_at("sub"), "clinic");
  EXPECT_EQ(payload.string_at("role"), "partner");
  EXPECT_EQ(payload.string_at("organization"), "Organization/org-clinic");
  EXPECT_EQ(payload.string_at("scope"), "system/*.rs");
  EXPECT_EQ(payload.string_at("purpose_of_use"), "http://terminology.hl7.org/CodeSystem/v3-ActReason#TREAT");
  EXPECT_EQ(payload.find("iat")->text(), std::to_string(clock_.now_ms() / 1000));
  EXPECT_EQ(payload.find("exp")->text(), std::to_string(clock_.now_ms() / 1000 + 300));

  // Partners may check the token themselves with the published key.
  auto jwks = gateway::auth::JwkSet::parse(anonymous().get(".well-known/jwks.json").body);
  ASSERT_TRUE(jwks.ok()) << jwks.issue().diagnostics;
  auto verified = gateway::auth::verify_jws(token, *jwks);
  ASSERT_TRUE(verified.ok()) << verified.issue().diagnostics;
  EXPECT_EQ(verified->string_at("jti"), payload.string_at("jti"));
}

TEST_F(AuthTokenTest, Rs384AssertionIsAcceptedToo) {
  register_client("lab", "source", jwks_of({&rsa_key()}));
  const std::string assertion = sign_assertion(claims("lab"), rsa_key());
  ASSERT_EQ(jws_header(assertion).string_at("alg"), "RS384");
  const std::string token =
      expect_granted(request_token(assertion, "system/Patient.cruds"), "system/Patient.cruds");
  TestClient lab = client().with_bearer(token);
  EXPECT_EQ(lab.post("Patient", R"({"resourceType":"Patient"})").status, 201);
  expect_outcome(lab.get("Observation"), 403);
}

TEST_F(AuthTokenTest, OneJwksMayHoldBothKeyTypes) {
  register_client("hub", "partner", jwks_of({&rsa_key(), &ec_}));
  expect_granted(request_token(sign_assertion(claims("hub"), ec_)), "system/*.rs");
  expect_granted(request_token(sign_assertion(claims("hub"), rsa_key())), "system/*.rs");
}

TEST_F(AuthTokenTest, AssertionSignedByNodeCryptoIsAccepted) {
  TempDir dir;
  for (const SigningKey* key : {static_cast<const SigningKey*>(&ec_), &rsa_key()}) {
    SCOPED_TRACE(gateway::auth::alg_name(key->alg()));
    if (key == &rsa_key()) register_client("node-rsa", "partner", jwks_of({key}));
    const std::string id = key == &ec_ ? "clinic" : "node-rsa";
    auto assertion = node_sign(dir, *key, key->kid(), claims(id));
    if (!assertion) GTEST_SKIP() << "node 16 or later is needed for the JOSE oracle";
    ASSERT_FALSE(assertion->empty());
    const std::string token = expect_granted(request_token(*assertion), "system/*.rs");
    EXPECT_EQ(client().with_bearer(token).get("Patient").status, 200);
  }
}

TEST_F(AuthTokenTest, GrantedScopeIsRequestedWithinRegisteredWithinRole) {
  // A partner's role never writes clinical data, whatever it asks for; it
  // keeps its own Subscriptions (issue 10).
  expect_granted(request_token(sign_assertion(claims(), ec_), "system/*.cruds"),
                 "system/*.rs system/Subscription.cruds");
  // A registration narrower than the role narrows further.
  register_client("narrow", "partner", jwks_of({&ec_}), "system/Patient.cruds system/Observation.rs");
  expect_granted(request_token(sign_assertion(claims("narrow"), ec_), "system/*.cruds"),
                 "system/Observation.rs system/Patient.rs");
  // A source may write what it asks for; v1 scopes come back in v2 form.
  register_client("ehr", "source", jwks_of({&ec_}));
  expect_granted(request_token(sign_assertion(claims("ehr"), ec_), "system/Patient.rs system/Observation.c"),
                 "system/Observation.c system/Patient.rs");
  expect_granted(request_token(sign_assertion(claims("ehr"), ec_), "system/*.read"), "system/*.rs");
  expect_granted(request_token(sign_assertion(claims("ehr"), ec_), "system/*.write system/Patient.read"),
                 "system/*.cud system/Patient.cruds");
  // Compliance reads the trail, not clinical records.
  register_client("audit", "compliance", jwks_of({&ec_}));
  const std::string token =
      expect_granted(request_token(sign_assertion(claims("audit"), ec_), "system/*.rs"),
                     "system/AuditEvent.rs system/Consent.rs system/Organization.rs system/Patient.rs "
                     "system/Practitioner.rs system/Provenance.rs");
  TestClient audit = client().with_bearer(token);
  EXPECT_EQ(audit.get("AuditEvent").status, 200);
  expect_outcome(audit.get("Observation"), 403);
}

TEST_F(AuthTokenTest, ScopesThisServerDoesNotGrantAreLeftOut) {
  // RFC 6749 §3.3: the server may issue fewer scopes than asked for. A
  // launch context, patient-level scopes and granular refinements are not
  // granted here; what remains is, and the answer says what that is.
  const std::string token = expect_granted(
      request_token(sign_assertion(claims(), ec_), "launch system/Patient.rs patient/*.read openid"),
      "system/Patient.rs");
  EXPECT_EQ(jws_payload(token).string_at("scope"), "system/Patient.rs");
  TestClient clinic = client().with_bearer(token);
  EXPECT_EQ(clinic.get("Patient").status, 200);
  expect_outcome(clinic.get("Observation"), 403);
  expect_granted(request_token(sign_assertion(claims(), ec_),
                               "system/Observation.rs?category=laboratory system/Observation.rs"),
                 "system/Observation.rs");
}

TEST_F(AuthTokenTest, PurposeOfUseMayBeBareOrWithItsSystem) {
  const std::pair<const char*, const char*> accepted[] = {
      {"TREAT", "TREAT"},
      {"urn:oid:2.16.840.1.113883.5.8#ETREAT", "ETREAT"},
      {"http://terminology.hl7.org/CodeSystem/v3-ActReason#HPAYMT", "HPAYMT"},
      {"BTG", "BTG"},  // nested two levels under PurposeOfUse (TREAT > ETREAT > BTG)
  };
  for (const auto& [sent, code] : accepted) {
    SCOPED_TRACE(sent);
    const std::string token = expect_granted(request_token(sign_assertion(claims("clinic", sent), ec_)), "system/*.rs");
    EXPECT_EQ(jws_payload(token).string_at("purpose_of_use"),
              std::string("http://terminology.hl7.org/CodeSystem/v3-ActReason#") + code);
    EXPECT_EQ(client().with_bearer(token).get("Patient").status, 200);
  }
}

TEST_F(AuthTokenTest, AssertionExpiringInExactlyFiveMinutesIsAccepted) {
  Value c = claims();
  c.set("exp", Value::make_number(std::to_string((clock_.now_ms() + 5 * kMinute) / 1000)));
  expect_granted(request_token(sign_assertion(c, ec_)), "system/*.rs");
}

TEST_F(AuthTokenTest, SubjectOfTheB2bExtensionIsCarriedIntoTheToken) {
  Value c = claims();
  Value* b2b = c.find("extensions")->find("hl7-b2b");
  b2b->set("subject_id", Value::make_string("urn:oid:2.16.840.1.113883.4.6#1234567893"));
  b2b->set("subject_name", Value::make_string("Dr. Ada Lovelace"));
  b2b->set("subject_role", Value::make_object()).set("code", Value::make_string("223366009"));
  const std::string token = expect_granted(request_token(sign_assertion(c, ec_)), "system/*.rs");
  Value payload = jws_payload(token);
  EXPECT_EQ(payload.string_at("subject_id"), "urn:oid:2.16.840.1.113883.4.6#1234567893");
  EXPECT_EQ(payload.string_at("subject_name"), "Dr. Ada Lovelace");
  EXPECT_EQ(payload.string_at("subject_role"), "223366009");
}

// --- the token endpoint's refusals ------------------------------------------------

TEST_F(AuthTokenTest, ExpiredAssertionIsRefused) {
  Value c = claims();
  c.set("exp", Value::make_number(std::to_string((clock_.now_ms() - 1000) / 1000)));
  const std::string a = sign_assertion(c, ec_);
  expect_refused(request_token(a), "invalid_client", a);
}

TEST_F(AuthTokenTest, AssertionValidForMoreThanFiveMinutesIsRefused) {
  Value c = claims();
  c.set("exp", Value::make_number(std::to_string((clock_.now_ms() + 10 * kMinute) / 1000)));
  const std::string a = sign_assertion(c, ec_);
  expect_refused(request_token(a), "invalid_client", a);
}

TEST_F(AuthTokenTest, AssertionWithoutExpIsRefused) {
  Value c = claims();
  c.erase("exp");
  const std::string a = sign_assertion(c, ec_);
  expect_refused(request_token(a), "invalid_client", a);
}

TEST_F(AuthTokenTest, ReplayedAssertionIsRefused) {
  const std::string a = sign_assertion(claims(), ec_);
  expect_granted(request_token(a), "system/*.rs");
  expect_refused(request_token(a), "invalid_client", a);
  // The same jti in a freshly signed assertion is the same replay.
  const std::string jti(jws_payload(a).string_at("jti"));
  ASSERT_FALSE(jti.empty());
  Value again = claims();
  again.set("jti", Value::make_string(jti));
  const std::string b = sign_assertion(again, ec_);
  expect_refused(request_token(b), "invalid_client", b);
  // Another client may use the same jti: ids are per client.
  register_client("other", "partner", jwks_of({&ec_}));
  Value theirs = claims("other");
  theirs.set("jti", Value::make_string(jti));
  expect_granted(request_token(sign_assertion(theirs, ec_)), "system/*.rs");
}

TEST_F(AuthTokenTest, ConcurrentReplaysGetOneTokenBetweenThem) {
  const std::string a = sign_assertion(claims(), ec_);
  constexpr int kRequests = 8;
  std::vector<long> statuses(kRequests);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i)
    threads.emplace_back([&, i] { statuses[i] = request_token(a).status; });
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200L), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 400L), kRequests - 1);
}

TEST_F(AuthTokenTest, AssertionWithoutJtiIsRefused) {
  Value c = claims();
  c.erase("jti");
  const std::string a = sign_assertion(c, ec_);
  expect_refused(request_token(a), "invalid_client", a);
}

TEST_F(AuthTokenTest, AssertionSignedWithAnotherKeyIsRefused) {
  // Under the other key's own kid: no registered key matches.
  const std::string unknown_kid = sign_assertion(claims(), other_ec_);
  expect_refused(request_token(unknown_kid), "invalid_client", unknown_kid);
  // Under the registered kid: the signature itself is wrong.
  const std::string header = R"({"alg":"ES384","kid":")" + ec_.kid() + R"(","typ":"JWT"})";
  const std::string forged = sign_compact(header, fhir::json::write(claims()), other_ec_);
  expect_refused(request_token(forged), "invalid_client", forged);
  // The same bytes signed with the right key pass: the key was the reason.
  const std::string genuine = sign_compact(header, fhir::json::write(claims()), ec_);
  expect_granted(request_token(genuine), "system/*.rs");
}

TEST_F(AuthTokenTest, AssertionForgedByNodeUnderTheRegisteredKidIsRefused) {
  TempDir dir;
  auto forged = node_sign(dir, other_ec_, ec_.kid(), claims());
  if (!forged) GTEST_SKIP() << "node 16 or later is needed for the JOSE oracle";
  expect_refused(request_token(*forged), "invalid_client", *forged);
}

TEST_F(AuthTokenTest, TamperedAssertionIsRefused) {
  const std::string a = sign_assertion(claims(), ec_);
  std::size_t dot = a.find('.'), dot2 = a.find('.', dot + 1);
  Value changed = claims();
  changed.set("jti", Value::make_string("chosen"));
  std::string tampered = a.substr(0, dot + 1) + fhir::base64url_encode(fhir::json::write(changed)) + a.substr(dot2);
  expect_refused(request_token(tampered), "invalid_client", tampered);
}

TEST_F(AuthTokenTest, AssertionForAnotherAudienceIsRefused) {
  Value c = assertion_claims("clinic", "https://elsewhere.example/auth/token", clock_.now_ms() + kMinute);
  const std::string a = sign_assertion(c, ec_);
  expect_refused(request_token(a), "invalid_client", a);
  // The FHIR base is not the token endpoint either.
  c.set("aud", Value::make_string(client().base_url()));
  const std::string b = sign_assertion(c, ec_);
  expect_refused(request_token(b), "invalid_client", b);
  // An array naming the token endpoint among others is fine (RFC 7519 §4.1.3).
  Value list = Value::make_array();
  list.push_back(Value::make_string("https://elsewhere.example"));
  list.push_back(Value::make_string(token_url()));
  c.set("aud", list);
  expect_granted(request_token(sign_assertion(c, ec_)), "system/*.rs");
}

TEST_F(AuthTokenTest, IssuerAndSubjectMustBothBeTheClient) {
  Value c = claims();
  c.set("sub", Value::make_string("someone-else"));
  const std::string a = sign_assertion(c, ec_);
  expect_refused(request_token(a), "invalid_client", a);
}

TEST_F(AuthTokenTest, UnsignedAssertionIsRefused) {
  const std::string payload = fhir::base64url_encode(fhir::json::write(claims()));
  const std::string none = fhir::base64url_encode(R"({"alg":"none","typ":"JWT","kid":")" + ec_.kid() + "\"}") +
                           "." + payload + ".";
  expect_refused(request_token(none), "invalid_client", none);
  // "none" with a signature attached, and a MAC algorithm keyed by who knows what.
  const std::string signed_none = fhir::base64url_encode(R"({"alg":"none","kid":")" + ec_.kid() + "\"}") + "." +
                                  payload + "." + fhir::base64url_encode("signature");
  expect_refused(request_token(signed_none), "invalid_client", signed_none);
  const std::string hmac = fhir::base64url_encode(R"({"alg":"HS384","kid":")" + ec_.kid() + "\"}") + "." + payload +
                           "." + fhir::base64url_encode(std::string(48, 'x'));
  expect_refused(request_token(hmac), "invalid_client", hmac);
}

TEST_F(AuthTokenTest, GarbledAssertionIsRefused) {
  for (const std::string a : {"not-a-jwt", "a.b", "a.b.c.d", "%%%.%%%.%%%"}) {
    SCOPED_TRACE(a);
    expect_refused(request_token(a), "invalid_client");
  }
}

TEST_F(AuthTokenTest, UnknownClientIsRefused) {
  const std::string a = sign_assertion(claims("nobody"), ec_);
  expect_refused(request_token(a), "invalid_client", a);
}

TEST_F(AuthTokenTest, ClientWithoutKeysIsRefused) {
  register_client("keyless", "partner", "");
  const std::string a = sign_assertion(claims("keyless"), ec_);
  expect_refused(request_token(a), "invalid_client", a);
}

TEST_F(AuthTokenTest, RevokedClientIsRefused) {
  expect_granted(request_token(sign_assertion(claims(), ec_)), "system/*.rs");
  gateway_->revoke_client("clinic");
  const std::string a = sign_assertion(claims(), ec_);
  expect_refused(request_token(a), "invalid_client", a);
}

TEST_F(AuthTokenTest, UnknownAndRevokedClientsAreRefusedAlike) {
  // An unauthenticated caller must not learn which client ids exist.
  register_client("gone", "partner", jwks_of({&ec_}));
  gateway_->revoke_client("gone");
  const std::string unknown_assertion = sign_assertion(claims("nobody"), ec_);
  const std::string revoked_assertion = sign_assertion(claims("gone"), ec_);
  const HttpResult unknown = request_token(unknown_assertion);
  const HttpResult revoked = request_token(revoked_assertion);
  expect_refused(unknown, "invalid_client", unknown_assertion);
  expect_refused(revoked, "invalid_client", revoked_assertion);
  EXPECT_EQ(unknown.json().string_at("error_description"), revoked.json().string_at("error_description"));
  EXPECT_EQ(unknown.body, revoked.body);
}

TEST_F(AuthTokenTest, AssertionNamingItsKeyByUrlIsRefused) {
  // SMART Backend Services: keys come from the registration; a jku (or
  // x5u) the registration does not name fails, even when the registered
  // kid's key signed the assertion.
  for (const char* member : {"jku", "x5u"}) {
    SCOPED_TRACE(member);
    const std::string header = R"({"alg":"ES384","typ":"JWT","kid":")" + ec_.kid() + R"(",")" + member +
                               R"(":"https://keys.example/clinic.jwks"})";
    const std::string a = sign_compact(header, fhir::json::write(claims()), ec_);
    expect_refused(request_token(a), "invalid_client", a);
  }
  // The same header without it, for contrast.
  const std::string plain = sign_compact(R"({"alg":"ES384","typ":"JWT","kid":")" + ec_.kid() + "\"}",
                                         fhir::json::write(claims()), ec_);
  expect_granted(request_token(plain), "system/*.rs");
}

TEST_F(AuthTokenTest, OversizeAssertionIsRefused) {
  // Near the 16 KiB limit is fine; over it is refused before any signature work.
  Value c = claims();
  c.set("padding", Value::make_string(std::string(11000, 'p')));
  const std::string fits = sign_compact(R"({"alg":"ES384","kid":")" + ec_.kid() + "\"}", fhir::json::write(c), ec_);
  ASSERT_LT(fits.size(), 16u * 1024);
  ASSERT_GT(fits.size(), 14u * 1024);
  expect_granted(request_token(fits), "system/*.rs");
  c = claims();
  c.set("padding", Value::make_string(std::string(13000, 'p')));
  const std::string big = sign_compact(R"({"alg":"ES384","kid":")" + ec_.kid() + "\"}", fhir::json::write(c), ec_);
  ASSERT_GT(big.size(), 16u * 1024);
  expect_refused(request_token(big), "invalid_client", big);
}

TEST_F(AuthTokenTest, AssertionMustNameExactlyOnePurposeOfUse) {
  // None at all, no hl7-b2b, an empty list, a string instead of a list.
  std::vector<Value> bad;
  bad.push_back(claims("clinic", ""));
  Value no_b2b = claims();
  no_b2b.set("extensions", Value::make_object());
  bad.push_back(no_b2b);
  Value empty = claims();
  empty.find("extensions")->find("hl7-b2b")->set("purpose_of_use", Value::make_array());
  bad.push_back(empty);
  Value scalar = claims();
  scalar.find("extensions")->find("hl7-b2b")->set("purpose_of_use", Value::make_string("TREAT"));
  bad.push_back(scalar);
  // Several are refused, even the same one twice: a token carries one.
  Value two = claims();
  two.find("extensions")->find("hl7-b2b")->find("purpose_of_use")->push_back(Value::make_string("HPAYMT"));
  bad.push_back(two);
  Value twice = claims();
  twice.find("extensions")->find("hl7-b2b")->find("purpose_of_use")->push_back(Value::make_string(kTreatOid));
  bad.push_back(twice);
  for (const Value& c : bad) {
    SCOPED_TRACE(fhir::json::write(c));
    const std::string a = sign_assertion(c, ec_);
    expect_refused(request_token(a), "invalid_grant", a);
  }
}

TEST_F(AuthTokenTest, UnknownPurposeOfUseIsRefused) {
  for (const char* purpose :
       {"NOPE", "treat", "PurposeOfUse",  // the abstract parent is not a purpose
        "ACCREQNA",                       // an ActReason code outside PurposeOfUse
        "http://example.org/purposes#TREAT", "urn:oid:2.16.840.1.113883.5.8#", "#TREAT"}) {
    SCOPED_TRACE(purpose);
    const std::string a = sign_assertion(claims("clinic", purpose), ec_);
    const HttpResult r = request_token(a);
    expect_refused(r, "invalid_grant", a);
  }
}

TEST_F(AuthTokenTest, WrongGrantTypeIsUnsupported) {
  const std::string a = sign_assertion(claims(), ec_);
  TokenForm form;
  form.client_assertion = a;
  form.scope = "system/*.rs";
  form.grant_type = "authorization_code";
  expect_refused(post_token(form.encode()), "unsupported_grant_type", a);
  form.grant_type = "";
  expect_refused(post_token(form.encode()), "invalid_request", a);
}

TEST_F(AuthTokenTest, WrongClientAssertionTypeIsRefused) {
  const std::string a = sign_assertion(claims(), ec_);
  TokenForm form;
  form.client_assertion = a;
  form.scope = "system/*.rs";
  form.client_assertion_type = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer";
  expect_refused(post_token(form.encode()), "invalid_request", a);
  form.client_assertion_type = "";
  expect_refused(post_token(form.encode()), "invalid_request", a);
  // Nothing was used up: the assertion still buys a token.
  expect_granted(request_token(a), "system/*.rs");
}

TEST_F(AuthTokenTest, MissingOrRepeatedParametersAreInvalidRequests) {
  const std::string a = sign_assertion(claims(), ec_);
  TokenForm no_assertion;
  no_assertion.scope = "system/*.rs";
  expect_refused(post_token(no_assertion.encode()), "invalid_request");
  TokenForm no_scope;
  no_scope.client_assertion = a;
  expect_refused(post_token(no_scope.encode()), "invalid_request", a);
  TokenForm form;
  form.client_assertion = a;
  form.scope = "system/*.rs";
  expect_refused(post_token(form.encode() + "&scope=system%2F%2A.cruds"), "invalid_request", a);
}

TEST_F(AuthTokenTest, TokenRequestMustBeAForm) {
  const std::string a = sign_assertion(claims(), ec_);
  TokenForm form;
  form.client_assertion = a;
  form.scope = "system/*.rs";
  const std::string json = R"({"grant_type":"client_credentials","client_assertion":")" + a + "\"}";
  expect_refused(post_token(json, "application/json"), "invalid_request", a);
  expect_refused(post_token(form.encode(), "text/plain"), "invalid_request", a);
  expect_refused(post_token(form.encode(), "application/fhir+json"), "invalid_request", a);
  // The media type's case and parameters do not matter.
  expect_granted(post_token(form.encode(), "Application/X-WWW-Form-URLEncoded; charset=UTF-8"), "system/*.rs");
}

TEST_F(AuthTokenTest, ScopeNothingOfWhichMayBeGrantedIsInvalidScope) {
  // A partner asking only to write; a type outside its registration; a
  // scope that is not a SMART system scope at all.
  register_client("narrow", "partner", jwks_of({&ec_}), "system/Patient.rs");
  const std::pair<const char*, const char*> cases[] = {
      {"clinic", "system/Patient.c"},
      {"clinic", "system/Observation.cud"},
      {"narrow", "system/Observation.rs"},
      {"clinic", "patient/*.read"},
      {"clinic", "user/Patient.rs"},
      {"clinic", "system/Patient.sr"},
  };
  for (const auto& [id, scope] : cases) {
    SCOPED_TRACE(scope);
    const std::string a = sign_assertion(claims(id), ec_);
    expect_refused(request_token(a, scope), "invalid_scope", a);
  }
}

TEST_F(AuthTokenTest, TokenEndpointTakesPostOnly) {
  auto r = anonymous().get("auth/token");
  EXPECT_EQ(r.status, 405) << r.body;
}

// --- the resource server's refusals ----------------------------------------------

// A 401 with an RFC 6750 challenge and an OperationOutcome.
void expect_challenge(const HttpResult& r, bool invalid_token) {
  Value issue = expect_outcome(r, 401);
  EXPECT_EQ(issue.string_at("code"), "unknown") << r.body;  // R4 IssueType: the token is unacceptable
  const std::string challenge = r.header("www-authenticate");
  EXPECT_EQ(challenge.rfind("Bearer realm=\"", 0), 0u) << challenge;
  if (invalid_token) {
    EXPECT_NE(challenge.find("error=\"invalid_token\""), std::string::npos) << challenge;
  } else {
    // RFC 6750 §3.1: no error code when no credentials were sent.
    EXPECT_EQ(challenge.find("error"), std::string::npos) << challenge;
  }
}

TEST_F(AuthTokenTest, RequestWithoutTokenIsChallenged) {
  expect_challenge(anonymous().get("Patient"), false);
  expect_challenge(anonymous().get("Patient/x"), false);
  expect_challenge(anonymous().post("Patient", R"({"resourceType":"Patient"})"), false);
}

TEST_F(AuthTokenTest, GarbageTokenIsChallengedAsInvalid) {
  expect_challenge(anonymous().with_bearer("garbage").get("Patient"), true);
  expect_challenge(anonymous().with_bearer("a.b.c").get("Patient"), true);
  // Not the Bearer scheme, or Bearer without a token: no Bearer
  // credentials, so no error code (RFC 6750 §3.1).
  for (const char* authorization : {"Basic dXNlcjpwYXNz", "Bearer "}) {
    SCOPED_TRACE(authorization);
    const HttpResult r = anonymous().get("Patient", {{"Authorization", authorization}});
    expect_challenge(r, false);
    EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"CareBridge\"");
  }
  // The scheme is case-insensitive (RFC 7235 §2.1).
  EXPECT_EQ(anonymous().get("Patient", {{"Authorization", "bEaReR " + client().bearer()}}).status, 200);
}

TEST_F(AuthTokenTest, ClientAssertionIsNotAnAccessToken) {
  // Signed by a registered client's key, but not by the gateway.
  expect_challenge(anonymous().with_bearer(sign_assertion(claims(), ec_)).get("Patient"), true);
}

TEST_F(AuthTokenTest, TokenSignedByAnotherGatewayIsChallenged) {
  gateway::AppContext& app = gateway_->runtime().app();
  gateway::auth::RequestContext ctx;
  ctx.client_id = "clinic";
  ctx.organization = "Organization/org-clinic";
  ctx.role = "partner";
  ctx.scopes = *gateway::auth::ScopeSet::parse("system/*.rs");
  ctx.purpose = *gateway::auth::parse_purpose_of_use("TREAT", *app.purposes);
  // Our name, another key.
  gateway::auth::GatewayIdentity impostor;
  impostor.key = other_ec_;
  impostor.name = app.identity->name;
  auto forged = gateway::auth::mint_access_token(ctx, impostor, clock_.now_ms(), 5 * kMinute);
  ASSERT_TRUE(forged.ok());
  expect_challenge(anonymous().with_bearer(*forged).get("Patient"), true);
  // Our key, another name: not issued by or for this gateway.
  gateway::auth::GatewayIdentity renamed = *app.identity;
  renamed.name = "https://other-gateway.example";
  auto foreign = gateway::auth::mint_access_token(ctx, renamed, clock_.now_ms(), 5 * kMinute);
  ASSERT_TRUE(foreign.ok());
  expect_challenge(anonymous().with_bearer(*foreign).get("Patient"), true);
  // The genuine article, for contrast.
  auto genuine = gateway::auth::mint_access_token(ctx, *app.identity, clock_.now_ms(), 5 * kMinute);
  ASSERT_TRUE(genuine.ok());
  EXPECT_EQ(anonymous().with_bearer(*genuine).get("Patient").status, 200);
}

TEST_F(AuthTokenTest, ExpiredAccessTokenIsChallenged) {
  gateway::AppContext& app = gateway_->runtime().app();
  gateway::auth::RequestContext ctx;
  ctx.client_id = "clinic";
  ctx.organization = "Organization/org-clinic";
  ctx.role = "partner";
  ctx.scopes = *gateway::auth::ScopeSet::parse("system/*.rs");
  ctx.purpose = *gateway::auth::parse_purpose_of_use("TREAT", *app.purposes);
  auto old = gateway::auth::mint_access_token(ctx, *app.identity, clock_.now_ms() - 10 * kMinute, 5 * kMinute);
  ASSERT_TRUE(old.ok());
  auto r = anonymous().with_bearer(*old).get("Patient");
  expect_challenge(r, true);
  EXPECT_NE(r.header("www-authenticate").find("expired"), std::string::npos) << r.header("www-authenticate");
}

TEST_F(AuthTokenTest, TokenStopsWorkingWhenItExpiresAlthoughItWasCached) {
  const std::string token = expect_granted(request_token(sign_assertion(claims(), ec_)), "system/*.rs");
  TestClient clinic = client().with_bearer(token);
  EXPECT_EQ(clinic.get("Patient").status, 200);  // verified, and now cached
  clock_.advance_ms(299 * 1000);
  EXPECT_EQ(clinic.get("Patient").status, 200);
  clock_.advance_ms(1000);
  expect_challenge(clinic.get("Patient"), true);
}

TEST_F(AuthTokenTest, RevokedClientsTokenIsRefusedOnTheNextRequest) {
  const std::string token = expect_granted(request_token(sign_assertion(claims(), ec_)), "system/*.rs");
  TestClient clinic = client().with_bearer(token);
  EXPECT_EQ(clinic.get("Patient").status, 200);
  gateway_->revoke_client("clinic");
  expect_challenge(clinic.get("Patient"), true);
  // Other clients go on.
  EXPECT_EQ(client().get("Patient").status, 200);
}

TEST_F(AuthTokenTest, TokenStopsSpeakingForAClientWhoseRegistrationChanged) {
  // A token carries the grant of its day; once the registration no longer
  // allows it (scopes taken away, another role or organization), it is
  // refused from the next request, and a new token gets what is allowed now.
  register_client("narrow", "partner", jwks_of({&ec_}), "system/Patient.rs");
  auto token_for = [this](const std::string& id, const std::string& scope) {
    return expect_granted(request_token(sign_assertion(claims(id), ec_), scope), scope);
  };
  TestClient narrow = client().with_bearer(token_for("narrow", "system/Patient.rs"));
  EXPECT_EQ(narrow.get("Patient").status, 200);
  change_registration("narrow", "partner", "system/Observation.rs");
  const HttpResult refused = narrow.get("Patient");
  expect_challenge(refused, true);
  EXPECT_NE(refused.header("www-authenticate").find("registration has changed"), std::string::npos)
      << refused.header("www-authenticate");
  EXPECT_EQ(client().with_bearer(token_for("narrow", "system/Observation.rs")).get("Observation").status, 200);

  // The role alone (the scopes still within what the new role allows).
  register_client("mover", "partner", jwks_of({&ec_}), "system/Patient.rs");
  TestClient mover = client().with_bearer(token_for("mover", "system/Patient.rs"));
  EXPECT_EQ(mover.get("Patient").status, 200);
  change_registration("mover", "source", "system/Patient.rs");
  expect_challenge(mover.get("Patient"), true);
  TestClient moved = client().with_bearer(token_for("mover", "system/Patient.rs"));
  EXPECT_EQ(moved.get("Patient").status, 200);
  // And the organization it acts for.
  change_registration("mover", "source", "system/Patient.rs", "Organization/elsewhere");
  expect_challenge(moved.get("Patient"), true);

  // Other clients go on.
  EXPECT_EQ(client().get("Patient").status, 200);
}

TEST_F(AuthTokenTest, ForbiddenAnswersSayTheScopeIsInsufficient) {
  // RFC 6750 §3.1: a valid token without the scope a request needs.
  const std::string token = expect_granted(request_token(sign_assertion(claims(), ec_), "system/Patient.rs"),
                                           "system/Patient.rs");
  const HttpResult r = client().with_bearer(token).get("Observation");
  Value issue = expect_outcome(r, 403);
  EXPECT_EQ(issue.string_at("code"), "forbidden");
  EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"CareBridge\", error=\"insufficient_scope\"");
  // A 200 carries no challenge.
  EXPECT_TRUE(client().with_bearer(token).get("Patient").header("www-authenticate").empty());
}

// --- what is open, and what it says ---------------------------------------------

TEST_F(AuthTokenTest, DiscoveryIsOpen) {
  auto metadata = anonymous().get("metadata");
  EXPECT_EQ(metadata.status, 200) << metadata.body;
  auto jwks = anonymous().get(".well-known/jwks.json");
  EXPECT_EQ(jwks.status, 200) << jwks.body;
  EXPECT_EQ(jwks.header("content-type"), "application/json");
  Value set = jwks.json();
  ASSERT_NE(set.find("keys"), nullptr);
  ASSERT_EQ(set.find("keys")->items().size(), 1u);
  const Value& key = set.find("keys")->items()[0];
  const gateway::auth::GatewayIdentity& identity = *gateway_->runtime().app().identity;
  EXPECT_EQ(key.string_at("kid"), identity.key.kid());
  EXPECT_EQ(key.string_at("alg"), gateway::auth::alg_name(identity.key.alg()));
  EXPECT_EQ(key.string_at("use"), "sig");
  EXPECT_EQ(key.find("d"), nullptr) << "the private key must never be published";
  // Even a bad token does not close them.
  EXPECT_EQ(anonymous().with_bearer("garbage").get("metadata").status, 200);
}

TEST_F(AuthTokenTest, SmartConfigurationDescribesBackendServices) {
  auto r = anonymous().get(".well-known/smart-configuration");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  Value c = r.json();
  EXPECT_EQ(c.string_at("token_endpoint"), token_url());
  EXPECT_EQ(c.string_at("jwks_uri"), client().base_url() + "/.well-known/jwks.json");
  auto has = [&c](const char* member, const char* value) {
    const Value* list = c.find(member);
    if (list == nullptr) return false;
    for (const auto& v : list->items())
      if (v.text() == value) return true;
    return false;
  };
  EXPECT_TRUE(has("grant_types_supported", "client_credentials"));
  EXPECT_TRUE(has("token_endpoint_auth_methods_supported", "private_key_jwt"));
  EXPECT_TRUE(has("token_endpoint_auth_signing_alg_values_supported", "RS384"));
  EXPECT_TRUE(has("token_endpoint_auth_signing_alg_values_supported", "ES384"));
  EXPECT_TRUE(has("capabilities", "client-confidential-asymmetric"));
  EXPECT_TRUE(has("capabilities", "permission-v2"));
  EXPECT_TRUE(has("scopes_supported", "system/*.rs"));
  EXPECT_TRUE(has("extensions_supported", "hl7-b2b"));
  // What it advertises works: the jwks_uri answers, the endpoint grants.
  EXPECT_EQ(anonymous().get(std::string(c.string_at("jwks_uri"))).status, 200);
  TokenForm form;
  form.client_assertion = sign_assertion(claims(), ec_);
  form.scope = "system/*.rs";
  auto granted = anonymous().post(std::string(c.string_at("token_endpoint")), form.encode(),
                                  {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(granted.status, 200) << granted.body;
}

TEST_F(AuthTokenTest, OAuthRoutesAnswerJsonWhateverAcceptSays) {
  // SMART: the well-known document SHALL be JSON; the token endpoint
  // speaks OAuth, not FHIR's content negotiation.
  const Headers html = {{"Accept", "text/html"}};
  for (const char* path : {".well-known/smart-configuration", ".well-known/jwks.json"}) {
    SCOPED_TRACE(path);
    const HttpResult r = anonymous().get(path, html);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_TRUE(r.json().is_object()) << r.body;
  }
  TokenForm form;
  form.client_assertion = sign_assertion(claims(), ec_);
  form.scope = "system/*.rs";
  const Headers html_form = {{"Accept", "text/html"}, {"Content-Type", "application/x-www-form-urlencoded"}};
  expect_granted(anonymous().post("auth/token", form.encode(), html_form), "system/*.rs");
  // Its refusals are OAuth JSON too (the assertion is used up now).
  expect_refused(anonymous().post("auth/token", form.encode(), html_form), "invalid_client", form.client_assertion);
  // FHIR routes go on negotiating.
  expect_outcome(anonymous().get("metadata", html), 406);
}

TEST_F(AuthTokenTest, CapabilityStatementNamesTheTokenEndpoint) {
  Value cs = anonymous().get("metadata").json();
  const Value* rest = cs.find("rest");
  ASSERT_TRUE(rest != nullptr && !rest->items().empty());
  const Value* security = rest->items()[0].find("security");
  ASSERT_NE(security, nullptr) << fhir::json::write(cs).substr(0, 400);
  std::string token_uri;
  if (const Value* exts = security->find("extension"))
    for (const auto& e : exts->items()) {
      if (e.string_at("url") != "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris") continue;
      for (const auto& inner : e.find("extension")->items())
        if (inner.string_at("url") == "token") token_uri = std::string(inner.string_at("valueUri"));
    }
  EXPECT_EQ(token_uri, token_url());
  bool smart = false;
  if (const Value* services = security->find("service"))
    for (const auto& s : services->items())
      if (const Value* codings = s.find("coding"))
        for (const auto& coding : codings->items())
          smart = smart || (coding.string_at("system") ==
                                "http://terminology.hl7.org/CodeSystem/restful-security-service" &&
                            coding.string_at("code") == "SMART-on-FHIR");
  EXPECT_TRUE(smart) << fhir::json::write(*security);
}

// --- what tokens never seen before may cost ----------------------------------------

// One signature check of a new token per second, two at once. The test
// clock stands still, so nothing refills the budget unless a test moves
// it; SetUp sends no request, so every test starts with both checks.
class TokenBudgetTest : public AuthTokenTest {
 protected:
  void configure(gateway::Settings& s) override { s.token_verifications_per_second = 1; }
};

TEST_F(TokenBudgetTest, NewTokensPastTheBudgetWaitWhileKnownOnesAreServed) {
  std::vector<TestClient> fresh;
  for (int i = 0; i < 4; ++i) fresh.push_back(client_as("partner"));
  EXPECT_EQ(fresh[0].get("Patient").status, 200);
  EXPECT_EQ(fresh[1].get("Patient").status, 200);
  const HttpResult wait = fresh[2].get("Patient");
  Value issue = expect_outcome(wait, 503);
  EXPECT_EQ(issue.string_at("code"), "transient") << wait.body;
  EXPECT_EQ(wait.header("retry-after"), "1");
  EXPECT_TRUE(wait.header("www-authenticate").empty()) << "not a verdict on the token";
  // Tokens already verified cost a lookup, not a check.
  EXPECT_EQ(fresh[0].get("Patient").status, 200);
  EXPECT_EQ(fresh[1].get("Patient").status, 200);
  // A second later there is one check more: the token that waited gets it.
  clock_.advance_ms(1000);
  EXPECT_EQ(fresh[2].get("Patient").status, 200);
  expect_outcome(fresh[3].get("Patient"), 503);
  EXPECT_EQ(fresh[2].get("Patient").status, 200);
}

TEST_F(TokenBudgetTest, ARefusedTokenSentAgainCostsNoSignatureCheck) {
  // Refused once, remembered: a repeat costs a lookup, not a check. Garbage,
  // and a token shaped like ours (our kid, typ and alg) whose signature
  // does not verify. Two new tokens, two checks: were the repeats checked
  // again, the budget would run out and they would get 503.
  std::string forged = client_as("partner").bearer();
  const std::size_t at = forged.rfind('.') + 10;
  forged[at] = forged[at] == 'A' ? 'B' : 'A';
  for (const std::string& token : {std::string("garbage"), forged}) {
    for (int i = 0; i < 3; ++i) {
      SCOPED_TRACE(token.substr(0, 8) + " #" + std::to_string(i));
      expect_challenge(anonymous().with_bearer(token).get("Patient"), true);
    }
  }
}

TEST_F(TokenBudgetTest, TokensTheEndpointIssuesNeedNoSignatureCheck) {
  EXPECT_EQ(client().get("Patient").status, 200);
  EXPECT_EQ(client_as("partner").get("Patient").status, 200);
  expect_outcome(client_as("partner").get("Patient"), 503);  // the budget is spent
  // Known from the moment it is issued: its first use is served.
  const std::string token = expect_granted(request_token(sign_assertion(claims(), ec_)), "system/*.rs");
  EXPECT_EQ(client().with_bearer(token).get("Patient").status, 200);
}

// --- one store, several servers ------------------------------------------------------

TEST_F(AuthTokenTest, TokensAndUsedAssertionsAreTheStoresNotTheServers) {
  // The other server runs on the real clock: so does this one, here.
  clock_.set_ms(fhir::SystemClock().now_ms());
  const std::string db = (dir_.path() / "store.db").string();
  ServerProcess second(db);
  ASSERT_TRUE(second.started());
  ASSERT_NE(second.base_url(), client().base_url());

  // Minted on the command line for the store: both servers accept it.
  std::string out;
  ASSERT_EQ(run_binary({"token", "--db", db, "--client", "clinic", "--purpose", "TREAT"}, &out), 0) << out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  EXPECT_EQ(TestClient(second.base_url(), out).get("Patient").status, 200);
  EXPECT_EQ(client().with_bearer(out).get("Patient").status, 200);

  // Issued by one server's endpoint: the other accepts it too.
  Value c = claims();
  Value both = Value::make_array();
  both.push_back(Value::make_string(token_url()));
  both.push_back(Value::make_string(second.base_url() + "/auth/token"));
  c.set("aud", both);
  const std::string a = sign_assertion(c, ec_);
  const std::string token = expect_granted(request_token(a), "system/*.rs");
  EXPECT_EQ(TestClient(second.base_url(), token).get("Patient").status, 200);

  // The assertion was used here, so the other server refuses it as well.
  TokenForm form;
  form.client_assertion = a;
  form.scope = "system/*.rs";
  auto replay = TestClient(second.base_url())
                    .post("auth/token", form.encode(), {{"Content-Type", "application/x-www-form-urlencoded"}});
  expect_refused(replay, "invalid_client", a);
  // While a fresh one (another jti) for the same audiences is fine there.
  Value fresh = claims();
  fresh.set("aud", both);
  form.client_assertion = sign_assertion(fresh, ec_);
  auto ok = TestClient(second.base_url())
                .post("auth/token", form.encode(), {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(ok.status, 200) << ok.body;
}

}  // namespace
}  // namespace carebridge::test
