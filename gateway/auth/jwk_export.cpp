#include "gateway/auth/jwk_export.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <string>
#include <utility>

#include "fhir/core/base64.hpp"
#include "fhir/core/errors.hpp"
#include "gateway/auth/openssl_handles.hpp"

namespace gateway::auth {

namespace {

using fhir::json::Value;

// RFC 7518 §6.2.1.2: EC coordinates are padded to the field size.
constexpr int kP384CoordinateBytes = 48;

// A BIGNUM parameter of the key as base64url, big-endian; padded to
// `width` bytes when width > 0, else minimal (RFC 7518 §6.3.1.1: no
// leading zero octets). Empty when the key has no such parameter.
std::string number(const PublicKey& key, const char* param, int width) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key.pkey(), param, &raw) != 1) return {};
  ossl::Bignum bn(raw);
  int size = width > 0 ? width : BN_num_bytes(bn.get());
  std::string bytes(static_cast<std::size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(bytes.data());
  if ((width > 0 ? BN_bn2binpad(bn.get(), out, size) : BN_bn2bin(bn.get(), out)) != size) return {};
  return fhir::base64url_encode(bytes);
}

}  // namespace

fhir::Result<Value> required_jwk_members(const PublicKey& key) {
  if (key.empty()) return fhir::make_issue(fhir::err::kInternal, "no key to export");
  Value jwk = Value::make_object();
  if (key.type() == KeyType::rsa) {
    std::string e = number(key, OSSL_PKEY_PARAM_RSA_E, 0), n = number(key, OSSL_PKEY_PARAM_RSA_N, 0);
    if (!e.empty() && !n.empty()) {
      jwk.set("e", Value::make_string(std::move(e)));
      jwk.set("kty", Value::make_string("RSA"));
      jwk.set("n", Value::make_string(std::move(n)));
    }
  } else {
    std::string x = number(key, OSSL_PKEY_PARAM_EC_PUB_X, kP384CoordinateBytes);
    std::string y = number(key, OSSL_PKEY_PARAM_EC_PUB_Y, kP384CoordinateBytes);
    if (!x.empty() && !y.empty()) {
      jwk.set("crv", Value::make_string("P-384"));
      jwk.set("kty", Value::make_string("EC"));
      jwk.set("x", Value::make_string(std::move(x)));
      jwk.set("y", Value::make_string(std::move(y)));
    }
  }
  ossl::clear_errors();
  if (jwk.members().empty()) return fhir::make_issue(fhir::err::kInternal, "cannot read the public key's numbers");
  return jwk;
}

fhir::Result<Value> public_jwk(const PublicKey& key) {
  auto jwk = required_jwk_members(key);
  if (!jwk) return jwk;
  if (!key.kid().empty()) jwk->set("kid", Value::make_string(key.kid()));
  jwk->set("alg", Value::make_string(std::string(alg_name(key.alg().value_or(alg_for(key.type()))))));
  jwk->set("use", Value::make_string("sig"));
  return jwk;
}

}  // namespace gateway::auth
