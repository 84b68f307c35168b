#include "gateway/auth/jws_sign.hpp"

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <utility>

#include "fhir/core/base64.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/json/write.hpp"
#include "gateway/auth/ecdsa_signature.hpp"
#include "gateway/auth/jws_parse.hpp"
#include "gateway/auth/openssl_handles.hpp"

namespace gateway::auth {

namespace {

using fhir::json::Value;

fhir::Issue internal(const char* what) {
  ossl::clear_errors();
  return fhir::make_issue(fhir::err::kInternal, what);
}

// The signature in JOSE's form: PKCS #1 v1.5 bytes for RS384, r || s for
// ES384 (OpenSSL produces DER).
fhir::Result<std::string> signature(const std::string& input, const SigningKey& key) {
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  std::size_t size = 0;
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), &pctx, "SHA384", nullptr, nullptr, key.pkey(), nullptr) != 1 ||
      (key.alg() == JwsAlg::rs384 && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1))
    return internal("cannot start signing");
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &size, data, input.size()) != 1) return internal("cannot sign");
  std::string sig(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &size, data, input.size()) != 1)
    return internal("cannot sign");
  sig.resize(size);
  if (key.alg() == JwsAlg::rs384) return sig;
  auto raw = ecdsa_der_to_raw(sig, kEs384ScalarBytes);
  if (!raw) return internal("cannot convert the ECDSA signature");
  return std::move(*raw);
}

}  // namespace

fhir::Result<std::string> sign_jws(const Value& payload, const SigningKey& key, std::string_view typ) {
  if (key.empty()) return fhir::make_issue(fhir::err::kInternal, "no signing key");
  if (!payload.is_object()) return fhir::make_issue(fhir::err::kInternal, "a token payload must be a JSON object");
  Value header = Value::make_object();
  header.set("alg", Value::make_string(std::string(alg_name(key.alg()))));
  header.set("kid", Value::make_string(key.kid()));
  header.set("typ", Value::make_string(std::string(typ)));
  std::string token = fhir::base64url_encode(fhir::json::write(header)) + "." +
                      fhir::base64url_encode(fhir::json::write(payload));
  auto sig = signature(token, key);
  if (!sig) return sig.take_issue();
  token += "." + fhir::base64url_encode(*sig);
  if (token.size() > kMaxJwsBytes)
    return fhir::make_issue(fhir::err::kInternal, "token would be " + std::to_string(token.size()) +
                                                      " bytes; our verifier's limit is " +
                                                      std::to_string(kMaxJwsBytes));
  return token;
}

}  // namespace gateway::auth
