#include "gateway/config/settings_loader.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"

namespace gateway {
namespace {

using Setter = std::function<bool(Settings&, const std::string&)>;

struct SettingDef {
  const char* key;   // config file key; flag is --key with '_' as '-'
  const char* env;   // environment variable
  const char* help;
  Setter set;
};

Setter text(std::string Settings::*field) {
  return [field](Settings& s, const std::string& v) {
    s.*field = v;
    return true;
  };
}

template <class Int>
Setter number(Int Settings::*field) {
  return [field](Settings& s, const std::string& v) {
    Int out{};
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || p != v.data() + v.size()) return false;
    s.*field = out;
    return true;
  };
}

const std::vector<SettingDef>& defs() {
  static const std::vector<SettingDef> kDefs = {
      {"listen", "CAREBRIDGE_LISTEN", "HOST:PORT to listen on (port 0: any free port)",
       text(&Settings::listen)},
      {"db", "CAREBRIDGE_DB", "path of the SQLite store file", text(&Settings::db_path)},
      {"audit_db", "CAREBRIDGE_AUDIT_DB", "the audit trail's own SQLite file (default <db>.audit.db)",
       text(&Settings::audit_db)},
      {"audit_key_file", "CAREBRIDGE_AUDIT_KEY_FILE",
       "Ed25519 PEM key signing the audit trail's checkpoints (default <audit db>.key.pem, generated)",
       text(&Settings::audit_key_file)},
      {"signing_key_file", "CAREBRIDGE_SIGNING_KEY_FILE",
       "PEM key access tokens are signed with (default: generated beside the store)",
       text(&Settings::signing_key_file)},
      {"base_url", "CAREBRIDGE_BASE_URL",
       "public base URL for Location, fullUrl and links (default http://<bound address>)",
       text(&Settings::base_url)},
      {"share_dir", "CAREBRIDGE_SHARE_DIR",
       "folder of spec definitions and code tables (default: share/carebridge beside the binary)",
       text(&Settings::share_dir)},
      {"io_threads", "CAREBRIDGE_IO_THREADS", "threads serving sockets", number(&Settings::io_threads)},
      {"storage_threads", "CAREBRIDGE_STORAGE_THREADS", "threads and reader connections for storage",
       number(&Settings::storage_threads)},
      {"body_limit", "CAREBRIDGE_BODY_LIMIT", "largest request body in bytes (413 above)",
       number(&Settings::body_limit)},
      {"header_limit", "CAREBRIDGE_HEADER_LIMIT", "largest request head in bytes",
       number(&Settings::header_limit)},
      {"idle_timeout_ms", "CAREBRIDGE_IDLE_TIMEOUT_MS", "keep-alive wait for the next request",
       number(&Settings::idle_timeout_ms)},
      {"request_timeout_ms", "CAREBRIDGE_REQUEST_TIMEOUT_MS", "time to receive a whole request",
       number(&Settings::request_timeout_ms)},
      {"write_timeout_ms", "CAREBRIDGE_WRITE_TIMEOUT_MS", "time to send a response",
       number(&Settings::write_timeout_ms)},
      {"shutdown_grace_ms", "CAREBRIDGE_SHUTDOWN_GRACE_MS",
       "how long in-flight requests may finish on SIGTERM", number(&Settings::shutdown_grace_ms)},
      {"read_cache_mb", "CAREBRIDGE_READ_CACHE_MB",
       "memory for current versions served without touching the store (0: off)",
       number(&Settings::read_cache_mb)},
      {"change_poll_ms", "CAREBRIDGE_CHANGE_POLL_MS",
       "how often writes by other processes on the store (import) are picked up",
       number(&Settings::change_poll_ms)},
      {"flag_sweep_seconds", "CAREBRIDGE_FLAG_SWEEP_SECONDS",
       "how often every patient's care flags are re-evaluated for the passing of time (0: never)",
       number(&Settings::flag_sweep_seconds)},
      {"care_flags", "CAREBRIDGE_CARE_FLAGS", "keep care flags (0: off, for measuring their cost only)",
       number(&Settings::care_flags)},
      {"forward_poll_ms", "CAREBRIDGE_FORWARD_POLL_MS", "how soon queued notifications are noticed",
       number(&Settings::forward_poll_ms)},
      {"max_subscriptions_per_client", "CAREBRIDGE_MAX_SUBSCRIPTIONS_PER_CLIENT",
       "Subscriptions one client may keep (0: no limit)", number(&Settings::max_subscriptions_per_client)},
      {"forward_max_events", "CAREBRIDGE_FORWARD_MAX_EVENTS", "events one notification carries at most",
       number(&Settings::forward_max_events)},
      {"forward_retry_base_ms", "CAREBRIDGE_FORWARD_RETRY_BASE_MS", "first retry delay (doubling after)",
       number(&Settings::forward_retry_base_ms)},
      {"forward_retry_max_ms", "CAREBRIDGE_FORWARD_RETRY_MAX_MS", "longest retry delay",
       number(&Settings::forward_retry_max_ms)},
      {"forward_error_after", "CAREBRIDGE_FORWARD_ERROR_AFTER",
       "failed attempts in a row that put a subscription in error", number(&Settings::forward_error_after)},
      {"forward_timeout_ms", "CAREBRIDGE_FORWARD_TIMEOUT_MS", "time limit of one notification POST",
       number(&Settings::forward_timeout_ms)},
      {"forward_connect_timeout_ms", "CAREBRIDGE_FORWARD_CONNECT_TIMEOUT_MS",
       "time limit to connect to an endpoint", number(&Settings::forward_connect_timeout_ms)},
      {"forward_per_endpoint", "CAREBRIDGE_FORWARD_PER_ENDPOINT", "notification POSTs at once per endpoint host",
       number(&Settings::forward_per_endpoint)},
      {"forward_total", "CAREBRIDGE_FORWARD_TOTAL", "notification POSTs at once in all",
       number(&Settings::forward_total)},
      {"forward_ca_bundle", "CAREBRIDGE_FORWARD_CA_BUNDLE",
       "PEM file of CAs endpoint certificates are checked against (default: the system's)",
       text(&Settings::forward_ca_bundle)},
      {"history_default_count", "CAREBRIDGE_HISTORY_DEFAULT_COUNT", "history page size without _count",
       number(&Settings::history_default_count)},
      {"history_max_count", "CAREBRIDGE_HISTORY_MAX_COUNT", "largest history page",
       number(&Settings::history_max_count)},
      {"search_default_count", "CAREBRIDGE_SEARCH_DEFAULT_COUNT", "search page size without _count",
       number(&Settings::search_default_count)},
      {"search_max_count", "CAREBRIDGE_SEARCH_MAX_COUNT", "largest search page",
       number(&Settings::search_max_count)},
      {"search_max_results", "CAREBRIDGE_SEARCH_MAX_RESULTS", "most matches one search pages through",
       number(&Settings::search_max_results)},
      {"search_cursor_ids", "CAREBRIDGE_SEARCH_CURSOR_IDS", "ids kept for search paging links",
       number(&Settings::search_cursor_ids)},
      {"access_token_seconds", "CAREBRIDGE_ACCESS_TOKEN_SECONDS", "lifetime of the access tokens issued",
       number(&Settings::access_token_seconds)},
      {"token_cache_entries", "CAREBRIDGE_TOKEN_CACHE_ENTRIES", "verified access tokens kept for reuse",
       number(&Settings::token_cache_entries)},
      {"token_verifications_per_second", "CAREBRIDGE_TOKEN_VERIFICATIONS_PER_SECOND",
       "signature checks of never-seen access tokens per second (503 past it)",
       number(&Settings::token_verifications_per_second)},
      {"consent_enforcement", "CAREBRIDGE_CONSENT_ENFORCEMENT",
       "1: consent decides every disclosure; 0: off, for measuring its cost only",
       number(&Settings::consent_enforcement)},
      {"audit", "CAREBRIDGE_AUDIT", "1: every disclosure and denial is recorded first; 0: off, for measuring its cost only",
       number(&Settings::audit)},
  };
  return kDefs;
}

std::string flag_of(const SettingDef& d) {
  std::string f = std::string("--") + d.key;
  for (char& c : f)
    if (c == '_') c = '-';
  return f;
}

fhir::Issue bad_value(const std::string& where) {
  return fhir::make_issue(fhir::err::kInvalidParameter, "invalid value for " + where);
}

// "clients": [{"id", "role", "organization", "scopes", "jwks_file",
// "part2_program", "endpoint_prefixes"}]; what the values must be is
// checked where they are registered (gateway/auth/client_rules.hpp).
fhir::Status read_clients(Settings& s, const fhir::json::Value& list, const std::string& path) {
  if (!list.is_array()) return bad_value("clients in " + path + " (an array of objects)");
  for (const auto& item : list.items()) {
    if (!item.is_object()) return bad_value("clients in " + path + " (an array of objects)");
    ConfiguredClient c;
    for (const auto& [key, value] : item.members()) {
      if (key == "part2_program" && value.is_bool()) {
        c.part2_program = value.as_bool();
      } else if (key == "endpoint_prefixes") {
        if (!value.is_array()) return bad_value("clients[].endpoint_prefixes in " + path + " (an array of URLs)");
        for (const auto& url : value.items()) {
          if (!url.is_string()) return bad_value("clients[].endpoint_prefixes in " + path + " (an array of URLs)");
          c.endpoint_prefixes.push_back(url.text());
        }
      }
      else if (!value.is_string()) return bad_value("clients[]." + key + " in " + path);
      else if (key == "id") c.id = value.text();
      else if (key == "role") c.role = value.text();
      else if (key == "organization") c.organization = value.text();
      else if (key == "scopes") c.scopes = value.text();
      else if (key == "jwks_file") c.jwks_file = value.text();
      else return fhir::make_issue(fhir::err::kInvalidParameter, "unknown key clients[]." + key + " in " + path);
    }
    s.clients.push_back(std::move(c));
  }
  return fhir::ok_status();
}

fhir::Status apply_file(Settings& s, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fhir::make_issue(fhir::err::kInvalidParameter, "cannot read config file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto doc = fhir::json::parse(ss.str());
  if (!doc || !doc->is_object())
    return fhir::make_issue(fhir::err::kInvalidParameter, "config file " + path + " is not a JSON object");
  for (const auto& [key, value] : doc->members()) {
    if (key == "clients") {
      if (auto st = read_clients(s, value, path); !st) return st;
      continue;
    }
    const SettingDef* def = nullptr;
    for (const auto& d : defs())
      if (key == d.key) def = &d;
    if (def == nullptr)
      return fhir::make_issue(fhir::err::kInvalidParameter, "unknown setting '" + key + "' in " + path);
    if ((!value.is_string() && !value.is_number()) || !def->set(s, value.text()))
      return bad_value(key + " in " + path);
  }
  return fhir::ok_status();
}

}  // namespace

fhir::Result<LoadedSettings> load_settings(const std::vector<std::string>& args) {
  LoadedSettings out;
  // The config file is named by --config or CAREBRIDGE_CONFIG; read it first.
  std::string config_path;
  if (const char* e = std::getenv("CAREBRIDGE_CONFIG")) config_path = e;
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--config") config_path = args[i + 1];
  if (!config_path.empty())
    if (auto st = apply_file(out.settings, config_path); !st) return st.take_issue();

  for (const auto& d : defs()) {
    if (const char* e = std::getenv(d.env); e != nullptr && *e != '\0')
      if (!d.set(out.settings, e)) return bad_value(d.env);
  }

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--config") {
      ++i;
      continue;
    }
    const SettingDef* def = nullptr;
    for (const auto& d : defs())
      if (a == flag_of(d)) def = &d;
    if (def == nullptr) {
      out.rest.push_back(a);
      continue;
    }
    if (i + 1 >= args.size())
      return fhir::make_issue(fhir::err::kInvalidParameter, a + " needs a value");
    if (!def->set(out.settings, args[++i])) return bad_value(a);
  }
  return out;
}

std::string settings_help() {
  std::string out;
  out += "  --config FILE  (CAREBRIDGE_CONFIG)  JSON file of settings, keys as below, and \"clients\":\n"
         "      [{\"id\", \"role\", \"organization\", \"scopes\", \"jwks_file\", \"part2_program\",\n"
         "        \"endpoint_prefixes\"}]\n";
  for (const auto& d : defs()) {
    out += "  " + flag_of(d) + " VALUE  (" + d.env + ", config key \"" + d.key + "\")\n      " +
           d.help + "\n";
  }
  return out;
}

}  // namespace gateway
