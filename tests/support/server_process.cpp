#include "tests/support/server_process.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "tests/support/fixture_paths.hpp"

namespace carebridge::test {
namespace {

pid_t spawn(const std::vector<std::string>& args, int* stdout_fd) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    std::string bin = binary_path();
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  *stdout_fd = fds[0];
  return pid;
}

}  // namespace

ServerProcess::ServerProcess(const std::string& db_path, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--db", db_path,
                                   "--share-dir", share_dir()};
  args.insert(args.end(), extra.begin(), extra.end());
  int fd = -1;
  pid_ = spawn(args, &fd);
  if (pid_ < 0) {
    ADD_FAILURE() << "cannot start the server";
    return;
  }
  // Read stdout line by line until the readiness line (or EOF).
  FILE* out = fdopen(fd, "r");
  char line[512];
  while (fgets(line, sizeof line, out) != nullptr) {
    std::string s(line);
    std::size_t at = s.find("listening on 127.0.0.1:");
    if (at != std::string::npos) {
      port_ = std::stoi(s.substr(at + 23));
      base_url_ = "http://127.0.0.1:" + std::to_string(port_);
      break;
    }
  }
  // Keep the pipe's read end open (the server may print more); it closes
  // with the process.
  if (port_ == 0) ADD_FAILURE() << "the server never printed its listening line";
}

void ServerProcess::send_signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int ServerProcess::wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

int ServerProcess::signal_and_wait(int sig) {
  send_signal(sig);
  return wait();
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) signal_and_wait(SIGKILL);
}

int run_binary(const std::vector<std::string>& args, std::string* output) {
  int fd = -1;
  pid_t pid = spawn(args, &fd);
  if (pid < 0) return -1;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0)
    if (output != nullptr) output->append(buf, static_cast<std::size_t>(n));
  close(fd);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int run_binary(const std::vector<std::string>& args, std::string* output, std::chrono::milliseconds limit) {
  int fd = -1;
  pid_t pid = spawn(args, &fd);
  if (pid < 0) return -1;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  bool timed_out = false;
  char buf[4096];
  for (;;) {
    using std::chrono::milliseconds;
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;  // timeout or EINTR: the loop decides
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    if (output != nullptr) output->append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (timed_out) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace carebridge::test

namespace carebridge::test {

std::string cli_admin_token(const std::string& db_path) {
  std::string out;
  // Already registered on this store: the second add fails, which is fine.
  run_binary({"client", "add", "--db", db_path, "--id", "test-admin", "--role", "admin", "--organization",
              "Organization/test-org"},
             &out);
  out.clear();
  int rc = run_binary({"token", "--db", db_path, "--client", "test-admin", "--purpose", "TREAT",
                       "--access-token-seconds", "86400"},
                      &out);
  EXPECT_EQ(rc, 0) << out;
  // The token is the last line (a first use may log the key it generated).
  while (!out.empty() && out.back() == '\n') out.pop_back();
  std::size_t nl = out.rfind('\n');
  return nl == std::string::npos ? out : out.substr(nl + 1);
}

}  // namespace carebridge::test
