#include "gateway/auth/openssl_handles.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>

namespace gateway::auth::ossl {

// BN_clear_free: a BIGNUM here may have held part of a private key.
void FreeBignum::operator()(bignum_st* p) const noexcept { BN_clear_free(p); }
void FreeBio::operator()(bio_st* p) const noexcept { BIO_free_all(p); }
void FreeMdCtx::operator()(evp_md_ctx_st* p) const noexcept { EVP_MD_CTX_free(p); }
void FreePkey::operator()(evp_pkey_st* p) const noexcept { EVP_PKEY_free(p); }
void FreePkeyCtx::operator()(evp_pkey_ctx_st* p) const noexcept { EVP_PKEY_CTX_free(p); }
void FreeParamBld::operator()(ossl_param_bld_st* p) const noexcept { OSSL_PARAM_BLD_free(p); }
void FreeParams::operator()(ossl_param_st* p) const noexcept { OSSL_PARAM_free(p); }
void FreeDecoderCtx::operator()(ossl_decoder_ctx_st* p) const noexcept { OSSL_DECODER_CTX_free(p); }
void FreeEncoderCtx::operator()(ossl_encoder_ctx_st* p) const noexcept { OSSL_ENCODER_CTX_free(p); }
void FreeEcdsaSig::operator()(ECDSA_SIG_st* p) const noexcept { ECDSA_SIG_free(p); }

std::shared_ptr<evp_pkey_st> share(Pkey key) {
  // The shared_ptr constructor frees the key itself if it cannot allocate.
  return std::shared_ptr<evp_pkey_st>(key.release(), FreePkey{});
}

void clear_errors() noexcept { ERR_clear_error(); }

}  // namespace gateway::auth::ossl
