#include <algorithm>
#include <deque>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <sstream>

#include "gateway/app/runtime.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/cli/commands.hpp"
#include "gateway/cli/import_audit.hpp"
#include "gateway/config/settings_loader.hpp"
#include "fhir/core/errors.hpp"
#include "gateway/write/plan.hpp"
#include "gateway/write/plan_units.hpp"
#include "fhir/store/store.hpp"

namespace gateway {
namespace fs = std::filesystem;
namespace {

// Provider bundles first: patient bundles reference what they define.
bool load_first(const fs::path& p) {
  std::string name = p.filename().string();
  return name.rfind("hospitalInformation", 0) == 0 || name.rfind("practitionerInformation", 0) == 0;
}

std::vector<fs::path> collect_files(const std::vector<std::string>& inputs, bool& ok) {
  std::vector<fs::path> files;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      std::vector<fs::path> found;
      for (const auto& e : fs::recursive_directory_iterator(in, ec))
        if (e.is_regular_file() && e.path().extension() == ".json") found.push_back(e.path());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(in, ec)) {
      files.emplace_back(in);
    } else {
      std::fprintf(stderr, "carebridge import: no such file or folder: %s\n", in.c_str());
      ok = false;
    }
  }
  std::stable_partition(files.begin(), files.end(), load_first);
  return files;
}

// One file on its way through the writer. Files are planned and queued
// ahead of their commits (up to kInFlight at once), so parsing and checking
// the next file overlaps the writer's work and fsync for this one; the
// writer applies queued units in order, so provider bundles still land
// before the patients that reference them.
constexpr std::size_t kInFlight = 4;

struct InFlight {
  fs::path path;
  bool skipped = false;  // JSON but no FHIR resource (Synthea's run metadata)
  std::optional<fhir::Issue> failed;  // failed before reaching the writer
  PlanUnits units;
  std::vector<std::shared_ptr<std::promise<fhir::Status>>> done;
  std::vector<std::future<fhir::Status>> results;
};

// The importing source as the write pipeline sees it.
struct ImportSource {
  bool part2_program = false;
  std::string organization;  // "" without --client
};

InFlight start_file(const fs::path& path, Runtime& rt, const ImportSource& source) {
  InFlight f;
  f.path = path;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (ss.str().find("\"resourceType\"") == std::string::npos) {
    f.skipped = true;
    return f;
  }
  AppContext& app = rt.app();
  auto plan = plan_import(ss.str(), app.write);
  if (!plan) {
    f.failed = plan.take_issue();
    return f;
  }
  plan->part2_source = source.part2_program;
  plan->source_org = source.organization;
  f.units = make_units(std::move(*plan), &app.write);
  for (auto& unit : f.units.units) {
    auto promise = std::make_shared<std::promise<fhir::Status>>();
    f.results.push_back(promise->get_future());
    app.store->write(std::move(unit), [promise](fhir::Status st) { promise->set_value(std::move(st)); });
    f.done.push_back(std::move(promise));
  }
  return f;
}

// Waits for a file's units and records what they stored in the audit
// trail; the number of entries written, or why it failed.
fhir::Result<std::size_t> finish_file(InFlight& f, const ImportAudit& audit) {
  if (f.failed) return *f.failed;
  std::vector<fhir::Status> statuses;
  for (auto& r : f.results) statuses.push_back(r.get());
  auto outcomes = collect_outcomes(f.units, std::move(statuses));
  if (!outcomes) return outcomes.take_issue();
  if (auto st = audit.record(*outcomes, f.units.kind); !st)
    return fhir::make_issue(fhir::err::kUnavailable, "stored, but its audit record could not be written");
  // A batch file counts as failed if any of its entries did.
  std::size_t failed = 0;
  for (const auto& o : *outcomes)
    if (o.issue) {
      if (failed == 0) std::printf("  %s\n", o.issue->diagnostics.c_str());
      ++failed;
    }
  if (failed > 0)
    return fhir::make_issue(fhir::err::kInvalidResource,
                            std::to_string(failed) + " of " + std::to_string(outcomes->size()) +
                                " batch entries failed");
  return outcomes->size();
}

}  // namespace

int import_command(const std::vector<std::string>& args) {
  auto loaded = load_settings(args);
  if (!loaded) {
    std::fprintf(stderr, "carebridge import: %s\n", loaded.issue().diagnostics.c_str());
    return 2;
  }
  std::vector<std::string> inputs;
  std::string client;
  for (std::size_t i = 0; i < loaded->rest.size(); ++i) {
    if (loaded->rest[i] == "--client" && i + 1 < loaded->rest.size()) {
      client = loaded->rest[++i];  // the source client the data comes from
    } else {
      inputs.push_back(loaded->rest[i]);
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "carebridge import: name at least one FILE_OR_DIR\n");
    return 2;
  }
  loaded->settings.storage_threads = 1;
  auto runtime = Runtime::open(loaded->settings);
  if (!runtime) {
    std::fprintf(stderr, "carebridge import: %s\n", runtime.issue().diagnostics.c_str());
    return 1;
  }
  // Data arrives from a registered source: the client named must be one
  // that may push data (consent labeling reads its Part 2 flag).
  ImportSource source;
  if (!client.empty()) {
    auto c = (*runtime)->app().clients->find(client);
    if (!c || c->revoked() || (c->record.role != "source" && c->record.role != "admin")) {
      std::fprintf(stderr, "carebridge import: --client must name a registered source (or admin) client\n");
      (*runtime)->close();
      return 2;
    }
    source.part2_program = c->record.part2_program;
    source.organization = c->record.organization;
  }
  const ImportAudit audit((*runtime)->app(), client);
  bool ok = true;
  auto files = collect_files(inputs, ok);
  std::size_t resources = 0, failed = 0, skipped = 0, reported = 0;
  std::deque<InFlight> in_flight;
  auto report_oldest = [&] {
    InFlight f = std::move(in_flight.front());
    in_flight.pop_front();
    ++reported;
    const char* name = f.path.c_str();
    if (f.skipped) {
      ++skipped;
      std::printf("[%zu/%zu] %s: skipped, not a FHIR resource\n", reported, files.size(), name);
    } else if (auto n = finish_file(f, audit)) {
      resources += *n;
      std::printf("[%zu/%zu] %s: %zu resources\n", reported, files.size(), name, *n);
    } else {
      ++failed;
      std::printf("[%zu/%zu] %s: FAILED: %s\n", reported, files.size(), name,
                  n.issue().diagnostics.c_str());
    }
    std::fflush(stdout);
  };
  for (const auto& path : files) {
    in_flight.push_back(start_file(path, **runtime, source));
    if (in_flight.size() >= kInFlight) report_oldest();
  }
  while (!in_flight.empty()) report_oldest();
  (*runtime)->close();
  std::printf("imported %zu resources from %zu of %zu files (%zu skipped)\n", resources,
              files.size() - failed - skipped, files.size(), skipped);
  if (failed > 0) std::fprintf(stderr, "carebridge import: %zu file(s) failed (listed above)\n", failed);
  return ok && failed == 0 ? 0 : 1;
}

}  // namespace gateway
