// One owner per OpenSSL handle (STYLE.md: every C handle has one owner).
// Included only by gateway/auth .cpp files. It forward-declares OpenSSL's
// structs instead of including its headers, so it could sit in any header.
#pragma once

#include <memory>

struct bignum_st;
struct bio_st;
struct evp_md_ctx_st;
struct evp_pkey_st;
struct evp_pkey_ctx_st;
struct ossl_param_bld_st;
struct ossl_param_st;
struct ossl_decoder_ctx_st;
struct ossl_encoder_ctx_st;
struct ECDSA_SIG_st;

namespace gateway::auth::ossl {

struct FreeBignum { void operator()(bignum_st* p) const noexcept; };
struct FreeBio { void operator()(bio_st* p) const noexcept; };
struct FreeMdCtx { void operator()(evp_md_ctx_st* p) const noexcept; };
struct FreePkey { void operator()(evp_pkey_st* p) const noexcept; };
struct FreePkeyCtx { void operator()(evp_pkey_ctx_st* p) const noexcept; };
struct FreeParamBld { void operator()(ossl_param_bld_st* p) const noexcept; };
struct FreeParams { void operator()(ossl_param_st* p) const noexcept; };
struct FreeDecoderCtx { void operator()(ossl_decoder_ctx_st* p) const noexcept; };
struct FreeEncoderCtx { void operator()(ossl_encoder_ctx_st* p) const noexcept; };
struct FreeEcdsaSig { void operator()(ECDSA_SIG_st* p) const noexcept; };

using Bignum = std::unique_ptr<bignum_st, FreeBignum>;
using Bio = std::unique_ptr<bio_st, FreeBio>;
using MdCtx = std::unique_ptr<evp_md_ctx_st, FreeMdCtx>;
using Pkey = std::unique_ptr<evp_pkey_st, FreePkey>;
using PkeyCtx = std::unique_ptr<evp_pkey_ctx_st, FreePkeyCtx>;
using ParamBld = std::unique_ptr<ossl_param_bld_st, FreeParamBld>;
using Params = std::unique_ptr<ossl_param_st, FreeParams>;
using DecoderCtx = std::unique_ptr<ossl_decoder_ctx_st, FreeDecoderCtx>;
using EncoderCtx = std::unique_ptr<ossl_encoder_ctx_st, FreeEncoderCtx>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG_st, FreeEcdsaSig>;

// A shared owner of a key: copies of PublicKey and SigningKey share one
// EVP_PKEY, which OpenSSL 3 lets threads use at once once it is built.
std::shared_ptr<evp_pkey_st> share(Pkey key);

// Empties this thread's OpenSSL error queue. A failure we have turned into
// an Issue must not linger there: TLS code on the same io thread reads the
// queue after its own calls and would report our stale error as its own.
void clear_errors() noexcept;

}  // namespace gateway::auth::ossl
