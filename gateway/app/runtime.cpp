#include "gateway/app/runtime.hpp"

#include <cstdio>
#include <filesystem>
#include <set>

#include "consent/audit/audit_log.hpp"
#include "consent/audit/audit_paths.hpp"
#include "consent/decision/decision_engine.hpp"
#include "consent/enforcement/consent_index.hpp"
#include "consent/labels/label_output.hpp"
#include "consent/labels/label_rules.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/search/search_params.hpp"
#include "fhir/store/sqlite_store.hpp"
#include "fhir/terminology/code_system.hpp"
#include "gateway/app/capability.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/auth/client_rules.hpp"
#include "gateway/auth/gateway_identity.hpp"
#include "gateway/auth/purpose_of_use.hpp"
#include "gateway/auth/token_cache.hpp"
#include "gateway/care/flag_sweeper.hpp"
#include "gateway/forwarding/delivery_worker.hpp"
#include "gateway/write/subscription_matcher.hpp"
#include "gateway/forwarding/endpoint_allowlist.hpp"
#include "gateway/storage/change_follower.hpp"
#include "gateway/search/result_cache.hpp"
#include "gateway/storage/read_cache.hpp"
#include "gateway/storage/storage_pool.hpp"
#include "gateway/storage/write_sync.hpp"
#include "gateway/write/care_facts_step.hpp"
#include "gateway/write/label_stage.hpp"
#include "gateway/write/search_index.hpp"
#include "mappers/care/care_rules.hpp"
#include "mappers/identity/matching_rules.hpp"
#include "mappers/outcomes/instrument_table.hpp"
#include "profiles/summary_elements.hpp"
#include "profiles/type_model.hpp"

namespace gateway {
namespace fs = std::filesystem;

std::string resolve_share_dir(const std::string& configured) {
  if (!configured.empty()) return configured;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& candidate : {exe.parent_path() / "share" / "carebridge",
                                      exe.parent_path().parent_path() / "share" / "carebridge"}) {
      if (fs::is_directory(candidate, ec)) return candidate.string();
    }
  }
  return "share/carebridge";
}

// A store indexed by another extraction (or before search existed) is
// reindexed before the gateway serves from it.
fhir::Status ensure_index(fhir::store::Store& store, const WriteContext& ctx) {
  auto stamp = store.read_meta("index");
  if (!stamp) return stamp.take_issue();
  if (*stamp && **stamp == kIndexStamp) return fhir::ok_status();
  return write_sync(store, reindex_unit(ctx));
}

// A store labeled under other rules (or before labels existed) is
// relabeled before the gateway serves from it: unlabeled data must never
// be decided on as if it were not sensitive.
fhir::Status ensure_labels(fhir::store::Store& store, const WriteContext& ctx) {
  auto stamp = store.read_meta(kLabelRulesMeta);
  if (!stamp) return stamp.take_issue();
  if (*stamp && **stamp == ctx.labels->version()) return fhir::ok_status();
  auto last = store.last_seq();
  if (!last) return last.take_issue();
  if (*last > 0) std::fprintf(stderr, "relabeling the store under label rules %s\n", ctx.labels->version().c_str());
  return write_sync(store, relabel_unit(ctx));
}

// A store whose care facts were made under other rules or tables (or
// before the care model existed) has them made again before the gateway
// serves from it: the registry and flags read nothing else.
fhir::Status ensure_care_facts(fhir::store::Store& store, const WriteContext& ctx) {
  auto stamp = store.read_meta(kCareFactsMeta);
  if (!stamp) return stamp.take_issue();
  if (*stamp && **stamp == care_facts_stamp(ctx)) return fhir::ok_status();
  return write_sync(store, rebuild_care_facts_unit(ctx));
}

// The consent decision engine: HL7's code systems for purposes and labels,
// and the policy file (consent/policy/consent-policy.json).
fhir::Status load_consent_engine(AppContext& app, const std::string& share) {
  auto act_reason = fhir::terminology::CodeSystem::load(share + "/r4/CodeSystem-v3-ActReason.json");
  if (!act_reason) return act_reason.take_issue();
  app.act_reason = std::make_shared<const fhir::terminology::CodeSystem>(std::move(*act_reason));
  auto act_code = fhir::terminology::CodeSystem::load(share + "/r4/CodeSystem-v3-ActCode.json");
  if (!act_code) return act_code.take_issue();
  app.act_code = std::make_shared<const fhir::terminology::CodeSystem>(std::move(*act_code));
  auto policy = consent::Policy::load(share + "/consent/consent-policy.json");
  if (!policy) return policy.take_issue();
  app.type_visibility.consent_reader_roles = (*policy)->consent_reader_roles();
  app.consent_engine = std::make_shared<const consent::DecisionEngine>(*policy, *app.act_reason, *app.act_code);
  return fhir::ok_status();
}

// The config file's clients, checked, then registered or brought in line
// in one transaction: a bad entry changes nothing and stops the start.
fhir::Status register_configured_clients(fhir::store::Store& store, const std::vector<ConfiguredClient>& configured,
                                         std::int64_t now_ms) {
  if (configured.empty()) return fhir::ok_status();
  std::vector<fhir::store::ClientRecord> records;
  std::set<std::string> ids;
  for (const auto& c : configured) {
    if (!ids.insert(c.id).second)
      return fhir::make_issue(fhir::err::kInvalidParameter, "config client " + c.id + " is listed twice");
    fhir::store::ClientRecord r{c.id, c.role, c.organization, c.scopes, "", c.part2_program, now_ms, std::nullopt};
    // Stored as `client add --endpoint-prefix` stores them: normalised. The
    // URL is not echoed (it may carry a secret).
    for (const auto& prefix : c.endpoint_prefixes) {
      auto normal = forwarding::normalize_endpoint_prefix(prefix);
      if (!normal)
        return fhir::make_issue(fhir::err::kInvalidParameter,
                                "config client " + c.id + ": endpoint_prefixes: " + normal.issue().diagnostics);
      r.endpoint_prefixes.push_back(std::move(*normal));
    }
    if (!c.jwks_file.empty()) {
      auto jwks = auth::read_jwks_file(c.jwks_file);
      if (!jwks) return jwks.take_issue();
      r.jwks = std::move(*jwks);
    }
    if (auto st = auth::check_client(r); !st)
      return fhir::make_issue(fhir::err::kInvalidParameter, "config client " + c.id + ": " + st.issue().diagnostics);
    records.push_back(std::move(r));
  }
  return write_sync(store, [&records](fhir::store::WriteTxn& tx) {
    for (const auto& r : records)
      if (auto st = tx.put_client(r); !st) return st;
    return fhir::ok_status();
  });
}

fhir::Result<std::unique_ptr<Runtime>> Runtime::open(const Settings& settings,
                                                     const fhir::Clock* clock) {
  if (settings.db_path.empty())
    return fhir::make_issue(fhir::err::kInvalidParameter, "--db PATH is required");
  if (settings.access_token_seconds <= 0 || settings.access_token_seconds > 86400)
    return fhir::make_issue(fhir::err::kInvalidParameter, "access_token_seconds must be 1-86400 (SMART: 300 or less)");
  if (settings.token_verifications_per_second <= 0)
    return fhir::make_issue(fhir::err::kInvalidParameter, "token_verifications_per_second must be positive");
  std::unique_ptr<Runtime> rt(new Runtime());
  rt->app_.settings = settings;
  rt->app_.clock = clock != nullptr ? clock : &rt->system_clock_;

  std::string share = resolve_share_dir(settings.share_dir);
  auto types = profiles::TypeModel::load(share + "/r4/fhir.schema.json");
  if (!types) return types.take_issue();
  rt->app_.types = std::move(*types);
  auto compartment = fhir::PatientCompartment::load(share + "/r4/CompartmentDefinition-patient.json",
                                                    share + "/r4/search-parameters.json");
  if (!compartment) return compartment.take_issue();
  rt->app_.compartment = std::make_shared<fhir::PatientCompartment>(std::move(*compartment));

  auto search = fhir::search::SearchParams::load(share + "/r4/search-parameters.json");
  if (!search) return search.take_issue();
  rt->app_.search = std::move(*search);
  auto summaries = profiles::SummaryElements::load(share + "/r4/summary-elements.json");
  if (!summaries) return summaries.take_issue();
  rt->app_.summaries = std::make_shared<const profiles::SummaryElements>(std::move(*summaries));
  auto purposes = auth::PurposeOfUseCodes::load(share + "/r4/CodeSystem-v3-ActReason.json");
  if (!purposes) return purposes.take_issue();
  rt->app_.purposes = std::move(*purposes);
  auto label_rules = consent::LabelRules::load(share + "/consent/label-rules.json");
  if (!label_rules) return label_rules.take_issue();
  rt->app_.label_rules = std::move(*label_rules);
  auto notice = consent::RedisclosureNotice::load(share + "/consent/part2-notice.json");
  if (!notice) return notice.take_issue();
  rt->app_.part2_notice = std::move(*notice);
  if (auto st = load_consent_engine(rt->app_, share); !st) return st.take_issue();
  rt->app_.write = WriteContext{rt->app_.types.get(), rt->app_.compartment.get(), rt->app_.search.get(),
                                rt->app_.label_rules.get(), rt->app_.part2_notice.get()};
  // The map stage scores QuestionnaireResponses with this table; a bad
  // file stops the start (a half-read table would score silently wrong).
  const std::string instruments_path = share + "/mappers/instruments.json";
  auto instruments = mappers::outcomes::InstrumentTable::load(instruments_path);
  if (!instruments) {
    fhir::Issue bad = instruments.take_issue();
    bad.diagnostics = "the instrument table " + instruments_path + " cannot be used: " + bad.diagnostics;
    return bad;
  }
  rt->instruments_ = std::move(*instruments);
  rt->app_.write.instruments = rt->instruments_.get();
  // The flag step's thresholds, likewise all or nothing.
  const std::string care_rules_path = share + "/mappers/care-rules.json";
  auto care_rules = mappers::care::load_care_rules(care_rules_path);
  if (!care_rules) {
    fhir::Issue bad = care_rules.take_issue();
    bad.diagnostics = "the care rules " + care_rules_path + " cannot be used: " + bad.diagnostics;
    return bad;
  }
  rt->care_rules_ = std::make_shared<const mappers::care::CareRules>(std::move(*care_rules));
  rt->app_.write.care_rules = rt->care_rules_.get();
  rt->app_.write.care_flags = settings.care_flags != 0;
  if (settings.care_flags == 0)
    std::fprintf(stderr, "WARNING: care flags are OFF (care_flags=0): for measurements only\n");
  // The link step's matching rules, likewise.
  const std::string matching_path = share + "/mappers/matching-rules.json";
  auto matching = mappers::identity::MatchingRules::load(matching_path);
  if (!matching) {
    fhir::Issue bad = matching.take_issue();
    bad.diagnostics = "the matching rules " + matching_path + " cannot be used: " + bad.diagnostics;
    return bad;
  }
  rt->matching_ = std::move(*matching);
  rt->app_.write.matching = rt->matching_.get();
  rt->subscriptions_ = std::make_unique<SubscriptionMatcher>();
  rt->app_.write.subscriptions = rt->subscriptions_.get();
  rt->app_.write.max_subscriptions_per_client = settings.max_subscriptions_per_client;

  fhir::store::SqliteOptions opts;
  opts.path = settings.db_path;
  auto store = fhir::store::open_sqlite_store(opts, *rt->app_.clock);
  if (!store) return store.take_issue();
  rt->store_ = std::move(*store);
  rt->app_.store = rt->store_.get();
  if (auto st = ensure_index(*rt->store_, rt->app_.write); !st) return st.take_issue();
  if (auto st = ensure_labels(*rt->store_, rt->app_.write); !st) return st.take_issue();
  if (auto st = ensure_care_facts(*rt->store_, rt->app_.write); !st) return st.take_issue();
  auto identity = auth::load_gateway_identity(settings.db_path, settings.signing_key_file, settings.base_url);
  if (!identity) return identity.take_issue();
  // The path only: never key material.
  if (identity->generated)
    std::fprintf(stderr, "generated the gateway's signing key at %s (mode 0600)\n", identity->key_path.c_str());
  rt->app_.identity = std::make_shared<const auth::GatewayIdentity>(std::move(*identity));
  if (auto st = register_configured_clients(*rt->store_, settings.clients, rt->app_.clock->now_ms()); !st)
    return st.take_issue();
  rt->clients_ = std::make_unique<auth::ClientRegistry>();
  if (auto st = rt->clients_->reload(*rt->store_); !st) return st.take_issue();
  rt->app_.clients = rt->clients_.get();
  rt->consents_ = std::make_unique<consent::ConsentIndex>();
  if (auto st = rt->consents_->load_all(*rt->store_, rt->clients_->organizations()); !st) return st.take_issue();
  rt->app_.consents = rt->consents_.get();
  if (settings.audit == 0) {
    std::fprintf(stderr, "WARNING: the audit trail is OFF (audit=0): for measurements only\n");
  } else {
    consent::AuditLogOptions audit;
    audit.path = settings.audit_db.empty() ? consent::default_audit_path(settings.db_path) : settings.audit_db;
    audit.key_file =
        settings.audit_key_file.empty() ? consent::default_audit_key_path(audit.path) : settings.audit_key_file;
    auto log = consent::AuditLog::open(audit, *rt->app_.clock);
    if (!log) return log.take_issue();
    rt->audit_ = std::move(*log);
    rt->app_.audit = rt->audit_.get();
  }
  if (settings.consent_enforcement == 0)
    std::fprintf(stderr, "WARNING: consent enforcement is OFF (consent_enforcement=0): for measurements only\n");
  rt->tokens_ = std::make_unique<auth::TokenCache>(settings.token_cache_entries,
                                                     settings.token_verifications_per_second);
  rt->app_.tokens = rt->tokens_.get();
  rt->storage_ = std::make_unique<StoragePool>(settings.storage_threads);
  rt->app_.storage = rt->storage_.get();
  rt->cache_ = std::make_unique<ReadCache>(settings.read_cache_mb << 20);
  rt->app_.cache = rt->cache_.get();
  // Cursors live ten minutes: long enough to page, short enough to bound.
  rt->results_ = std::make_unique<ResultCache>(settings.search_cursor_ids, std::chrono::minutes(10));
  rt->app_.results = rt->results_.get();
  rt->follower_ = std::make_unique<ChangeFollower>(*rt->store_, settings.read_cache_mb > 0 ? rt->cache_.get() : nullptr,
                                                   *rt->clients_, *rt->consents_,
                                                   std::chrono::milliseconds(settings.change_poll_ms));
  const int sweep_seconds = settings.care_flags != 0 ? std::max(0, settings.flag_sweep_seconds) : 0;
  rt->flags_ = std::make_unique<FlagSweeper>(*rt->store_, rt->app_.write, std::chrono::seconds(sweep_seconds));
  return rt;
}

void Runtime::set_bound_address(const std::string& host_port) {
  if (app_.settings.base_url.empty()) {
    app_.base_url = "http://" + host_port;
  } else {
    app_.base_url = app_.settings.base_url;
    while (!app_.base_url.empty() && app_.base_url.back() == '/') app_.base_url.pop_back();
  }
  // The path part of the base URL, if any, prefixes every route.
  std::size_t scheme = app_.base_url.find("://");
  std::size_t slash = app_.base_url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  app_.base_path = slash == std::string::npos ? "" : app_.base_url.substr(slash);
  app_.capability_statement =
      build_capability_statement(app_, fhir::format_instant(app_.clock->now_ms()));
  if (!forwarder_) {
    forwarder_ = std::make_unique<DeliveryWorker>(app_);
    forwarder_->start();
  }
}

fhir::Status Runtime::sweep_flags() {
  auto swept = flags_->sweep();
  if (!swept) return swept.take_issue();
  return fhir::ok_status();
}

void Runtime::close() {
  if (forwarder_) forwarder_->stop();
  if (flags_) flags_->stop();
  if (follower_) follower_->stop();
  if (storage_) storage_->stop();
  if (audit_) {
    audit_->close();
    // Counts only: how well group commit shared the fsyncs.
    const consent::AuditLogStats st = audit_->stats();
    if (st.commits > 0 && !audit_reported_)
      std::fprintf(stderr, "audit trail: %lld records in %lld commits\n", static_cast<long long>(st.appended),
                   static_cast<long long>(st.commits));
    audit_reported_ = true;
  }
  if (store_) store_->close();
}

Runtime::~Runtime() { close(); }

}  // namespace gateway
