// The audit log's checkpoint key: Ed25519 (RFC 8032, OpenSSL 3 EVP, no
// pre-hash). A key holds the private half when it can sign; verification
// needs only the public half, which the log stores beside its records.
// OpenSSL stays out of this header (STYLE.md: forward declarations).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"

struct evp_pkey_st;

namespace consent {

class AuditKey {
 public:
  static fhir::Result<AuditKey> generate();
  // A PKCS#8 private key or an SPKI public key, PEM; Ed25519 only.
  static fhir::Result<AuditKey> from_pem(std::string_view pem);
  // The 32-byte raw public key as 64 hex digits (what the log stores).
  static fhir::Result<AuditKey> from_public_hex(std::string_view hex);

  bool can_sign() const { return can_sign_; }
  // 64 raw signature bytes; an Issue when this key has no private half.
  fhir::Result<std::string> sign(std::string_view message) const;
  bool verify(std::string_view message, std::string_view signature) const;

  const std::string& public_hex() const { return public_hex_; }
  // SHA-256 of the raw public key, hex: what a checkpoint names its key by
  // and what an operator compares against a trusted copy.
  const std::string& fingerprint() const { return fingerprint_; }
  fhir::Result<std::string> private_pem() const;
  fhir::Result<std::string> public_pem() const;

 private:
  AuditKey(std::shared_ptr<evp_pkey_st> key, bool can_sign);
  fhir::Status init_public();

  // OpenSSL 3 lets threads share a built EVP_PKEY; copies share this one.
  std::shared_ptr<evp_pkey_st> key_;
  bool can_sign_ = false;
  std::string public_hex_;
  std::string fingerprint_;
};

}  // namespace consent
