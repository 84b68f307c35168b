// Compact JWS (RFC 7515 §7.1) -> its parts, before any signature check:
// size-limited, strictly base64url, the protected header parsed and its
// "alg" one we accept. The payload is left undecoded as JSON: nothing
// reads what a token says until its signature is verified.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "gateway/auth/jws_alg.hpp"

namespace gateway::auth {

// Client assertions and our access tokens are well under 4 KiB; the limit
// bounds the work a hostile token can ask for before it is refused.
inline constexpr std::size_t kMaxJwsBytes = 16 * 1024;

struct JwsParts {
  fhir::json::Value header;   // the protected header, a JSON object
  JwsAlg alg = JwsAlg::rs384;
  std::string kid;            // empty when the header has none
  std::string signing_input;  // "header.payload" as sent: what was signed
  std::string payload;        // decoded bytes, not yet parsed
  std::string signature;      // decoded bytes
};

// Issues are kInvalidToken and never quote the token.
fhir::Result<JwsParts> parse_jws(std::string_view token);

}  // namespace gateway::auth
