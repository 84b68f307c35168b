// A key that verifies JWS signatures: an RSA (2048 bits or more) or EC
// P-384 public key with the "kid" and "alg" its JWK carried. Immutable;
// copies share one OpenSSL key, which threads may verify with at once.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "gateway/auth/jws_alg.hpp"

struct evp_pkey_st;

namespace gateway::auth {

class PublicKey {
 public:
  PublicKey() = default;  // holds no key (Result<PublicKey> needs one)
  // pkey must hold only the public half and be of `type`.
  PublicKey(std::shared_ptr<evp_pkey_st> pkey, KeyType type, std::string kid, std::optional<JwsAlg> alg);

  bool empty() const { return pkey_ == nullptr; }
  KeyType type() const { return type_; }
  const std::string& kid() const { return kid_; }
  // The JWK's "alg" when it named one (RFC 7517 §4.4).
  std::optional<JwsAlg> alg() const { return alg_; }
  // Whether a signature made with alg may be checked with this key: the
  // key's type must be alg's, and alg the JWK's own "alg" if it has one.
  bool accepts(JwsAlg alg) const;
  // For gateway/auth's .cpp files.
  evp_pkey_st* pkey() const { return pkey_.get(); }

 private:
  std::shared_ptr<evp_pkey_st> pkey_;
  KeyType type_ = KeyType::rsa;
  std::string kid_;
  std::optional<JwsAlg> alg_;
};

}  // namespace gateway::auth
