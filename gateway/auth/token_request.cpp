#include "gateway/auth/token_request.hpp"

#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "gateway/auth/access_token.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/auth/jws_parse.hpp"
#include "gateway/auth/jws_verify.hpp"
#include "gateway/auth/jwt_claims.hpp"
#include "gateway/auth/purpose_of_use.hpp"

namespace gateway::auth {
namespace {

using fhir::json::Value;

TokenCheck refuse(std::string error, std::string description) {
  TokenCheck out;
  out.error = OAuthError{std::move(error), std::move(description)};
  return out;
}

TokenCheck bad_client(std::string description) { return refuse("invalid_client", std::move(description)); }

// The one form parameter of this name; a repeated one is an error (RFC
// 6749 §3.2: "parameters MUST NOT be included more than once").
std::optional<std::string_view> single(const fhir::QueryParams& form, std::string_view name, bool& repeated) {
  std::optional<std::string_view> found;
  for (const auto& [k, v] : form) {
    if (k != name) continue;
    if (found) repeated = true;
    found = v;
  }
  return found;
}

// extensions.hl7-b2b: exactly one purpose of use, and the acting user.
std::optional<OAuthError> read_b2b(const Value& claims, const PurposeOfUseCodes& purposes, RequestContext& ctx) {
  const Value* ext = claims.find("extensions");
  const Value* b2b = ext != nullptr && ext->is_object() ? ext->find("hl7-b2b") : nullptr;
  if (b2b == nullptr || !b2b->is_object())
    return OAuthError{"invalid_grant", "the assertion has no extensions.hl7-b2b naming a purpose_of_use"};
  const Value* pou = b2b->find("purpose_of_use");
  if (pou == nullptr || !pou->is_array() || pou->items().empty())
    return OAuthError{"invalid_grant", "extensions.hl7-b2b.purpose_of_use must be an array naming one purpose"};
  if (pou->items().size() != 1)
    return OAuthError{"invalid_grant", "a token carries exactly one purpose of use; the assertion names several"};
  const Value& only = pou->items().front();
  const OAuthError not_a_purpose{"invalid_grant", "purpose_of_use is not an HL7 v3 PurposeOfUse code "
                                                  "(urn:oid:2.16.840.1.113883.5.8#TREAT, or TREAT)"};
  if (!only.is_string()) return not_a_purpose;
  auto purpose = parse_purpose_of_use(only.text(), purposes);
  if (!purpose) return not_a_purpose;
  ctx.purpose = std::move(*purpose);
  for (auto [key, field] : {std::pair{"subject_id", &ctx.user_id}, std::pair{"subject_name", &ctx.user_name},
                            std::pair{"subject_role", &ctx.user_role}}) {
    const Value* v = b2b->find(key);
    if (v == nullptr) continue;
    // subject_role is a code, or {system, code} as some UDAP profiles send.
    if (v->is_object()) v = v->find("code");
    bool printable = v != nullptr && v->is_string() && v->text().size() <= 256;
    if (printable)
      for (unsigned char c : v->text()) printable = printable && c >= 0x20 && c != 0x7F;
    if (!printable)
      return OAuthError{"invalid_grant", std::string("extensions.hl7-b2b.") + key + " must be short printable text"};
    *field = v->text();
  }
  return std::nullopt;
}

}  // namespace

TokenCheck check_token_request(const fhir::QueryParams& form, const ClientRegistry& clients,
                               const PurposeOfUseCodes& purposes, const std::vector<std::string>& token_urls,
                               std::int64_t now_ms) {
  bool repeated = false;
  auto grant_type = single(form, "grant_type", repeated);
  auto assertion_type = single(form, "client_assertion_type", repeated);
  auto assertion = single(form, "client_assertion", repeated);
  auto scope = single(form, "scope", repeated);
  if (repeated) return refuse("invalid_request", "a parameter is repeated");
  if (!grant_type) return refuse("invalid_request", "grant_type is required");
  if (*grant_type != "client_credentials")
    return refuse("unsupported_grant_type", "this server grants client_credentials only");
  if (!assertion_type || *assertion_type != kJwtBearerAssertionType)
    return refuse("invalid_request", "client_assertion_type must be " + std::string(kJwtBearerAssertionType));
  if (!assertion || assertion->empty()) return refuse("invalid_request", "client_assertion is required");
  if (!scope || scope->empty()) return refuse("invalid_request", "scope is required");

  // Which client claims to have signed: read before the signature is
  // checked only to find the keys to check it with.
  auto parts = parse_jws(*assertion);
  if (!parts) return bad_client("the client assertion is not a JWS this server accepts (RS384 or ES384, with kid)");
  auto unverified = fhir::json::parse(parts->payload);
  if (!unverified || !unverified->is_object()) return bad_client("the client assertion's payload is not a JSON object");
  std::string client_id(unverified->string_at("iss"));
  auto client = clients.find(client_id);
  // Unknown and revoked read alike: an unauthenticated caller learns
  // nothing about which client ids exist.
  if (!client || client->revoked()) return bad_client("client authentication failed");

  auto verified = verify_jws(*assertion, client->keys);
  if (!verified) return bad_client("the client assertion's signature does not verify with the client's registered keys");
  const Value& claims = *verified;
  if (claims.string_at("iss") != client_id || claims.string_at("sub") != client_id)
    return bad_client("iss and sub must both be the client id");
  bool audience = false;
  for (const auto& url : token_urls) audience = audience || audience_includes(claims, url);
  if (!audience) return bad_client("aud must be this server's token endpoint URL");
  auto exp = numeric_date_ms(claims, "exp");
  if (!exp) return bad_client("exp is required");
  if (*exp <= now_ms) return bad_client("the client assertion has expired");
  if (*exp > now_ms + kMaxAssertionLifetimeMs + kClockLeewayMs)
    return bad_client("exp may be at most five minutes ahead");
  if (auto nbf = numeric_date_ms(claims, "nbf"); nbf && *nbf > now_ms + kClockLeewayMs)
    return bad_client("the client assertion is not valid yet");
  std::string jti(claims.string_at("jti"));
  if (jti.empty() || jti.size() > 256) return bad_client("jti is required (at most 256 characters)");

  TokenGrant grant;
  RequestContext& ctx = grant.context;
  if (auto e = read_b2b(claims, purposes, ctx)) {
    TokenCheck out;
    out.error = std::move(*e);
    return out;
  }
  // Scopes this server does not grant (launch, patient/..., granular
  // "?category=" refinements) are left out, as RFC 6749 §3.3 lets a server
  // issue fewer than asked; the answer's scope says what was granted.
  ctx.scopes = ScopeSet::parse_known(*scope).intersect(client->allowed);
  if (ctx.scopes.empty())
    return refuse("invalid_scope", "none of the requested scopes is allowed for this client and its role");
  ctx.client_id = client_id;
  ctx.organization = client->record.organization;
  ctx.role = client->record.role;
  grant.assertion_jti = std::move(jti);
  grant.assertion_expires_ms = *exp;
  TokenCheck out;
  out.grant = std::move(grant);
  return out;
}

std::string oauth_error_json(const OAuthError& e) {
  Value body = Value::make_object();
  body.set("error", Value::make_string(e.error));
  body.set("error_description", Value::make_string(e.description));
  return fhir::json::write(body);
}

}  // namespace gateway::auth
