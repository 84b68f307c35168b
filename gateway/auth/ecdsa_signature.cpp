#include "gateway/auth/ecdsa_signature.hpp"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>

#include "gateway/auth/openssl_handles.hpp"

namespace gateway::auth {

std::optional<std::string> ecdsa_raw_to_der(std::string_view raw, std::size_t scalar_bytes) {
  if (scalar_bytes == 0 || raw.size() != 2 * scalar_bytes) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  int half = static_cast<int>(scalar_bytes);
  ossl::Bignum r(BN_bin2bn(bytes, half, nullptr)), s(BN_bin2bn(bytes + half, half, nullptr));
  ossl::EcdsaSig sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    ossl::clear_errors();
    return std::nullopt;
  }
  // ECDSA_SIG_set0 took r and s.
  (void)r.release();
  (void)s.release();
  unsigned char* der = nullptr;
  int size = i2d_ECDSA_SIG(sig.get(), &der);
  if (size <= 0) {
    ossl::clear_errors();
    return std::nullopt;
  }
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}

std::optional<std::string> ecdsa_der_to_raw(std::string_view der, std::size_t scalar_bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ossl::EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  ossl::clear_errors();
  if (!sig || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) return std::nullopt;
  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  if (BN_is_negative(r) || BN_is_negative(s)) return std::nullopt;
  int half = static_cast<int>(scalar_bytes);
  std::string out(2 * scalar_bytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  // BN_bn2binpad fails when the number does not fit.
  if (BN_bn2binpad(r, bytes, half) != half || BN_bn2binpad(s, bytes + half, half) != half) return std::nullopt;
  return out;
}

}  // namespace gateway::auth
