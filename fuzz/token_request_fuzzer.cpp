// The token endpoint's checks (gateway/auth/token_request.hpp): form
// parameters, a client assertion, the registry and the PurposeOfUse codes
// into check_token_request. Random bytes never carry a valid signature, so
// the harness signs: the input is
//
//   [selector byte] [claims: any bytes] '\0' [form: x-www-form-urlencoded]
//
// and every form value that is exactly "@" becomes a compact JWS whose
// payload is the claims bytes as they are, signed by the key the selector
// names (a registered client's, a revoked client's, one nobody registered,
// the gateway's own) under a header the selector shapes (kid, alg, jku).
// Selector 7 (or no '\0') signs nothing: the form is used as it is.
//
// Invariants: a grant names the client whose registered key signed, never
// a revoked one, within its allowed scopes, with an assertion expiring
// within five minutes (+ leeway) and a jti; its access token round-trips
// through verify_access_token; an assertion never verifies as an access
// token; a refusal is an RFC 6749 §5.2 error whose description repeats no
// form value and no control characters.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/base64.hpp"
#include "fhir/core/clock.hpp"
#include "fhir/core/query.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "fhir/store/sqlite_store.hpp"
#include "fuzz/support/invariant.hpp"
#include "fuzz/support/r4_data.hpp"
#include "gateway/auth/access_token.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/auth/ecdsa_signature.hpp"
#include "gateway/auth/gateway_identity.hpp"
#include "gateway/auth/jwk_export.hpp"
#include "gateway/auth/purpose_of_use.hpp"
#include "gateway/auth/signing_key.hpp"
#include "gateway/auth/token_request.hpp"

namespace {

namespace auth = gateway::auth;
using fhir::json::Value;

// Fixed time: seeds can name exp values that are valid at it.
constexpr std::int64_t kNowMs = 1800000000000;  // 2027-01-15T08:00:00Z
const std::vector<std::string> kTokenUrls = {"https://cb.example/fhir/auth/token",
                                             "urn:carebridge:gateway:fuzz/auth/token"};

struct Signer {
  auth::SigningKey key;
  std::string kid;    // as registered (the rogue key claims alpha's)
  std::string owner;  // the client that registered it; "" for none
};

struct World {
  std::array<Signer, 7> signers;  // selector % 8; 7 = unsigned
  auth::ClientRegistry clients;
  std::shared_ptr<const auth::PurposeOfUseCodes> purposes;
  auth::GatewayIdentity identity;
};
World* g = nullptr;

auth::SigningKey rsa_2048() {
  // RSA 2048 (what registrations may hold) keeps signing cheap under ASan.
  EVP_PKEY* raw = EVP_RSA_gen(2048);
  CAREBRIDGE_FUZZ_CHECK(raw != nullptr, "an RSA key");
  BIO* bio = BIO_new(BIO_s_mem());
  CAREBRIDGE_FUZZ_CHECK(PEM_write_bio_PrivateKey(bio, raw, nullptr, nullptr, 0, nullptr, nullptr) == 1, "PEM");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  auto key = auth::SigningKey::from_pem(std::string_view(data, static_cast<std::size_t>(n)));
  BIO_free(bio);
  EVP_PKEY_free(raw);
  CAREBRIDGE_FUZZ_CHECK(key.ok(), "an RSA signing key from PEM");
  return std::move(*key);
}

auth::SigningKey ec_p384() {
  auto key = auth::SigningKey::generate(auth::KeyType::ec_p384);
  CAREBRIDGE_FUZZ_CHECK(key.ok(), "an EC key");
  return std::move(*key);
}

// A JWKS of the signers owned by `owner`, each under its registered kid.
std::string jwks_of(const std::string& owner) {
  Value keys = Value::make_array();
  for (const Signer& s : g->signers) {
    if (s.owner != owner || s.key.empty()) continue;
    auto jwk = auth::public_jwk(s.key.public_key());
    CAREBRIDGE_FUZZ_CHECK(jwk.ok(), "a public JWK");
    jwk->set("kid", Value::make_string(s.kid));
    keys.push_back(std::move(*jwk));
  }
  if (keys.items().empty()) return "";
  Value set = Value::make_object();
  set.set("keys", std::move(keys));
  return fhir::json::write(set);
}

fhir::Status write_sync(fhir::store::Store& store, fhir::store::WriteUnit unit) {
  std::promise<fhir::Status> done;
  auto result = done.get_future();
  store.write(std::move(unit), [&done](fhir::Status st) { done.set_value(std::move(st)); });
  return result.get();
}

void load_registry() {
  char dir_template[] = "/tmp/token_request_fuzzer.XXXXXX";
  const char* dir = mkdtemp(dir_template);
  CAREBRIDGE_FUZZ_CHECK(dir != nullptr, "a temporary directory");
  static const fhir::SystemClock clock;
  fhir::store::SqliteOptions options;
  options.path = std::string(dir) + "/clients.db";
  auto store = fhir::store::open_sqlite_store(options, clock);
  CAREBRIDGE_FUZZ_CHECK(store.ok(), "a scratch store");
  // id, role, registered scopes ("" = what the role allows), revoked.
  struct Reg {
    const char* id;
    const char* role;
    const char* scopes;
    bool revoked;
  };
  const Reg regs[] = {{"alpha", "partner", "", false},
                      {"beta", "source", "system/Observation.cruds system/Patient.r", false},
                      {"gamma", "compliance", "", true},
                      {"delta", "care-manager", "system/*.read", false},
                      {"mirror", "admin", "system/Patient.rs", false},
                      {"nokeys", "partner", "", false}};
  auto st = write_sync(**store, [&](fhir::store::WriteTxn& tx) -> fhir::Status {
    for (const Reg& r : regs) {
      fhir::store::ClientRecord c{r.id, r.role, "Organization/org-" + std::string(r.id), r.scopes, jwks_of(r.id),
                                  false, 1, std::nullopt};
      if (auto s = tx.add_client(c); !s) return s;
      if (r.revoked)
        if (auto s = tx.revoke_client(r.id, 2); !s) return s;
    }
    return fhir::ok_status();
  });
  CAREBRIDGE_FUZZ_CHECK(st.ok(), "the clients registered");
  CAREBRIDGE_FUZZ_CHECK(g->clients.reload(**store).ok(), "the registry loaded");
  (*store)->close();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// A compact JWS over payload exactly as given (not re-serialized).
std::string sign_raw(const Signer& s, std::string_view payload, std::uint8_t selector) {
  const bool ec = s.key.type() == auth::KeyType::ec_p384;
  // bit 4: the header names the other algorithm than the key's.
  const bool lie = (selector & 0x10) != 0;
  Value header = Value::make_object();
  header.set("alg", Value::make_string((ec != lie) ? "ES384" : "RS384"));
  // bit 3: kid "shared" (the kid two of delta's keys carry) instead of the key's own.
  header.set("kid", Value::make_string((selector & 0x08) ? std::string("shared") : s.kid));
  header.set("typ", Value::make_string("JWT"));
  // bit 5: a jku the gateway never registered.
  if (selector & 0x20) header.set("jku", Value::make_string("https://evil.example/jwks.json"));
  // bit 6: typ of an access token.
  if (selector & 0x40) header.set("typ", Value::make_string("at+jwt"));
  std::string input = fhir::base64url_encode(fhir::json::write(header)) + "." + fhir::base64url_encode(payload);

  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  std::size_t size = 0;
  bool ok = ctx != nullptr &&
            EVP_DigestSignInit_ex(ctx, &pctx, "SHA384", nullptr, nullptr, s.key.pkey(), nullptr) == 1 &&
            (ec || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1) &&
            EVP_DigestSign(ctx, nullptr, &size, reinterpret_cast<const unsigned char*>(input.data()),
                           input.size()) == 1;
  std::string sig(size, '\0');
  ok = ok && EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &size,
                            reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  CAREBRIDGE_FUZZ_CHECK(ok, "the harness signs");
  sig.resize(size);
  if (ec) {
    auto raw = auth::ecdsa_der_to_raw(sig, auth::kEs384ScalarBytes);
    CAREBRIDGE_FUZZ_CHECK(raw.has_value(), "r || s");
    sig = std::move(*raw);
  }
  return input + "." + fhir::base64url_encode(sig);
}

bool printable(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) return false;
  return true;
}

// A value a description could only contain by repeating it: long enough,
// and with a character the fixed descriptions never use.
bool distinctive(std::string_view v) {
  if (v.size() < 12) return false;
  for (char c : v) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       std::string_view(" .,:;()#/*_-'").find(c) != std::string_view::npos;
    if (!plain) return true;
  }
  return false;
}

void check_refusal(const auth::OAuthError& e, const fhir::QueryParams& form, const std::string& assertion,
                   std::string_view claims) {
  const std::string_view e_code = e.error;
  CAREBRIDGE_FUZZ_CHECK(e_code == "invalid_request" || e_code == "invalid_client" || e_code == "invalid_grant" ||
                            e_code == "invalid_scope" || e_code == "unsupported_grant_type",
                        "an RFC 6749 §5.2 error code");
  CAREBRIDGE_FUZZ_CHECK(!e.description.empty() && printable(e.description),
                        "the description is printable ASCII (RFC 6749 §5.2: %x20-21 / %x23-5B / %x5D-7E)");
  // Never the assertion, a form value or a claim's string value.
  if (!assertion.empty())
    CAREBRIDGE_FUZZ_CHECK(e.description.find(assertion) == std::string::npos, "the description repeats no assertion");
  for (const auto& [name, value] : form)
    if (distinctive(value))
      CAREBRIDGE_FUZZ_CHECK(e.description.find(value) == std::string::npos, "the description repeats no form value");
  if (auto parsed = fhir::json::parse(claims); parsed && parsed->is_object())
    for (const auto& [name, value] : parsed->members())
      if (value.is_string() && distinctive(value.text()))
        CAREBRIDGE_FUZZ_CHECK(e.description.find(value.text()) == std::string::npos,
                              "the description repeats no claim");
  auto body = fhir::json::parse(auth::oauth_error_json(e));
  CAREBRIDGE_FUZZ_CHECK(body.ok() && body->is_object() && body->members().size() == 2 &&
                            body->string_at("error") == e.error && body->string_at("error_description") == e.description,
                        "the error body is {error, error_description}");
}

void check_grant(const auth::TokenGrant& grant, const Signer* signer) {
  const auth::RequestContext& ctx = grant.context;
  CAREBRIDGE_FUZZ_CHECK(signer != nullptr, "nothing unsigned is granted");
  CAREBRIDGE_FUZZ_CHECK(!signer->owner.empty() && ctx.client_id == signer->owner,
                        "a grant names the client whose registered key signed");
  auto client = g->clients.find(ctx.client_id);
  CAREBRIDGE_FUZZ_CHECK(client != nullptr && !client->revoked(), "a grant is for a registered, unrevoked client");
  CAREBRIDGE_FUZZ_CHECK(ctx.role == client->record.role && ctx.organization == client->record.organization,
                        "role and organization come from the registration");
  CAREBRIDGE_FUZZ_CHECK(!ctx.scopes.empty(), "a grant has scopes");
  CAREBRIDGE_FUZZ_CHECK(ctx.scopes.intersect(client->allowed).to_string() == ctx.scopes.to_string(),
                        "granted scopes lie within the registration and role");
  CAREBRIDGE_FUZZ_CHECK(grant.assertion_expires_ms > kNowMs &&
                            grant.assertion_expires_ms <=
                                kNowMs + auth::kMaxAssertionLifetimeMs + auth::kClockLeewayMs,
                        "the assertion expires within five minutes");
  CAREBRIDGE_FUZZ_CHECK(!grant.assertion_jti.empty() && grant.assertion_jti.size() <= 256, "a jti");
  CAREBRIDGE_FUZZ_CHECK(g->purposes->known(ctx.purpose.code) && ctx.purpose.system == auth::kActReasonSystem,
                        "a known purpose of use");

  // The access token carries the grant unchanged.
  auth::RequestContext minted = ctx;
  auto token = auth::mint_access_token(minted, g->identity, kNowMs, auth::kDefaultTokenLifetimeMs);
  CAREBRIDGE_FUZZ_CHECK(token.ok(), "the grant mints");
  auto back = auth::verify_access_token(*token, g->identity, *g->purposes, kNowMs);
  CAREBRIDGE_FUZZ_CHECK(back.ok(), "a minted token verifies");
  CAREBRIDGE_FUZZ_CHECK(back->client_id == ctx.client_id && back->organization == ctx.organization &&
                            back->role == ctx.role && back->user_id == ctx.user_id &&
                            back->user_name == ctx.user_name && back->user_role == ctx.user_role &&
                            back->purpose.code == ctx.purpose.code &&
                            back->scopes.to_string() == ctx.scopes.to_string(),
                        "the access token round-trips the grant");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g = new World();  // lives for the process
  auto purposes =
      auth::PurposeOfUseCodes::load(carebridge::fuzz::source_path("fhir/r4/CodeSystem-v3-ActReason.json"));
  CAREBRIDGE_FUZZ_CHECK(purposes.ok(), "the PurposeOfUse codes");
  g->purposes = std::move(*purposes);
  g->identity.key = ec_p384();
  g->identity.name = "https://cb.example/fhir";
  auto delta_a = ec_p384();
  g->signers = {Signer{ec_p384(), "alpha-1", "alpha"},
                Signer{rsa_2048(), "beta-1", "beta"},
                Signer{ec_p384(), "gamma-1", "gamma"},
                Signer{ec_p384(), "shared", "delta"},
                Signer{ec_p384(), "shared", "delta"},  // delta registers two keys under one kid
                Signer{ec_p384(), "alpha-1", ""},       // nobody's key, claiming alpha's kid
                Signer{g->identity.key, g->identity.key.kid(), "mirror"}};  // the gateway's own key, registered
  load_registry();

  // The other direction: the gateway's own access token, offered as a
  // client assertion by the client that registered the gateway's public
  // key (mirror), is refused: its iss is the gateway, not the client.
  auth::RequestContext ctx;
  ctx.client_id = "mirror";
  ctx.role = "admin";
  ctx.organization = "Organization/org-mirror";
  ctx.scopes = *auth::ScopeSet::parse("system/Patient.rs");
  ctx.purpose = *auth::parse_purpose_of_use("TREAT", *g->purposes);
  auto token = auth::mint_access_token(ctx, g->identity, kNowMs, auth::kDefaultTokenLifetimeMs);
  CAREBRIDGE_FUZZ_CHECK(token.ok(), "an access token");
  fhir::QueryParams form = {{"grant_type", "client_credentials"},
                            {"client_assertion_type", std::string(auth::kJwtBearerAssertionType)},
                            {"client_assertion", *token},
                            {"scope", "system/Patient.rs"}};
  auto as_assertion = auth::check_token_request(form, g->clients, *g->purposes, kTokenUrls, kNowMs);
  CAREBRIDGE_FUZZ_CHECK(!as_assertion.grant, "an access token is no client assertion");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto selector = static_cast<std::uint8_t>(input.front());
  input.remove_prefix(1);
  std::size_t nul = input.find('\0');
  const Signer* signer = nullptr;
  std::string_view claims;
  std::string_view form_text = input;
  if (nul != std::string_view::npos && (selector & 7) != 7) {
    signer = &g->signers[selector & 7];
    claims = input.substr(0, nul);
    form_text = input.substr(nul + 1);
  }
  auto form = fhir::parse_query(form_text);
  if (!form) return 0;
  std::string assertion;
  if (signer != nullptr) {
    assertion = sign_raw(*signer, claims, selector);
    for (auto& [name, value] : *form)
      if (value == "@") value = assertion;
  }

  auto checked = auth::check_token_request(*form, g->clients, *g->purposes, kTokenUrls, kNowMs);
  CAREBRIDGE_FUZZ_CHECK(checked.grant.has_value() != checked.error.has_value(), "a grant or an error, never both");
  // TOKEN_REQUEST_FUZZER_TRACE=1 with -runs=0 shows what each seed gets.
  static const bool trace = std::getenv("TOKEN_REQUEST_FUZZER_TRACE") != nullptr;
  if (trace)
    std::fprintf(stderr, "token_request: %s\n",
                 checked.grant ? ("grant " + checked.grant->context.client_id + " " +
                                  checked.grant->context.scopes.to_string())
                                     .c_str()
                               : (checked.error->error + ": " + checked.error->description).c_str());
  if (checked.error) check_refusal(*checked.error, *form, assertion, claims);
  if (checked.grant) check_grant(*checked.grant, signer);

  // Token confusion: what a client signs is never an access token. (The
  // mirror signer is the gateway's private key itself: whatever it signs
  // is a gateway token by definition, so it is left out here.)
  if (signer != &g->signers[6])
    for (const auto& [name, value] : *form)
      CAREBRIDGE_FUZZ_CHECK(!auth::verify_access_token(value, g->identity, *g->purposes, kNowMs).ok(),
                            "no form value verifies as an access token");
  return 0;
}
