#include "gateway/auth/jws_verify.hpp"

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <string>
#include <vector>

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"
#include "gateway/auth/ecdsa_signature.hpp"
#include "gateway/auth/jws_parse.hpp"
#include "gateway/auth/openssl_handles.hpp"

namespace gateway::auth {

namespace {

using fhir::Result;
using fhir::json::Value;

fhir::Issue refuse(std::string why) { return fhir::make_issue(fhir::err::kInvalidToken, "token " + std::move(why)); }

// The comparison that decides is OpenSSL's, over public values (the
// signature, the key): nothing secret is compared here, so nothing here
// needs to be constant-time.
bool signature_valid(const JwsParts& parts, const PublicKey& key) {
  std::string der;
  std::string_view sig = parts.signature;
  if (parts.alg == JwsAlg::es384) {
    auto converted = ecdsa_raw_to_der(parts.signature, kEs384ScalarBytes);
    if (!converted) return false;
    der = std::move(*converted);
    sig = der;
  } else if (sig.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key.pkey()))) {
    // RFC 8017 §8.2.2 step 1: the signature is exactly the modulus' length.
    return false;
  }
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  bool ok = ctx && EVP_DigestVerifyInit_ex(ctx.get(), &pctx, "SHA384", nullptr, nullptr, key.pkey(), nullptr) == 1 &&
            (parts.alg != JwsAlg::rs384 || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1) &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(parts.signing_input.data()),
                             parts.signing_input.size()) == 1;
  ossl::clear_errors();
  return ok;
}

// The payload, read only once the signature holds.
Result<Value> claims(const JwsParts& parts) {
  auto payload = fhir::json::parse(parts.payload);
  if (!payload || !payload->is_object()) return refuse("payload is not a JSON object");
  return std::move(*payload);
}

}  // namespace

Result<Value> verify_jws(std::string_view token, const PublicKey& key) {
  auto parts = parse_jws(token);
  if (!parts) return parts.take_issue();
  if (!key.accepts(parts->alg))
    return refuse("alg " + std::string(alg_name(parts->alg)) + " does not fit the " +
                  std::string(key_type_name(key.type())) + " key it must be verified with");
  if (!signature_valid(*parts, key)) return refuse("signature does not verify");
  return claims(*parts);
}

Result<Value> verify_jws(std::string_view token, const JwkSet& keys) {
  auto parts = parse_jws(token);
  if (!parts) return parts.take_issue();
  if (parts->kid.empty()) return refuse("header has no \"kid\"");
  std::vector<const PublicKey*> candidates = keys.candidates(parts->kid, parts->alg);
  if (candidates.empty()) return refuse("kid and alg match no registered key");
  // SMART: more than one key matching is a failure, never a choice.
  if (candidates.size() > 1) return refuse("kid matches more than one registered key");
  for (const PublicKey* key : candidates)
    if (signature_valid(*parts, *key)) return claims(*parts);
  return refuse("signature does not verify");
}

}  // namespace gateway::auth
