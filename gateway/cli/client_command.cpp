// carebridge client add|list|revoke --db PATH ...: the registry of client
// systems, kept in the store. Writes go through the store's writer, so
// this works while a server runs on the same store file.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <string>
#include <vector>

#include "fhir/core/clock.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/resource/resource.hpp"
#include "gateway/auth/client_rules.hpp"
#include "gateway/cli/cli_store.hpp"
#include "gateway/cli/commands.hpp"
#include "gateway/config/settings_loader.hpp"
#include "gateway/forwarding/endpoint_allowlist.hpp"
#include "gateway/storage/write_sync.hpp"

namespace gateway {
namespace {

constexpr const char* kUsage =
    "usage: carebridge client add --db PATH --id ID --role ROLE --organization Organization/ID\n"
    "                             [--scopes \"...\"] [--jwks FILE] [--part2-program]\n"
    "                             [--endpoint-prefix URL]...\n"
    "       carebridge client list --db PATH\n"
    "       carebridge client revoke --db PATH --id ID\n"
    "roles: source, partner, compliance, care-manager, admin\n";

// Servers on the store re-read the registry every change_poll_ms; waiting a
// few of those before returning means that when `client add` or `client
// revoke` has returned, every running server already acts on the change
// (a revoked client's tokens are refused from the next request).
void wait_for_servers(int change_poll_ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(3 * change_poll_ms + 20));
}

int fail(const std::string& why) {
  std::fprintf(stderr, "carebridge client: %s\n", why.c_str());
  return 1;
}

struct AddArgs {
  fhir::store::ClientRecord client;
  std::string jwks_file;
};

// Kept in normal form (gateway/forwarding/endpoint_url.hpp), each once.
// The message never repeats the URL: it may hold a password.
fhir::Status add_endpoint_prefix(fhir::store::ClientRecord& c, const std::string& url) {
  auto prefix = forwarding::normalize_endpoint_prefix(url);
  if (!prefix)
    return fhir::make_issue(fhir::err::kInvalidParameter, "--endpoint-prefix: " + prefix.issue().diagnostics);
  auto& list = c.endpoint_prefixes;
  if (std::find(list.begin(), list.end(), *prefix) == list.end()) list.push_back(std::move(*prefix));
  return fhir::ok_status();
}

// The flags after `add`; the message names what is wrong, never a key.
fhir::Result<AddArgs> parse_add(const std::vector<std::string>& rest) {
  AddArgs a;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const std::string& flag = rest[i];
    if (flag == "--part2-program") {
      a.client.part2_program = true;
      continue;
    }
    if (i + 1 >= rest.size())
      return fhir::make_issue(fhir::err::kInvalidParameter, flag + " needs a value");
    const std::string& value = rest[++i];
    if (flag == "--id") a.client.id = value;
    else if (flag == "--role") a.client.role = value;
    else if (flag == "--organization") a.client.organization = value;
    else if (flag == "--scopes") a.client.scopes = value;
    else if (flag == "--jwks") a.jwks_file = value;
    else if (flag == "--endpoint-prefix") {
      if (auto st = add_endpoint_prefix(a.client, value); !st) return st.take_issue();
    } else return fhir::make_issue(fhir::err::kInvalidParameter, "unknown option " + flag);
  }
  if (auto st = auth::check_client(a.client); !st) return st.take_issue();
  return a;
}

int add(fhir::store::Store& store, const fhir::Clock& clock, const std::vector<std::string>& rest, int poll_ms) {
  auto a = parse_add(rest);
  if (!a) return fail(a.issue().diagnostics);
  if (!a->jwks_file.empty()) {
    auto jwks = auth::read_jwks_file(a->jwks_file);
    if (!jwks) return fail(jwks.issue().diagnostics);
    a->client.jwks = std::move(*jwks);
  }
  a->client.created_ms = clock.now_ms();
  const fhir::store::ClientRecord& c = a->client;
  auto st = write_sync(store, [&c](fhir::store::WriteTxn& tx) { return tx.add_client(c); });
  if (!st) return fail(c.id + ": " + st.issue().diagnostics);
  wait_for_servers(poll_ms);
  std::printf("client %s added (%s, %s)\n", c.id.c_str(), c.role.c_str(), c.organization.c_str());
  return 0;
}

int list(fhir::store::Store& store) {
  auto clients = store.list_clients();
  if (!clients) return fail(clients.issue().diagnostics);
  std::printf("id\trole\torganization\tstatus\tpart2\tkeys\tscopes\n");
  for (const auto& c : *clients) {
    std::string status = c.revoked_ms ? "revoked " + fhir::format_instant(*c.revoked_ms) : "active";
    std::printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.id.c_str(), c.role.c_str(), c.organization.c_str(),
                status.c_str(), c.part2_program ? "yes" : "no", c.jwks.empty() ? "none" : "jwks",
                c.scopes.empty() ? "(role default)" : c.scopes.c_str());
  }
  return 0;
}

int revoke(fhir::store::Store& store, const fhir::Clock& clock, const std::vector<std::string>& rest, int poll_ms) {
  if (rest.size() != 2 || rest[0] != "--id") return fail("revoke takes --id ID");
  const std::string id = rest[1];
  const std::int64_t now = clock.now_ms();
  auto st = write_sync(store, [&](fhir::store::WriteTxn& tx) { return tx.revoke_client(id, now); });
  if (!st) return fail(id + ": " + st.issue().diagnostics);
  wait_for_servers(poll_ms);
  std::printf("client %s revoked\n", id.c_str());
  return 0;
}

}  // namespace

int client_command(const std::vector<std::string>& args) {
  if (args.empty() || (args[0] != "add" && args[0] != "list" && args[0] != "revoke")) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  auto loaded = load_settings(std::vector<std::string>(args.begin() + 1, args.end()));
  if (!loaded) return fail(loaded.issue().diagnostics);
  fhir::SystemClock clock;
  auto store = open_command_store(loaded->settings, clock);
  if (!store) return fail(store.issue().diagnostics);
  int code = 2;
  const int poll_ms = loaded->settings.change_poll_ms;
  if (args[0] == "add") code = add(**store, clock, loaded->rest, poll_ms);
  else if (args[0] == "list") code = loaded->rest.empty() ? list(**store) : fail("list takes only --db");
  else code = revoke(**store, clock, loaded->rest, poll_ms);
  (*store)->close();
  return code;
}

}  // namespace gateway
