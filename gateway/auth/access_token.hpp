// The gateway's access tokens: JWTs (RFC 9068 "at+jwt") signed with the
// gateway's own key, naming its identity as iss and aud, and carrying
// everything a RequestContext holds. Short-lived: SMART Backend Services
// recommends five minutes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"
#include "gateway/auth/request_context.hpp"

namespace gateway::auth {

struct GatewayIdentity;
class PurposeOfUseCodes;

inline constexpr std::int64_t kDefaultTokenLifetimeMs = 5 * 60 * 1000;
// Our tokens are about 1 KiB; anything much larger is not one of them.
inline constexpr std::size_t kMaxAccessTokenBytes = 4096;
// Clocks of several instances on one store may differ by this much.
inline constexpr std::int64_t kClockLeewayMs = 30 * 1000;

// Signs ctx as a token issued at now_ms; fills ctx.token_id, issued_ms and
// expires_ms. The lifetime must be positive.
fhir::Result<std::string> mint_access_token(RequestContext& ctx, const GatewayIdentity& identity,
                                            std::int64_t now_ms, std::int64_t lifetime_ms);

// Cheap checks first (size, typ "at+jwt", kid = the gateway key's, alg),
// then the signature, iss, aud, exp and nbf; then the claims the context
// needs. Issues are kInvalidToken and never quote the token.
// The cheap checks alone: is this shaped like a token this gateway issued?
fhir::Status precheck_access_token(std::string_view token, const GatewayIdentity& identity);

fhir::Result<RequestContext> verify_access_token(std::string_view token, const GatewayIdentity& identity,
                                                 const PurposeOfUseCodes& purposes, std::int64_t now_ms);

}  // namespace gateway::auth
