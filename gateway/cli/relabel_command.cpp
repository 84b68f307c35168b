// carebridge relabel --db PATH [--config FILE]: recomputes the security
// labels of every stored version under the rule tables in force (after a
// rules change), in one commit, without new versions; servers on the store
// drop their cached labels within one change poll.
#include <cstdio>

#include "consent/labels/label_rules.hpp"
#include "gateway/app/runtime.hpp"
#include "gateway/cli/commands.hpp"
#include "gateway/config/settings_loader.hpp"
#include "gateway/storage/write_sync.hpp"
#include "gateway/write/label_stage.hpp"

namespace gateway {

int relabel_command(const std::vector<std::string>& args) {
  auto loaded = load_settings(args);
  if (!loaded) {
    std::fprintf(stderr, "carebridge relabel: %s\n", loaded.issue().diagnostics.c_str());
    return 2;
  }
  if (!loaded->rest.empty()) {
    std::fprintf(stderr, "carebridge relabel: unexpected argument '%s'\n", loaded->rest.front().c_str());
    return 2;
  }
  loaded->settings.storage_threads = 1;
  auto runtime = Runtime::open(loaded->settings);
  if (!runtime) {
    std::fprintf(stderr, "carebridge relabel: %s\n", runtime.issue().diagnostics.c_str());
    return 1;
  }
  AppContext& app = (*runtime)->app();
  auto st = write_sync(*app.store, relabel_unit(app.write));
  (*runtime)->close();
  if (!st) {
    std::fprintf(stderr, "carebridge relabel: %s\n", st.issue().diagnostics.c_str());
    return 1;
  }
  std::printf("relabeled under label rules %s\n", app.label_rules->version().c_str());
  return 0;
}

}  // namespace gateway
