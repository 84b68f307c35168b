#include "gateway/auth/jws_alg.hpp"

namespace gateway::auth {

std::string_view alg_name(JwsAlg alg) { return alg == JwsAlg::rs384 ? "RS384" : "ES384"; }

std::optional<JwsAlg> alg_from_name(std::string_view name) {
  if (name == "RS384") return JwsAlg::rs384;
  if (name == "ES384") return JwsAlg::es384;
  return std::nullopt;
}

JwsAlg alg_for(KeyType type) { return type == KeyType::rsa ? JwsAlg::rs384 : JwsAlg::es384; }

std::string_view key_type_name(KeyType type) { return type == KeyType::rsa ? "RSA" : "EC P-384"; }

}  // namespace gateway::auth
