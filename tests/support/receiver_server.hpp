// ReceiverServer: a partner's HTTP endpoint for forwarding tests, on
// 127.0.0.1:0 (read back the port). It records every request (method,
// target, headers, body) and answers each path as told: a status (200, 500,
// a 302 with a Location), a hang (hold the request for N ms or until
// release(), then answer), or a close without answering. It counts the
// connections open at once, so tests can check a concurrency cap.
//
// Plain POSIX sockets and a thread per connection: tests open a handful.
// Every response carries "Connection: close" and the connection ends after
// it, so one request is one connection. A connection counts as open from
// accept until the server answers or closes it; the count drops *before* the
// answer is written, so a client that has its answer never sees itself
// counted.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace carebridge::test {

struct ReceivedRequest {
  std::string method;
  std::string target;  // as sent: path and query
  std::vector<std::pair<std::string, std::string>> headers;  // in order, as sent
  std::string body;

  // The first value of a header (name case-insensitive); "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

struct ReceiverReply {
  enum class Kind { answer, hang, close };
  Kind kind = Kind::answer;
  int status = 200;
  std::string location;  // sent as Location when not empty
  std::string body;
  int hang_ms = 0;

  static ReceiverReply answer(int status, std::string body = {});
  static ReceiverReply redirect(int status, std::string location);
  // Holds the request for `ms` (or until release()), then answers `status`.
  static ReceiverReply hang(int ms, int status = 200);
  // Reads the request and closes the connection without a word.
  static ReceiverReply close();
};

class ReceiverServer {
 public:
  ReceiverServer();  // listening when it returns
  ~ReceiverServer();
  ReceiverServer(const ReceiverServer&) = delete;
  ReceiverServer& operator=(const ReceiverServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& target) const;  // "http://127.0.0.1:<port>" + target

  // How to answer a path (the target without its query); unset paths get 200.
  void on(const std::string& path, ReceiverReply reply);

  std::vector<ReceivedRequest> requests() const;
  std::size_t count(const std::string& path) const;  // requests to a path so far
  // Waits until n requests have been read in all (or `bound` passes).
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds bound = std::chrono::seconds(10)) const;

  // Ends every hang in progress now (each then answers); later ones hang anew.
  void release();

  int open_connections() const;
  int max_open_connections() const;
  int connections_accepted() const;

 private:
  void accept_loop();
  void serve(int fd);
  bool read_request(int fd, ReceivedRequest* out);
  ReceiverReply reply_for(const std::string& target) const;
  void connection_done();

  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // a pipe: wakes accept_loop for shutdown
  int port_ = 0;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::map<std::string, ReceiverReply> replies_;  // guarded by mu_
  std::vector<ReceivedRequest> received_;         // guarded by mu_
  std::uint64_t release_generation_ = 0;          // guarded by mu_
  int open_ = 0;                                  // guarded by mu_
  int max_open_ = 0;                              // guarded by mu_
  int accepted_ = 0;                              // guarded by mu_
  std::vector<std::thread> workers_;              // guarded by mu_

  std::thread acceptor_;
};

}  // namespace carebridge::test
