// JWK (RFC 7517, RFC 7518 §6) -> PublicKey. Accepts exactly what SMART
// Backend Services clients register: RSA public keys (kty "RSA": n, e) for
// RS384 and EC P-384 public keys (kty "EC", crv "P-384": x, y) for ES384.
// Anything else is refused with an Issue that says which key and why and
// never repeats key material.
#pragma once

#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "gateway/auth/public_key.hpp"

namespace gateway::auth {

// SMART Backend Services: RSA keys of at least 2048 bits.
inline constexpr int kMinRsaBits = 2048;
// Clients choose their key size and we pay for each verification; 8192
// bits is twice what anyone registers today.
inline constexpr int kMaxRsaBits = 8192;

// `where` names the key in issues and is their expression ("jwk",
// "keys[2]"). Keeps "kid" and "alg"; a JWK that carries private key
// members is refused, since accepting it would hide that it leaked.
fhir::Result<PublicKey> parse_jwk(const fhir::json::Value& jwk, std::string_view where = "jwk");

}  // namespace gateway::auth
