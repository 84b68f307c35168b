#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>

#include "gateway/app/runtime.hpp"
#include "gateway/cli/commands.hpp"
#include "gateway/config/settings_loader.hpp"
#include "gateway/write/file_writes.hpp"
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

fhir::Result<std::size_t> import_file(const fs::path& path, Runtime& rt) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  AppContext& app = rt.app();
  WriteContext ctx{app.types.get(), app.compartment.get()};
  auto writes = prepare_file_writes(ss.str(), ctx);
  if (!writes) return writes.take_issue();
  std::vector<std::shared_ptr<PreparedWrite>> ws;
  std::vector<std::shared_ptr<WriteOutcome>> outs;
  for (auto& w : *writes) {
    ws.push_back(std::make_shared<PreparedWrite>(std::move(w)));
    outs.push_back(std::make_shared<WriteOutcome>());
  }
  std::promise<fhir::Status> done;
  auto future = done.get_future();
  app.store->write(store_unit(std::move(ws), std::move(outs)),
                   [&done](fhir::Status st) { done.set_value(std::move(st)); });
  fhir::Status st = future.get();
  if (!st) return st.take_issue();
  return writes->size();
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
  std::size_t resources = 0, failed = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto n = import_file(files[i], **runtime);
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
  std::printf("imported %zu resources from %zu of %zu files\n", resources, files.size() - failed,
              files.size());
  if (failed > 0) std::fprintf(stderr, "carebridge import: %zu file(s) failed (listed above)\n", failed);
  return ok && failed == 0 ? 0 : 1;
}

}  // namespace gateway
