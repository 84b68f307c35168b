#include "consent/audit/audit_key.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <utility>

#include "consent/audit/audit_hash.hpp"
#include "fhir/core/errors.hpp"

namespace consent {
namespace {

struct FreePkey {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct FreeBio {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
};
struct FreeMdCtx {
  void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, FreePkey>;
using Bio = std::unique_ptr<BIO, FreeBio>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, FreeMdCtx>;

// A failure we turned into an Issue must not linger in this thread's
// OpenSSL error queue, where TLS code would later report it as its own.
fhir::Issue key_issue(const char* what) {
  ERR_clear_error();
  return fhir::make_issue(fhir::err::kInvalidParameter, std::string("audit key: ") + what);
}

std::shared_ptr<EVP_PKEY> share(Pkey key) { return std::shared_ptr<EVP_PKEY>(key.release(), FreePkey{}); }

fhir::Result<std::string> bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  if (n <= 0 || data == nullptr) return key_issue("cannot encode PEM");
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

AuditKey::AuditKey(std::shared_ptr<evp_pkey_st> key, bool can_sign)
    : key_(std::move(key)), can_sign_(can_sign) {}

fhir::Status AuditKey::init_public() {
  unsigned char raw[32];
  std::size_t len = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(key_.get(), raw, &len) != 1 || len != sizeof raw)
    return key_issue("cannot read the public key");
  const std::string_view bytes(reinterpret_cast<const char*>(raw), len);
  public_hex_ = to_hex(bytes);
  unsigned char digest[32];
  unsigned int dlen = 0;
  if (EVP_Digest(raw, len, digest, &dlen, EVP_sha256(), nullptr) != 1) return key_issue("cannot hash the public key");
  fingerprint_ = to_hex(std::string_view(reinterpret_cast<const char*>(digest), dlen));
  return fhir::ok_status();
}

fhir::Result<AuditKey> AuditKey::generate() {
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return key_issue("cannot generate an Ed25519 key");
  AuditKey k(share(std::move(key)), true);
  if (auto st = k.init_public(); !st) return st.take_issue();
  return k;
}

fhir::Result<AuditKey> AuditKey::from_pem(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return key_issue("out of memory");
  bool is_private = true;
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    ERR_clear_error();
    bio.reset(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return key_issue("out of memory");
    key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    is_private = false;
  }
  if (!key) return key_issue("not a PEM private or public key");
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) return key_issue("not an Ed25519 key");
  AuditKey k(share(std::move(key)), is_private);
  if (auto st = k.init_public(); !st) return st.take_issue();
  return k;
}

fhir::Result<AuditKey> AuditKey::from_public_hex(std::string_view hex) {
  auto raw = bytes_from_hex(hex);
  if (!raw || raw->size() != 32) return key_issue("the stored public key is not 32 bytes of hex");
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                       reinterpret_cast<const unsigned char*>(raw->data()), raw->size()));
  if (!key) return key_issue("the stored public key is not an Ed25519 key");
  AuditKey k(share(std::move(key)), false);
  if (auto st = k.init_public(); !st) return st.take_issue();
  return k;
}

fhir::Result<std::string> AuditKey::sign(std::string_view message) const {
  if (!can_sign_) return key_issue("no private key to sign with");
  MdCtx ctx(EVP_MD_CTX_new());
  unsigned char sig[64];
  std::size_t len = sizeof sig;
  // Ed25519 signs the message itself: no digest is named.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1)
    return key_issue("signing failed");
  return std::string(reinterpret_cast<const char*>(sig), len);
}

bool AuditKey::verify(std::string_view message, std::string_view signature) const {
  MdCtx ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

fhir::Result<std::string> AuditKey::private_pem() const {
  if (!can_sign_) return key_issue("no private key");
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return key_issue("cannot encode the private key");
  auto text = bio_text(bio.get());
  // The memory BIO's buffer held the key; BIO_free does not wipe it.
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  if (n > 0 && data != nullptr) OPENSSL_cleanse(data, static_cast<std::size_t>(n));
  return text;
}

fhir::Result<std::string> AuditKey::public_pem() const {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) return key_issue("cannot encode the public key");
  return bio_text(bio.get());
}

}  // namespace consent
