// The JWS algorithms we accept: the two SMART Backend Services asks servers
// to support (RS384, ES384), each tied to one key type. A token's "alg" only
// ever selects between these, never the verification method itself (RFC
// 8725 §3.1: no "none", no HMAC keyed with a public key).
#pragma once

#include <optional>
#include <string_view>

namespace gateway::auth {

enum class KeyType { rsa, ec_p384 };
enum class JwsAlg { rs384, es384 };

// "RS384", "ES384".
std::string_view alg_name(JwsAlg alg);
// Exact, case-sensitive (RFC 7515 §4.1.1); nullopt for any other name.
std::optional<JwsAlg> alg_from_name(std::string_view name);
// The one algorithm a key of this type signs with.
JwsAlg alg_for(KeyType type);
// For diagnostics: "RSA", "EC P-384".
std::string_view key_type_name(KeyType type);

}  // namespace gateway::auth
