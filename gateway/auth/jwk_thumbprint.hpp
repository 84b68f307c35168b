// RFC 7638 JWK thumbprint: the gateway's kid for its own key, so the kid
// names the key itself and changes exactly when the key does.
#pragma once

#include <string>

#include "fhir/core/result.hpp"
#include "gateway/auth/public_key.hpp"

namespace gateway::auth {

// base64url(SHA-256(required members, sorted, no whitespace)): 43 chars.
fhir::Result<std::string> jwk_thumbprint(const PublicKey& key);

}  // namespace gateway::auth
