#include <cctype>

#include "fhir/core/errors.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/auth/access_token.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/auth/token_cache.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/chain/stages.hpp"

namespace gateway {
namespace {

// RFC 6750 §3: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
std::string header_safe(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c >= 0x20 && c <= 0x7E && c != '"' && c != '\\') out += c;
  return out;
}

// 401 with the challenge RFC 6750 §3 describes. Without a Bearer token the
// challenge carries no error code (§3.1); with a bad one it says
// invalid_token. The description is ours, never the token's text.
Flow challenge(Exchange& x, bool token_sent, const std::string& why) {
  x.fail(fhir::make_issue(fhir::err::kInvalidToken, why));
  std::string value = "Bearer realm=\"CareBridge\"";
  if (token_sent) value += ", error=\"invalid_token\", error_description=\"" + header_safe(why) + "\"";
  x.response.set_header("WWW-Authenticate", std::move(value));
  return Flow::respond;
}

// "Bearer <token>", the scheme case-insensitive (RFC 7235 §2.1).
std::string_view bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return {};
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

}  // namespace

Flow authenticate_stage(Exchange& x, const AppContext& app) {
  if (x.route.access == RouteAccess::open) return Flow::next;
  std::string_view token = bearer_token(x.request.header("authorization"));
  if (token.empty()) return challenge(x, false, "This request needs an access token (Authorization: Bearer)");
  if (token.size() > auth::kMaxAccessTokenBytes) return challenge(x, true, "access token is too large");

  const std::int64_t now = app.clock->now_ms();
  const std::string key = auth::TokenCache::key_for(token);
  auto ctx = app.tokens->find(key, now);
  if (!ctx) {
    if (app.tokens->known_bad(key)) return challenge(x, true, "access token is invalid");
    // Junk is refused before it can spend the verification budget.
    if (auto st = auth::precheck_access_token(token, *app.identity); !st) {
      app.tokens->put_bad(key);
      return challenge(x, true, st.issue().diagnostics);
    }
    if (!app.tokens->take_verification(now)) {
      // Not a verdict on the token: the gateway is refusing to spend more
      // on unknown tokens this second.
      x.fail(fhir::make_issue(fhir::err::kUnavailable, "Too many new access tokens at once; retry shortly"));
      x.response.set_header("Retry-After", "1");
      return Flow::respond;
    }
    auto verified = auth::verify_access_token(token, *app.identity, *app.purposes, now);
    if (!verified) {
      app.tokens->put_bad(key);
      return challenge(x, true, verified.issue().diagnostics);
    }
    ctx = std::make_shared<const auth::RequestContext>(std::move(*verified));
    app.tokens->put(key, ctx, now);
  }
  // The registration as it is now, not as it was when the token was
  // issued: revoked, or changed in role, organization or scopes, and the
  // token no longer speaks for the client.
  auto client = app.clients->find(ctx->client_id);
  if (!client || client->revoked()) return challenge(x, true, "access token's client is not registered");
  if (client->record.role != ctx->role || client->record.organization != ctx->organization ||
      !ctx->scopes.within(client->allowed))
    return challenge(x, true, "access token's client registration has changed; request a new token");
  x.context = std::move(ctx);
  return Flow::next;
}

}  // namespace gateway
