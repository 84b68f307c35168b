#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <sstream>

#include "gateway/app/runtime.hpp"
#include "gateway/cli/commands.hpp"
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

// Runs the units and waits for all of them: queued together, they share
// group commits like any other writes.
std::vector<fhir::Status> run_units(fhir::store::Store& store, std::vector<fhir::store::WriteUnit> units) {
  std::vector<std::promise<fhir::Status>> done(units.size());
  std::vector<std::future<fhir::Status>> results;
  for (auto& p : done) results.push_back(p.get_future());
  for (std::size_t i = 0; i < units.size(); ++i)
    store.write(std::move(units[i]), [&done, i](fhir::Status st) { done[i].set_value(std::move(st)); });
  std::vector<fhir::Status> out;
  for (auto& f : results) out.push_back(f.get());
  return out;
}

// Imports one file; returns the number of entries written, or why it failed.
// nullopt: the file is JSON but no FHIR resource (Synthea writes run
// metadata beside its bundles), so a folder import skips it.
std::optional<fhir::Result<std::size_t>> import_file(const fs::path& path, Runtime& rt) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (ss.str().find("\"resourceType\"") == std::string::npos) return std::nullopt;
  AppContext& app = rt.app();
  auto plan = plan_import(ss.str(), app.write);
  if (!plan) return plan.take_issue();
  PlanUnits units = make_units(std::move(*plan), &app.write);
  auto outcomes = collect_outcomes(units, run_units(*app.store, std::move(units.units)));
  if (!outcomes) return outcomes.take_issue();
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
      client = loaded->rest[++i];  // acting source client: used once clients exist
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
  bool ok = true;
  auto files = collect_files(inputs, ok);
  std::size_t resources = 0, failed = 0, skipped = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto result = import_file(files[i], **runtime);
    if (!result) {
      ++skipped;
      std::printf("[%zu/%zu] %s: skipped, not a FHIR resource\n", i + 1, files.size(),
                  files[i].c_str());
      continue;
    }
    auto& n = *result;
    if (n) {
      resources += *n;
      std::printf("[%zu/%zu] %s: %zu resources\n", i + 1, files.size(), files[i].c_str(), *n);
    } else {
      ++failed;
      std::printf("[%zu/%zu] %s: FAILED: %s\n", i + 1, files.size(), files[i].c_str(),
                  n.issue().diagnostics.c_str());
    }
    std::fflush(stdout);
  }
  (*runtime)->close();
  std::printf("imported %zu resources from %zu of %zu files (%zu skipped)\n", resources,
              files.size() - failed - skipped, files.size(), skipped);
  if (failed > 0) std::fprintf(stderr, "carebridge import: %zu file(s) failed (listed above)\n", failed);
  return ok && failed == 0 ? 0 : 1;
}

}  // namespace gateway
