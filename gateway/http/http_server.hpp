// HttpServer: the asynchronous Beast HTTP/1.1 server. Asio types stay
// behind the pimpl so that callers (the serve command, tests) need no Asio
// headers.
#pragma once

#include <memory>
#include <string>

#include "fhir/core/result.hpp"

namespace gateway {

struct AppContext;

class HttpServer {
 public:
  explicit HttpServer(AppContext& app);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds HOST:PORT (port 0: any free port) and returns "HOST:PORT" as
  // bound. Does not accept yet.
  fhir::Result<std::string> bind(const std::string& host_port);
  // Accepts and serves on io_threads threads until stop() or SIGTERM/SIGINT
  // (if handle_signals), then lets in-flight requests finish (up to the
  // shutdown grace) and returns.
  void run(int io_threads, bool handle_signals);
  // Graceful stop: no new connections, idle ones closed, busy ones finish
  // their current request. Safe from any thread.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gateway
