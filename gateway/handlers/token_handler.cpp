// POST /auth/token: SMART Backend Services (client_credentials with a
// private_key_jwt client assertion). Answers are OAuth 2.0 JSON, never
// OperationOutcomes: RFC 6749 §5.1 on success, §5.2 on refusal, both
// uncacheable.
#include "fhir/json/value.hpp"
#include "fhir/json/write.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/auth/access_token.hpp"
#include "gateway/auth/gateway_identity.hpp"
#include "gateway/auth/token_cache.hpp"
#include "gateway/auth/token_request.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/storage/storage_pool.hpp"

namespace gateway {
namespace {

void oauth_answer(Exchange& x, int status, std::string body) {
  x.response = HttpResponse{};
  x.response.status = status;
  x.response.body = std::move(body);
  x.response.set_header("Content-Type", "application/json");
  x.response.set_header("Cache-Control", "no-store");
  x.response.set_header("Pragma", "no-cache");
}

void refuse(Exchange& x, const auth::OAuthError& e) { oauth_answer(x, 400, auth::oauth_error_json(e)); }

// The store failed (RFC 6749 has no code for this at the token endpoint;
// server_error is its authorization endpoint's).
void server_error(Exchange& x) {
  oauth_answer(x, 500, auth::oauth_error_json({"server_error", "the token could not be issued; retry later"}));
}

std::string lower_media_type(std::string_view v) {
  std::string out(v.substr(0, v.find(';')));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

net::awaitable<void> handle_token(Exchange& x, const AppContext& app) {
  if (lower_media_type(x.request.header("content-type")) != "application/x-www-form-urlencoded") {
    refuse(x, {"invalid_request", "send the token request as application/x-www-form-urlencoded"});
    co_return;
  }
  auto form = fhir::parse_query(x.request.body);
  if (!form) {
    refuse(x, {"invalid_request", "malformed form body"});
    co_return;
  }
  // The token endpoint as clients reach it (the configured public base URL
  // when there is one).
  const std::vector<std::string> token_urls{app.base_url + "/auth/token"};
  const std::int64_t now = app.clock->now_ms();
  auto checked = auth::check_token_request(*form, *app.clients, *app.purposes, token_urls, now);
  if (checked.error) {
    refuse(x, *checked.error);
    co_return;
  }
  auth::TokenGrant& grant = *checked.grant;

  // A jti is accepted once: recorded durably before the token is issued,
  // so a replay is refused by every instance on this store, also after a
  // restart.
  bool fresh = false;
  auto st = co_await await_write(*app.store, [&](fhir::store::WriteTxn& tx) -> fhir::Status {
    auto claimed = tx.claim_assertion_id(grant.context.client_id, grant.assertion_jti, grant.assertion_expires_ms, now);
    if (!claimed) return claimed.take_issue();
    fresh = *claimed;
    return fhir::ok_status();
  });
  if (!st) {
    server_error(x);
    co_return;
  }
  if (!fresh) {
    refuse(x, {"invalid_client", "this client assertion (jti) was used before"});
    co_return;
  }
  const std::int64_t lifetime = static_cast<std::int64_t>(app.settings.access_token_seconds) * 1000;
  auto token = auth::mint_access_token(grant.context, *app.identity, now, lifetime);
  if (!token) {
    server_error(x);
    co_return;
  }
  // Known from the start: its first use costs no signature check.
  app.tokens->put(auth::TokenCache::key_for(*token), std::make_shared<const auth::RequestContext>(grant.context), now);
  using fhir::json::Value;
  Value body = Value::make_object();
  body.set("access_token", Value::make_string(std::move(*token)));
  body.set("token_type", Value::make_string("bearer"));
  body.set("expires_in", Value::make_number(std::to_string(app.settings.access_token_seconds)));
  body.set("scope", Value::make_string(grant.context.scopes.to_string()));
  oauth_answer(x, 200, fhir::json::write(body));
}

}  // namespace gateway
