// GET /.well-known/smart-configuration (SMART App Launch 2.0 §
// "Conformance"): where and how a backend service obtains a token. And
// GET /.well-known/jwks.json: the key access tokens are signed with, for
// partners that check the gateway's tokens themselves.
#include "fhir/json/value.hpp"
#include "fhir/json/write.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/auth/gateway_identity.hpp"
#include "gateway/auth/jwk_export.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/handlers/handlers.hpp"

namespace gateway {
namespace {

using fhir::json::Value;

Value strings(std::initializer_list<const char*> items) {
  Value out = Value::make_array();
  for (const char* s : items) out.push_back(Value::make_string(s));
  return out;
}

void json_answer(Exchange& x, const Value& body) {
  x.response.status = 200;
  x.response.body = fhir::json::write(body);
  x.response.set_header("Content-Type", "application/json");
}

}  // namespace

net::awaitable<void> handle_smart_configuration(Exchange& x, const AppContext& app) {
  Value c = Value::make_object();
  c.set("token_endpoint", Value::make_string(app.base_url + "/auth/token"));
  c.set("jwks_uri", Value::make_string(app.base_url + "/.well-known/jwks.json"));
  c.set("grant_types_supported", strings({"client_credentials"}));
  c.set("token_endpoint_auth_methods_supported", strings({"private_key_jwt"}));
  c.set("token_endpoint_auth_signing_alg_values_supported", strings({"RS384", "ES384"}));
  c.set("scopes_supported", strings({"system/*.cruds", "system/*.rs", "system/*.read", "system/*.write"}));
  c.set("response_types_supported", Value::make_array());
  c.set("capabilities", strings({"client-confidential-asymmetric", "permission-v1", "permission-v2"}));
  // The HL7 FAST/UDAP B2B authorization extension carries purpose of use.
  c.set("extensions_supported", strings({"hl7-b2b"}));
  json_answer(x, c);
  co_return;
}

net::awaitable<void> handle_jwks(Exchange& x, const AppContext& app) {
  auto jwk = auth::public_jwk(app.identity->key.public_key());
  if (!jwk) {
    x.fail(jwk.issue());
    co_return;
  }
  Value set = Value::make_object();
  set.set("keys", Value::make_array()).push_back(std::move(*jwk));
  json_answer(x, set);
}

}  // namespace gateway
