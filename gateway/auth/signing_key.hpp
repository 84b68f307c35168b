// The gateway's own signing key (for the access tokens it issues): RSA 3072
// for RS384 or EC P-384 for ES384, as PKCS#8 PEM. Its public half carries
// kid = the RFC 7638 thumbprint and the one alg it signs with. Immutable;
// copies share one OpenSSL key, which threads may sign with at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"
#include "gateway/auth/public_key.hpp"

struct evp_pkey_st;

namespace gateway::auth {

// NIST SP 800-57: 3072-bit RSA matches the 128-bit strength of P-256;
// P-384 has more, and is what ES384 names.
inline constexpr int kGeneratedRsaBits = 3072;

class SigningKey {
 public:
  SigningKey() = default;  // holds no key (Result<SigningKey> needs one)

  static fhir::Result<SigningKey> generate(KeyType type);
  // An unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY") of an RSA key of at
  // least 2048 bits or an EC P-384 key; anything else is refused.
  static fhir::Result<SigningKey> from_pem(std::string_view pem);
  // Unencrypted PKCS#8 PEM. Secret: the caller wipes it when done.
  fhir::Result<std::string> to_pem() const;

  bool empty() const { return pkey_ == nullptr; }
  KeyType type() const { return public_.type(); }
  JwsAlg alg() const { return alg_for(public_.type()); }
  const std::string& kid() const { return public_.kid(); }
  const PublicKey& public_key() const { return public_; }
  // For gateway/auth's .cpp files.
  evp_pkey_st* pkey() const { return pkey_.get(); }

 private:
  std::shared_ptr<evp_pkey_st> pkey_;
  PublicKey public_;
};

}  // namespace gateway::auth
