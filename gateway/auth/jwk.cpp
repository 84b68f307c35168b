#include "gateway/auth/jwk.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <string>
#include <utility>

#include "fhir/core/base64.hpp"
#include "fhir/core/errors.hpp"
#include "gateway/auth/openssl_handles.hpp"
#include "gateway/auth/safe_text.hpp"

namespace gateway::auth {

namespace {

using fhir::Issue;
using fhir::Result;
using fhir::json::Value;

// RFC 7518 §6.2.1.2: each coordinate is exactly the field size, 384 bits.
constexpr std::size_t kP384CoordinateBytes = 48;
// OpenSSL refuses exponents over 64 bits with moduli over 3072 bits
// (OPENSSL_RSA_SMALL_MODULUS_MAX_EXPONENT); one limit for every size.
constexpr int kMaxRsaExponentBits = 64;

// Says which key (by position, and kid when it is safe to show) and why.
class Refuse {
 public:
  Refuse(std::string_view where, const Value& jwk) : where_(where) {
    label_ = "JWK " + where_;
    if (const Value* kid = jwk.find("kid"); kid != nullptr && kid->is_string())
      label_ += " (kid " + safe_quote(kid->text()) + ")";
  }
  Issue operator()(std::string_view member, const std::string& why) const {
    std::string expression = member.empty() ? where_ : where_ + "." + std::string(member);
    return fhir::make_issue(fhir::err::kInvalidValue, label_ + ": " + why, std::move(expression));
  }

 private:
  std::string where_;
  std::string label_;
};

// A base64url member's bytes, or the Issue naming the member.
Result<std::string> bytes_member(const Value& jwk, const char* name, const Refuse& refuse) {
  const Value* m = jwk.find(name);
  if (m == nullptr) return refuse(name, std::string("'") + name + "' is missing");
  if (!m->is_string()) return refuse(name, std::string("'") + name + "' is not a string");
  auto bytes = fhir::base64url_decode(m->text());
  if (!bytes || bytes->empty()) return refuse(name, std::string("'") + name + "' is not base64url");
  return std::move(*bytes);
}

ossl::Bignum to_bignum(const std::string& bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  return ossl::Bignum(BN_bin2bn(data, static_cast<int>(bytes.size()), nullptr));
}

// EVP_PKEY_fromdata over what bld holds, as a public key of `type_name`.
ossl::Pkey from_data(const char* type_name, ossl_param_bld_st* bld) {
  ossl::Params params(OSSL_PARAM_BLD_to_param(bld));
  ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type_name, nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return nullptr;
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) return nullptr;
  return ossl::Pkey(key);
}

Result<ossl::Pkey> rsa_key(const Value& jwk, const Refuse& refuse) {
  auto n_bytes = bytes_member(jwk, "n", refuse);
  if (!n_bytes) return n_bytes.take_issue();
  auto e_bytes = bytes_member(jwk, "e", refuse);
  if (!e_bytes) return e_bytes.take_issue();
  ossl::Bignum n = to_bignum(*n_bytes), e = to_bignum(*e_bytes);
  if (!n || !e) return refuse("", "cannot read the key's numbers");
  // Leading zero octets (RFC 7518 §6.3.1.1 warns some libraries add one)
  // do not count: the size is the number's.
  int bits = BN_num_bits(n.get());
  if (bits < kMinRsaBits)
    return refuse("n", "RSA modulus is " + std::to_string(bits) + " bits; at least " + std::to_string(kMinRsaBits) +
                           " are needed");
  if (bits > kMaxRsaBits)
    return refuse("n", "RSA modulus is " + std::to_string(bits) + " bits; at most " + std::to_string(kMaxRsaBits) +
                           " are accepted");
  if (!BN_is_odd(n.get())) return refuse("n", "RSA modulus is even");
  if (!BN_is_odd(e.get()) || BN_num_bits(e.get()) < 2 || BN_num_bits(e.get()) > kMaxRsaExponentBits)
    return refuse("e", "RSA exponent must be odd, at least 3 and at most " + std::to_string(kMaxRsaExponentBits) +
                           " bits");
  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
    return refuse("", "cannot build the RSA key");
  ossl::Pkey key = from_data("RSA", bld.get());
  if (!key) return refuse("", "OpenSSL refuses the RSA key");
  return key;
}

Result<ossl::Pkey> ec_key(const Value& jwk, const Refuse& refuse) {
  const Value* crv = jwk.find("crv");
  if (crv == nullptr || !crv->is_string()) return refuse("crv", "'crv' is missing");
  if (crv->text() != "P-384")
    return refuse("crv", "curve " + safe_quote(crv->text()) + " is not supported; ES384 needs P-384");
  auto x = bytes_member(jwk, "x", refuse);
  if (!x) return x.take_issue();
  auto y = bytes_member(jwk, "y", refuse);
  if (!y) return y.take_issue();
  if (x->size() != kP384CoordinateBytes) return refuse("x", "'x' is not 48 bytes");
  if (y->size() != kP384CoordinateBytes) return refuse("y", "'y' is not 48 bytes");
  // SEC 1 §2.3.3 uncompressed point: 0x04 || x || y.
  std::string point = "\x04" + *x + *y;
  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "secp384r1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
    return refuse("", "cannot build the EC key");
  ossl::Pkey key = from_data("EC", bld.get());
  // A point off the curve is refused whether or not fromdata checks: the
  // public-key check tests the curve equation and the subgroup.
  ossl::PkeyCtx check(key ? EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr) : nullptr);
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return refuse("x", "(x, y) is not a point on P-384");
  return key;
}

// RFC 7517 §4.2, §4.3: a key limited to another use cannot verify.
Result<fhir::Unit> check_use(const Value& jwk, const Refuse& refuse) {
  if (const Value* use = jwk.find("use"); use != nullptr && !(use->is_string() && use->text() == "sig"))
    return refuse("use", "'use' is not \"sig\"");
  if (const Value* ops = jwk.find("key_ops"); ops != nullptr) {
    bool verify = false;
    for (const Value& op : ops->items()) verify = verify || (op.is_string() && op.text() == "verify");
    if (!ops->is_array() || !verify) return refuse("key_ops", "'key_ops' does not include \"verify\"");
  }
  return fhir::Unit{};
}

Result<ossl::Pkey> parse_key(const Value& jwk, KeyType& type, const Refuse& refuse) {
  // RFC 7518 §6.3.2, §6.2.2, §6.4.1: the members only a private or secret
  // key has. Named, never shown.
  for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}) {
    if (jwk.find(secret) != nullptr)
      return refuse(secret, std::string("holds private key material ('") + secret +
                                "'); register only the public key, and replace this one");
  }
  const Value* kty = jwk.find("kty");
  if (kty == nullptr || !kty->is_string()) return refuse("kty", "'kty' is missing");
  if (kty->text() == "RSA") {
    type = KeyType::rsa;
    return rsa_key(jwk, refuse);
  }
  if (kty->text() == "EC") {
    type = KeyType::ec_p384;
    return ec_key(jwk, refuse);
  }
  return refuse("kty", "key type " + safe_quote(kty->text()) + " is not supported; RS384 needs RSA, ES384 EC P-384");
}

}  // namespace

Result<PublicKey> parse_jwk(const Value& jwk, std::string_view where) {
  Refuse refuse(where, jwk);
  if (!jwk.is_object()) return refuse("", "is not a JSON object");
  std::string kid;
  if (const Value* k = jwk.find("kid")) {
    if (!k->is_string()) return refuse("kid", "'kid' is not a string");
    kid = k->text();
  }
  KeyType type = KeyType::rsa;
  auto key = parse_key(jwk, type, refuse);
  ossl::clear_errors();
  if (!key) return key.take_issue();
  std::optional<JwsAlg> alg;
  if (const Value* a = jwk.find("alg")) {
    alg = a->is_string() ? alg_from_name(a->text()) : std::nullopt;
    if (!alg)
      return refuse("alg", "alg " + (a->is_string() ? safe_quote(a->text()) : std::string("(not a string)")) +
                               " is not supported; RS384 and ES384 are");
    if (*alg != alg_for(type)) {
      KeyType needed = *alg == JwsAlg::rs384 ? KeyType::rsa : KeyType::ec_p384;
      return refuse("alg", "alg " + std::string(alg_name(*alg)) + " needs an " + std::string(key_type_name(needed)) +
                               " key, not " + std::string(key_type_name(type)));
    }
  }
  if (auto use = check_use(jwk, refuse); !use) return use.take_issue();
  return PublicKey(ossl::share(std::move(*key)), type, std::move(kid), alg);
}

}  // namespace gateway::auth
