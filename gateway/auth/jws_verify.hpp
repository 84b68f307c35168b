// Verifies a compact JWS and returns its payload, a JSON object (a JWT
// claims set). Only the signature is checked here: what the claims must
// say (iss, aud, exp, jti) is for the caller.
#pragma once

#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "gateway/auth/jwk_set.hpp"
#include "gateway/auth/public_key.hpp"

namespace gateway::auth {

// With one known key, such as the gateway's own: the token's alg must be
// the key's. Issues are kInvalidToken and never quote the token.
fhir::Result<fhir::json::Value> verify_jws(std::string_view token, const PublicKey& key);

// With a client's registered keys. SMART Backend Services requires "kid"
// in the header; the keys with that kid and a type fitting alg are tried
// in turn.
fhir::Result<fhir::json::Value> verify_jws(std::string_view token, const JwkSet& keys);

}  // namespace gateway::auth
