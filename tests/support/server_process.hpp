// ServerProcess: the real `carebridge serve` binary as a child process, for
// tests that need a process boundary (kill -9 durability, SIGTERM, the CLI
// contract). Waits for the "listening on" line, never sleeps.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace carebridge::test {

class ServerProcess {
 public:
  // Starts `carebridge serve --listen 127.0.0.1:0 --db db_path extra...`.
  ServerProcess(const std::string& db_path, const std::vector<std::string>& extra = {});
  ~ServerProcess();

  bool started() const { return port_ > 0; }
  const std::string& base_url() const { return base_url_; }
  // Sends sig and waits for the process; returns its wait status.
  int signal_and_wait(int sig);
  void send_signal(int sig);
  // Waits for the process to end; returns its wait status.
  int wait();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string base_url_;
};

// Runs the binary with args to completion; returns exit code, fills output.
int run_binary(const std::vector<std::string>& args, std::string* output);
// The same for a run that must end by itself, such as a `serve` that has
// to refuse to start: killed once limit has passed, returning -1 then (as
// for a death by signal), so a regression fails a test that expects an
// exit code above 0 instead of hanging it.
int run_binary(const std::vector<std::string>& args, std::string* output, std::chrono::milliseconds limit);

// An access token for an admin client of the store at db_path, through the
// command line (`carebridge client add` once, then `carebridge token`),
// valid for a day. Works with or without a server running on the store.
std::string cli_admin_token(const std::string& db_path);

}  // namespace carebridge::test
