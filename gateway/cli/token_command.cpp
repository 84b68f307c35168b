// carebridge token --db PATH [--config FILE] --client ID --purpose CODE
//                  [--scope S] [--user ID]
// Prints an access token (the bare token, one line) for a registered
// client, signed with the key the server on that store uses, so tests,
// scripts and the README tour need no client keys. It grants what the
// token endpoint would: the requested scopes (default: all the client may
// have) within the registration and the role.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "fhir/core/clock.hpp"
#include "fhir/core/errors.hpp"
#include "gateway/app/runtime.hpp"
#include "gateway/auth/access_token.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/auth/gateway_identity.hpp"
#include "gateway/auth/purpose_of_use.hpp"
#include "gateway/cli/cli_store.hpp"
#include "gateway/cli/commands.hpp"
#include "gateway/config/settings_loader.hpp"

namespace gateway {
namespace {

constexpr const char* kUsage =
    "usage: carebridge token --db PATH [--config FILE] --client ID --purpose CODE [--scope S] [--user ID]\n";

int fail(const std::string& why) {
  std::fprintf(stderr, "carebridge token: %s\n", why.c_str());
  return 1;
}

struct TokenArgs {
  std::string client;
  std::string purpose;
  std::string scope;
  std::string user;
};

fhir::Result<TokenArgs> parse_args(const std::vector<std::string>& rest) {
  TokenArgs a;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const std::string& flag = rest[i];
    if (i + 1 >= rest.size()) return fhir::make_issue(fhir::err::kInvalidParameter, flag + " needs a value");
    const std::string& value = rest[++i];
    if (flag == "--client") a.client = value;
    else if (flag == "--purpose") a.purpose = value;
    else if (flag == "--scope") a.scope = value;
    else if (flag == "--user") a.user = value;
    else return fhir::make_issue(fhir::err::kInvalidParameter, "unknown option " + flag);
  }
  if (a.client.empty() || a.purpose.empty())
    return fhir::make_issue(fhir::err::kInvalidParameter, "--client ID and --purpose CODE are required");
  return a;
}

}  // namespace

int token_command(const std::vector<std::string>& args) {
  auto loaded = load_settings(args);
  if (!loaded) return fail(loaded.issue().diagnostics);
  const Settings& settings = loaded->settings;
  auto a = parse_args(loaded->rest);
  if (!a) {
    std::fputs(kUsage, stderr);
    return fail(a.issue().diagnostics);
  }
  if (settings.db_path.empty()) return fail("--db PATH is required");
  if (settings.access_token_seconds <= 0 || settings.access_token_seconds > 86400)
    return fail("--access-token-seconds must be 1-86400");
  std::error_code ec;
  if (!std::filesystem::exists(settings.db_path, ec)) return fail("no store at " + settings.db_path);

  auto purposes = auth::PurposeOfUseCodes::load(resolve_share_dir(settings.share_dir) + "/r4/CodeSystem-v3-ActReason.json");
  if (!purposes) return fail(purposes.issue().diagnostics);
  auth::RequestContext ctx;
  auto purpose = auth::parse_purpose_of_use(a->purpose, **purposes);
  if (!purpose) return fail(purpose.issue().diagnostics);
  ctx.purpose = std::move(*purpose);

  fhir::SystemClock clock;
  auto store = open_command_store(settings, clock);
  if (!store) return fail(store.issue().diagnostics);
  auto record = (*store)->read_client(a->client);
  (*store)->close();
  if (!record) return fail(record.issue().diagnostics);
  if (!*record) return fail("no client " + a->client + " is registered on this store");
  if ((*record)->revoked_ms) return fail("client " + a->client + " is revoked");

  auth::ScopeSet allowed = auth::allowed_scopes(**record);
  if (a->scope.empty()) {
    ctx.scopes = allowed;
  } else {
    auto requested = auth::ScopeSet::parse(a->scope);
    if (!requested) return fail(requested.issue().diagnostics);
    ctx.scopes = requested->intersect(allowed);
  }
  if (ctx.scopes.empty()) return fail("none of the requested scopes is allowed for this client and its role");
  ctx.client_id = (*record)->id;
  ctx.organization = (*record)->organization;
  ctx.role = (*record)->role;
  ctx.user_id = a->user;

  auto identity = auth::load_gateway_identity(settings.db_path, settings.signing_key_file, settings.base_url);
  if (!identity) return fail(identity.issue().diagnostics);
  if (identity->generated)
    std::fprintf(stderr, "generated the gateway's signing key at %s (mode 0600)\n", identity->key_path.c_str());
  const std::int64_t lifetime = static_cast<std::int64_t>(settings.access_token_seconds) * 1000;
  auto token = auth::mint_access_token(ctx, *identity, clock.now_ms(), lifetime);
  if (!token) return fail(token.issue().diagnostics);
  std::printf("%s\n", token->c_str());
  return 0;
}

}  // namespace gateway
