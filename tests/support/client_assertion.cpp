#include "tests/support/client_assertion.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>

#include "fhir/core/base64.hpp"
#include "fhir/core/id_generator.hpp"
#include "fhir/core/query.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "gateway/auth/ecdsa_signature.hpp"
#include "gateway/auth/jwk_export.hpp"
#include "gateway/auth/jws_sign.hpp"
#include "gateway/auth/signing_key.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;

Value part(const std::string& token, std::size_t index) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < index && start != std::string::npos; ++i) {
    start = token.find('.', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos) {
    ADD_FAILURE() << "not a compact JWS";
    return {};
  }
  std::size_t end = token.find('.', start);
  auto bytes = fhir::base64url_decode(token.substr(start, end == std::string::npos ? end : end - start));
  if (!bytes) {
    ADD_FAILURE() << "not base64url";
    return {};
  }
  auto v = fhir::json::parse(*bytes);
  if (!v) {
    ADD_FAILURE() << "not JSON: " << *bytes;
    return {};
  }
  return std::move(*v);
}

}  // namespace

std::string jwks_of(std::initializer_list<const gateway::auth::SigningKey*> keys) {
  Value set = Value::make_object();
  Value& list = set.set("keys", Value::make_array());
  for (const auto* key : keys) {
    auto jwk = gateway::auth::public_jwk(key->public_key());
    EXPECT_TRUE(jwk.ok());
    if (jwk) list.push_back(std::move(*jwk));
  }
  return fhir::json::write(set);
}

fhir::json::Value assertion_claims(const std::string& client_id, const std::string& aud, std::int64_t exp_ms,
                                   const std::string& purpose) {
  Value c = Value::make_object();
  c.set("iss", Value::make_string(client_id));
  c.set("sub", Value::make_string(client_id));
  c.set("aud", Value::make_string(aud));
  c.set("exp", Value::make_number(std::to_string(exp_ms / 1000)));
  c.set("jti", Value::make_string(fhir::new_resource_id()));
  if (!purpose.empty()) {
    Value b2b = Value::make_object();
    b2b.set("version", Value::make_string("1"));
    b2b.set("purpose_of_use", Value::make_array()).push_back(Value::make_string(purpose));
    c.set("extensions", Value::make_object()).set("hl7-b2b", std::move(b2b));
  }
  return c;
}

std::string sign_assertion(const fhir::json::Value& claims, const gateway::auth::SigningKey& key) {
  auto token = gateway::auth::sign_jws(claims, key, "JWT");
  EXPECT_TRUE(token.ok()) << token.issue().diagnostics;
  return token ? *token : std::string();
}

std::string sign_compact(const std::string& header_json, const std::string& payload_json,
                         const gateway::auth::SigningKey& key) {
  const std::string input = fhir::base64url_encode(header_json) + "." + fhir::base64url_encode(payload_json);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  const bool rsa = key.alg() == gateway::auth::JwsAlg::rs384;
  std::size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  bool ok = ctx && EVP_DigestSignInit_ex(ctx.get(), &pctx, "SHA384", nullptr, nullptr, key.pkey(), nullptr) == 1 &&
            (!rsa || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1) &&
            EVP_DigestSign(ctx.get(), nullptr, &size, data, input.size()) == 1;
  std::string sig(size, '\0');
  ok = ok && EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &size, data, input.size()) == 1;
  EXPECT_TRUE(ok) << "OpenSSL could not sign";
  sig.resize(size);
  if (!rsa) {
    auto raw = gateway::auth::ecdsa_der_to_raw(sig, gateway::auth::kEs384ScalarBytes);
    EXPECT_TRUE(raw.has_value());
    sig = raw.value_or(std::string());
  }
  return input + "." + fhir::base64url_encode(sig);
}

std::string TokenForm::encode() const {
  std::string out;
  auto add = [&out](const char* name, const std::string& value) {
    if (value.empty()) return;
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += fhir::percent_encode(value);
  };
  add("grant_type", grant_type);
  add("client_assertion_type", client_assertion_type);
  add("client_assertion", client_assertion);
  add("scope", scope);
  return out;
}

fhir::json::Value jws_header(const std::string& token) { return part(token, 0); }
fhir::json::Value jws_payload(const std::string& token) { return part(token, 1); }

}  // namespace carebridge::test
