#include <cstdio>

#include "gateway/app/runtime.hpp"
#include "gateway/cli/commands.hpp"
#include "gateway/config/settings_loader.hpp"
#include "gateway/http/http_server.hpp"

namespace gateway {

int serve_command(const std::vector<std::string>& args) {
  auto loaded = load_settings(args);
  if (!loaded) {
    std::fprintf(stderr, "carebridge serve: %s\n", loaded.issue().diagnostics.c_str());
    return 2;
  }
  if (!loaded->rest.empty()) {
    std::fprintf(stderr, "carebridge serve: unknown argument '%s' (try --help)\n",
                 loaded->rest.front().c_str());
    return 2;
  }
  auto runtime = Runtime::open(loaded->settings);
  if (!runtime) {
    std::fprintf(stderr, "carebridge serve: %s\n", runtime.issue().diagnostics.c_str());
    return 1;
  }
  HttpServer server((*runtime)->app());
  auto bound = server.bind(loaded->settings.listen);
  if (!bound) {
    std::fprintf(stderr, "carebridge serve: %s\n", bound.issue().diagnostics.c_str());
    return 1;
  }
  (*runtime)->set_bound_address(*bound);
  // Outside checks wait for this exact line: the store is open and migrated
  // and the socket listens.
  std::printf("listening on %s\n", bound->c_str());
  std::fflush(stdout);
  server.run(loaded->settings.io_threads, /*handle_signals=*/true);
  (*runtime)->close();
  std::fprintf(stderr, "carebridge: stopped\n");
  return 0;
}

}  // namespace gateway
