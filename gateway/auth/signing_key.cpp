#include "gateway/auth/signing_key.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include <cstring>
#include <utility>

#include "fhir/core/errors.hpp"
#include "gateway/auth/jwk.hpp"
#include "gateway/auth/jwk_thumbprint.hpp"
#include "gateway/auth/openssl_handles.hpp"

namespace gateway::auth {

namespace {

using fhir::Result;

fhir::Issue internal(const char* what) {
  ossl::clear_errors();
  return fhir::make_issue(fhir::err::kInternal, what);
}

const char* openssl_type(KeyType type) { return type == KeyType::rsa ? "RSA" : "EC"; }

// The public half as its own key, so that what verifies and what a JWKS
// publishes never holds the private numbers; its kid is its thumbprint.
Result<PublicKey> public_half(evp_pkey_st* pkey, KeyType type) {
  OSSL_PARAM* raw = nullptr;
  if (EVP_PKEY_todata(pkey, EVP_PKEY_PUBLIC_KEY, &raw) != 1) return internal("cannot read the public key");
  ossl::Params params(raw);
  ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, openssl_type(type), nullptr));
  EVP_PKEY* pub = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pub, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return internal("cannot build the public key");
  auto shared = ossl::share(ossl::Pkey(pub));
  auto kid = jwk_thumbprint(PublicKey(shared, type, {}, {}));
  if (!kid) return kid.take_issue();
  return PublicKey(std::move(shared), type, std::move(*kid), alg_for(type));
}

// The key's type, if it is one we sign with.
Result<KeyType> classify(evp_pkey_st* pkey) {
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    int bits = EVP_PKEY_get_bits(pkey);
    if (bits < kMinRsaBits || bits > kMaxRsaBits)
      return fhir::make_issue(fhir::err::kInvalidParameter, "signing key: RSA key of " + std::to_string(bits) +
                                                                " bits; " + std::to_string(kMinRsaBits) + " to " +
                                                                std::to_string(kMaxRsaBits) + " are accepted");
    return KeyType::rsa;
  }
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[64] = {};
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, nullptr) == 1 &&
        std::strcmp(group, "secp384r1") == 0)
      return KeyType::ec_p384;
    ossl::clear_errors();
    return fhir::make_issue(fhir::err::kInvalidParameter, "signing key: EC key not on P-384; ES384 needs P-384");
  }
  return fhir::make_issue(fhir::err::kInvalidParameter, "signing key: neither RSA nor EC P-384");
}

}  // namespace

Result<SigningKey> SigningKey::generate(KeyType type) {
  ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, openssl_type(type), nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) return internal("cannot start key generation");
  int set = type == KeyType::rsa ? EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), kGeneratedRsaBits)
                                 : EVP_PKEY_CTX_set_group_name(ctx.get(), "P-384");
  EVP_PKEY* raw = nullptr;
  if (set != 1 || EVP_PKEY_generate(ctx.get(), &raw) != 1) return internal("cannot generate a key");
  SigningKey key;
  key.pkey_ = ossl::share(ossl::Pkey(raw));
  auto pub = public_half(key.pkey_.get(), type);
  if (!pub) return pub.take_issue();
  key.public_ = std::move(*pub);
  return key;
}

Result<SigningKey> SigningKey::from_pem(std::string_view pem) {
  // OpenSSL's decoder also takes the traditional forms ("BEGIN EC PRIVATE
  // KEY") when asked for PrivateKeyInfo, so the label is checked here.
  static constexpr std::string_view kLabel = "-----BEGIN PRIVATE KEY-----";
  std::size_t begin = pem.find("-----BEGIN ");
  if (begin == std::string_view::npos || pem.substr(begin, kLabel.size()) != kLabel)
    return fhir::make_issue(fhir::err::kInvalidParameter,
                            "signing key: not an unencrypted PKCS#8 PEM private key (\"BEGIN PRIVATE KEY\"; "
                            "`openssl pkcs8 -topk8 -nocrypt` converts other forms)");
  EVP_PKEY* raw = nullptr;
  // No passphrase callback is set, so an encrypted key fails instead of
  // prompting on a terminal.
  ossl::DecoderCtx dctx(
      OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", "PrivateKeyInfo", nullptr, EVP_PKEY_KEYPAIR, nullptr, nullptr));
  if (!dctx) return internal("cannot start reading the key");
  const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
  std::size_t size = pem.size();
  int decoded = OSSL_DECODER_from_data(dctx.get(), &data, &size);
  ossl::Pkey owned(raw);
  ossl::clear_errors();
  if (decoded != 1 || !owned)
    return fhir::make_issue(fhir::err::kInvalidParameter, "signing key: not an unencrypted PKCS#8 PEM private key");
  auto type = classify(owned.get());
  if (!type) return type.take_issue();
  // A damaged key file shows here, at start, rather than as tokens that
  // no one can verify.
  ossl::PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, owned.get(), nullptr));
  if (!check || EVP_PKEY_pairwise_check(check.get()) != 1) {
    ossl::clear_errors();
    return fhir::make_issue(fhir::err::kInvalidParameter, "signing key: private and public halves do not match");
  }
  SigningKey key;
  key.pkey_ = ossl::share(std::move(owned));
  auto pub = public_half(key.pkey_.get(), *type);
  if (!pub) return pub.take_issue();
  key.public_ = std::move(*pub);
  return key;
}

Result<std::string> SigningKey::to_pem() const {
  if (empty()) return internal("no key to write");
  ossl::EncoderCtx ectx(
      OSSL_ENCODER_CTX_new_for_pkey(pkey_.get(), EVP_PKEY_KEYPAIR, "PEM", "PrivateKeyInfo", nullptr));
  unsigned char* data = nullptr;
  std::size_t size = 0;
  if (!ectx || OSSL_ENCODER_to_data(ectx.get(), &data, &size) != 1) return internal("cannot write the key as PEM");
  std::string pem(reinterpret_cast<const char*>(data), size);
  OPENSSL_clear_free(data, size);
  return pem;
}

}  // namespace gateway::auth
