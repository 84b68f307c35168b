#include "gateway/auth/access_token.hpp"

#include "fhir/core/errors.hpp"
#include "fhir/core/id_generator.hpp"
#include "gateway/auth/gateway_identity.hpp"
#include "gateway/auth/jws_parse.hpp"
#include "gateway/auth/jws_sign.hpp"
#include "gateway/auth/jws_verify.hpp"
#include "gateway/auth/jwt_claims.hpp"

namespace gateway::auth {
namespace {

using fhir::json::Value;

fhir::Issue refuse(std::string why) {
  return fhir::make_issue(fhir::err::kInvalidToken, "access token " + std::move(why));
}

Value string_value(std::string_view s) { return Value::make_string(std::string(s)); }

void set_if(Value& obj, std::string_view key, const std::string& s) {
  if (!s.empty()) obj.set(key, string_value(s));
}

}  // namespace

fhir::Result<std::string> mint_access_token(RequestContext& ctx, const GatewayIdentity& identity,
                                            std::int64_t now_ms, std::int64_t lifetime_ms) {
  if (lifetime_ms <= 0) return fhir::make_issue(fhir::err::kInvalidParameter, "token lifetime must be positive");
  ctx.token_id = fhir::new_resource_id();
  ctx.issued_ms = now_ms / 1000 * 1000;  // NumericDate is whole seconds
  ctx.expires_ms = ctx.issued_ms + lifetime_ms;
  Value claims = Value::make_object();
  claims.set("iss", string_value(identity.name));
  claims.set("aud", string_value(identity.name));
  claims.set("sub", string_value(ctx.client_id));
  claims.set("client_id", string_value(ctx.client_id));
  claims.set("iat", Value::make_number(std::to_string(ctx.issued_ms / 1000)));
  claims.set("nbf", Value::make_number(std::to_string(ctx.issued_ms / 1000)));
  claims.set("exp", Value::make_number(std::to_string(ctx.expires_ms / 1000)));
  claims.set("jti", string_value(ctx.token_id));
  claims.set("scope", string_value(ctx.scopes.to_string()));
  claims.set("organization", string_value(ctx.organization));
  claims.set("role", string_value(ctx.role));
  claims.set("purpose_of_use", string_value(ctx.purpose.to_string()));
  set_if(claims, "subject_id", ctx.user_id);
  set_if(claims, "subject_name", ctx.user_name);
  set_if(claims, "subject_role", ctx.user_role);
  return sign_jws(claims, identity.key, "at+jwt");
}

fhir::Status precheck_access_token(std::string_view token, const GatewayIdentity& identity) {
  // Before any signature work (which is what an attacker would make us
  // spend): is this shaped like a token we issued?
  if (token.size() > kMaxAccessTokenBytes) return refuse("is too large");
  auto parts = parse_jws(token);
  if (!parts) return refuse("is not a compact JWS");
  if (parts->header.string_at("typ") != "at+jwt" || parts->kid != identity.key.kid() ||
      parts->alg != identity.key.alg())
    return refuse("was not issued by this gateway");
  return fhir::ok_status();
}

fhir::Result<RequestContext> verify_access_token(std::string_view token, const GatewayIdentity& identity,
                                                 const PurposeOfUseCodes& purposes, std::int64_t now_ms) {
  if (auto st = precheck_access_token(token, identity); !st) return st.take_issue();
  auto verified = verify_jws(token, identity.key.public_key());
  if (!verified) return refuse("is not signed by this gateway");
  const Value& claims = *verified;
  if (claims.string_at("iss") != identity.name) return refuse("was not issued by this gateway");
  if (!audience_includes(claims, identity.name)) return refuse("is not meant for this gateway");
  auto exp = numeric_date_ms(claims, "exp");
  if (!exp) return refuse("has no valid exp");
  if (*exp <= now_ms) return refuse("has expired");
  auto nbf = numeric_date_ms(claims, "nbf");
  if (nbf && *nbf > now_ms + kClockLeewayMs) return refuse("is not valid yet");

  RequestContext ctx;
  ctx.client_id = std::string(claims.string_at("client_id"));
  ctx.organization = std::string(claims.string_at("organization"));
  ctx.role = std::string(claims.string_at("role"));
  ctx.user_id = std::string(claims.string_at("subject_id"));
  ctx.user_name = std::string(claims.string_at("subject_name"));
  ctx.user_role = std::string(claims.string_at("subject_role"));
  ctx.token_id = std::string(claims.string_at("jti"));
  ctx.issued_ms = numeric_date_ms(claims, "iat").value_or(0);
  ctx.expires_ms = *exp;
  if (ctx.client_id.empty() || ctx.role.empty()) return refuse("names no client");
  auto scopes = ScopeSet::parse(claims.string_at("scope"));
  if (!scopes) return refuse("has malformed scopes");
  ctx.scopes = std::move(*scopes);
  auto purpose = parse_purpose_of_use(claims.string_at("purpose_of_use"), purposes);
  if (!purpose) return refuse("has no valid purpose of use");
  ctx.purpose = std::move(*purpose);
  return ctx;
}

}  // namespace gateway::auth
