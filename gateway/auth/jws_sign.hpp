// Signs a JSON object as a compact JWS: the gateway's own access tokens.
#pragma once

#include <string>
#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "gateway/auth/signing_key.hpp"

namespace gateway::auth {

// Header {"alg": key.alg(), "kid": key.kid(), "typ": typ}. A payload that
// is not an object, or a token over kMaxJwsBytes (which our own verifier
// would refuse), is an error.
fhir::Result<std::string> sign_jws(const fhir::json::Value& payload, const SigningKey& key,
                                   std::string_view typ = "JWT");

}  // namespace gateway::auth
