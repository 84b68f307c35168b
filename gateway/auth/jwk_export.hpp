// PublicKey -> JWK (RFC 7517), the way a JWKS publishes the gateway's own
// signing key.
#pragma once

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "gateway/auth/public_key.hpp"

namespace gateway::auth {

// Only the members RFC 7638 §3.2 requires, in its lexicographic order:
// {"e","kty","n"} or {"crv","kty","x","y"}. Written compactly this is the
// thumbprint's input.
fhir::Result<fhir::json::Value> required_jwk_members(const PublicKey& key);
// The required members, then "kid" (when the key has one), "alg" and
// "use": "sig".
fhir::Result<fhir::json::Value> public_jwk(const PublicKey& key);

}  // namespace gateway::auth
