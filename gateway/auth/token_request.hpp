// The token endpoint's checks (SMART Backend Services, RFC 7523 client
// authentication, the HL7 FAST/UDAP B2B extension), apart from the one that
// needs the store: whether the assertion's jti was used before.
//
// Every refusal is an OAuth 2.0 error (RFC 6749 §5.2) whose description
// never repeats the assertion or a claim value a client chose.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/query.hpp"
#include "gateway/auth/request_context.hpp"

namespace gateway::auth {

class ClientRegistry;
class PurposeOfUseCodes;

inline constexpr std::string_view kJwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
// SMART Backend Services: an assertion expires at most five minutes after
// it is made.
inline constexpr std::int64_t kMaxAssertionLifetimeMs = 5 * 60 * 1000;

struct OAuthError {
  std::string error;        // invalid_request, invalid_client, invalid_grant, invalid_scope, unsupported_grant_type
  std::string description;  // for the client; no token text, no claim values
};

// An authenticated token request: who, for what, until when the assertion
// is valid (how long its jti must be remembered).
struct TokenGrant {
  RequestContext context;  // everything but the token's own id and times
  std::string assertion_jti;
  std::int64_t assertion_expires_ms = 0;
};

struct TokenCheck {
  std::optional<TokenGrant> grant;
  std::optional<OAuthError> error;
};

// form: the request's form parameters. token_urls: what "aud" may name
// (the token endpoint's URL as clients reach it).
TokenCheck check_token_request(const fhir::QueryParams& form, const ClientRegistry& clients,
                               const PurposeOfUseCodes& purposes, const std::vector<std::string>& token_urls,
                               std::int64_t now_ms);

// The OAuth error response body: {"error": ..., "error_description": ...}.
std::string oauth_error_json(const OAuthError& e);

}  // namespace gateway::auth
