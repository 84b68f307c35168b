#include "gateway/app/runtime.hpp"

#include <cstdio>
#include <filesystem>
#include <future>

#include "fhir/core/errors.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/search/search_params.hpp"
#include "fhir/store/sqlite_store.hpp"
#include "gateway/app/capability.hpp"
#include "gateway/auth/gateway_identity.hpp"
#include "gateway/storage/change_follower.hpp"
#include "gateway/search/result_cache.hpp"
#include "gateway/storage/read_cache.hpp"
#include "gateway/storage/storage_pool.hpp"
#include "gateway/write/search_index.hpp"
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
  std::promise<fhir::Status> done;
  auto result = done.get_future();
  store.write(reindex_unit(ctx), [&done](fhir::Status st) { done.set_value(std::move(st)); });
  return result.get();
}

fhir::Result<std::unique_ptr<Runtime>> Runtime::open(const Settings& settings,
                                                     const fhir::Clock* clock) {
  if (settings.db_path.empty())
    return fhir::make_issue(fhir::err::kInvalidParameter, "--db PATH is required");
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
  rt->app_.write = WriteContext{rt->app_.types.get(), rt->app_.compartment.get(), rt->app_.search.get()};

  fhir::store::SqliteOptions opts;
  opts.path = settings.db_path;
  auto store = fhir::store::open_sqlite_store(opts, *rt->app_.clock);
  if (!store) return store.take_issue();
  rt->store_ = std::move(*store);
  rt->app_.store = rt->store_.get();
  if (auto st = ensure_index(*rt->store_, rt->app_.write); !st) return st.take_issue();
  auto identity = auth::load_gateway_identity(settings.db_path, settings.signing_key_file, settings.base_url);
  if (!identity) return identity.take_issue();
  // The path only: never key material.
  if (identity->generated)
    std::fprintf(stderr, "generated the gateway's signing key at %s (mode 0600)\n", identity->key_path.c_str());
  rt->app_.identity = std::make_shared<const auth::GatewayIdentity>(std::move(*identity));
  rt->storage_ = std::make_unique<StoragePool>(settings.storage_threads);
  rt->app_.storage = rt->storage_.get();
  rt->cache_ = std::make_unique<ReadCache>(settings.read_cache_mb << 20);
  rt->app_.cache = rt->cache_.get();
  // Cursors live ten minutes: long enough to page, short enough to bound.
  rt->results_ = std::make_unique<ResultCache>(settings.search_cursor_ids, std::chrono::minutes(10));
  rt->app_.results = rt->results_.get();
  if (settings.read_cache_mb > 0)
    rt->follower_ = std::make_unique<ChangeFollower>(
        *rt->store_, *rt->cache_, std::chrono::milliseconds(settings.change_poll_ms));
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
}

void Runtime::close() {
  if (follower_) follower_->stop();
  if (storage_) storage_->stop();
  if (store_) store_->close();
}

Runtime::~Runtime() { close(); }

}  // namespace gateway
