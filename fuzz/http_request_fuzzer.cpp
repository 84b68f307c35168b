// Raw HTTP into the router: bytes into Beast's request parser with the
// gateway's head and body limits (http_session.cpp), then, for a request
// that parses, the request chain's stages that need no store: parse_request,
// route, authenticate (Bearer tokens against a gateway key generated at
// start, so every token the fuzzer makes up is refused) and finalize. Each
// response the stages settle must be an error with an OperationOutcome
// that parses; what they route must lie under the base; nothing but an
// open route gets past authenticate.
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fhir/core/clock.hpp"
#include "fhir/core/query.hpp"
#include "fhir/json/parse.hpp"
#include "fuzz/support/invariant.hpp"
#include "fuzz/support/r4_data.hpp"
#include "gateway/http/beast_exchange.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/auth/gateway_identity.hpp"
#include "gateway/auth/purpose_of_use.hpp"
#include "gateway/auth/token_cache.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/chain/stages.hpp"
#include "profiles/type_model.hpp"

namespace {
namespace beast = boost::beast;
namespace http = beast::http;

// Two servers: at the root and under a base path ("/fhir").
gateway::AppContext* g_root = nullptr;
gateway::AppContext* g_based = nullptr;

gateway::AppContext* make_app(std::shared_ptr<const profiles::TypeModel> types, const std::string& base) {
  static const fhir::SystemClock clock;
  static gateway::auth::ClientRegistry clients;  // empty: no token names a known client
  static gateway::auth::TokenCache tokens(1024, 1000000);
  auto* app = new gateway::AppContext();  // lives for the process
  app->types = std::move(types);
  app->clock = &clock;
  app->clients = &clients;
  app->tokens = &tokens;
  auto key = gateway::auth::SigningKey::generate(gateway::auth::KeyType::ec_p384);
  CAREBRIDGE_FUZZ_CHECK(key.ok(), "a gateway key");
  auto identity = std::make_shared<gateway::auth::GatewayIdentity>();
  identity->key = std::move(*key);
  identity->name = "http://127.0.0.1:8080" + base;
  app->identity = std::move(identity);
  auto purposes =
      gateway::auth::PurposeOfUseCodes::load(carebridge::fuzz::source_path("fhir/r4/CodeSystem-v3-ActReason.json"));
  CAREBRIDGE_FUZZ_CHECK(purposes.ok(), "the PurposeOfUse codes");
  app->purposes = std::move(*purposes);
  app->base_url = "http://127.0.0.1:8080" + base;
  app->base_path = base;
  app->write = gateway::WriteContext{app->types.get(), nullptr};
  return app;
}

void run_stages(const http::request<http::string_body>& req, const gateway::AppContext& app) {
  gateway::Exchange x = gateway::to_exchange(http::request<http::string_body>(req));
  bool routed = gateway::parse_request_stage(x, app) == gateway::Flow::next &&
                gateway::route_stage(x, app) == gateway::Flow::next;
  const bool admitted = routed && gateway::authenticate_stage(x, app) == gateway::Flow::next;
  gateway::finalize_stage(x, app);
  if (routed) {
    // Under a base path, only the base itself and what lies below it are
    // ours: "/fhirPatient" is not "/fhir/Patient".
    std::string_view target = x.request.target;
    auto path = fhir::percent_decode(target.substr(0, target.find('?')), false);
    CAREBRIDGE_FUZZ_CHECK(path.has_value(), "a routed path decodes");
    std::string_view base = app.base_path;
    CAREBRIDGE_FUZZ_CHECK(base.empty() || *path == base || path->rfind(std::string(base) + "/", 0) == 0,
                          "routes lie under the base path");
    if (!x.route.type.empty())
      CAREBRIDGE_FUZZ_CHECK(app.types->is_resource_type(x.route.type), "routes name R4 types");
    if (admitted) {
      CAREBRIDGE_FUZZ_CHECK(x.route.access == gateway::RouteAccess::open, "only open routes pass without a token");
      return;
    }
    CAREBRIDGE_FUZZ_CHECK(x.response.status == 401, "a closed route without a valid token is 401");
  }
  CAREBRIDGE_FUZZ_CHECK(x.response.status >= 400 && x.response.status < 500, "refusals are 4xx");
  auto outcome = fhir::json::parse(x.response.body);
  CAREBRIDGE_FUZZ_CHECK(outcome.ok(), "the OperationOutcome is JSON");
  CAREBRIDGE_FUZZ_CHECK(outcome->string_at("resourceType") == "OperationOutcome", "an OperationOutcome");
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto types = carebridge::fuzz::load_type_model();
  g_root = make_app(types, "");
  g_based = make_app(types, "/fhir");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const gateway::Settings limits;  // the defaults a server runs with
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
  parser.body_limit(limits.body_limit);
  parser.eager(true);

  beast::error_code ec;
  const char* p = reinterpret_cast<const char*>(data);
  std::size_t left = size;
  while (left > 0 && !parser.is_done()) {
    std::size_t used = parser.put(boost::asio::buffer(p, left), ec);
    if (ec == http::error::need_more) break;  // the whole input was offered
    if (ec) return 0;
    if (used == 0) break;
    p += used;
    left -= used;
  }
  if (!parser.is_done()) {
    // The peer closed: a body delimited by EOF ends here.
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }
  const auto& req = parser.get();
  run_stages(req, *g_root);
  run_stages(req, *g_based);
  return 0;
}
