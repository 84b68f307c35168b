#include "gateway/auth/public_key.hpp"

#include <utility>

namespace gateway::auth {

PublicKey::PublicKey(std::shared_ptr<evp_pkey_st> pkey, KeyType type, std::string kid, std::optional<JwsAlg> alg)
    : pkey_(std::move(pkey)), type_(type), kid_(std::move(kid)), alg_(alg) {}

bool PublicKey::accepts(JwsAlg alg) const {
  if (empty() || alg_for(type_) != alg) return false;
  return !alg_ || *alg_ == alg;
}

}  // namespace gateway::auth
