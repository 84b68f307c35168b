#include "tests/support/receiver_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace carebridge::test {
namespace {

using Clock = std::chrono::steady_clock;

// Bounds on what a test client may send and how long it may take: a test
// that goes wrong ends, it does not hang the suite.
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
constexpr auto kReadBound = std::chrono::seconds(10);
constexpr int kPollStepMs = 20;  // how soon a blocked read notices shutdown

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

void send_all(int fd, const std::string& s) {
  std::size_t sent = 0;
  while (sent < s.size()) {
    ssize_t n = ::send(fd, s.data() + sent, s.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the client went away (a capped reader does)
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string ReceivedRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

bool ReceivedRequest::has_header(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); });
}

ReceiverReply ReceiverReply::answer(int status, std::string body) {
  ReceiverReply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

ReceiverReply ReceiverReply::redirect(int status, std::string location) {
  ReceiverReply r;
  r.status = status;
  r.location = std::move(location);
  return r;
}

ReceiverReply ReceiverReply::hang(int ms, int status) {
  ReceiverReply r;
  r.kind = Kind::hang;
  r.hang_ms = ms;
  r.status = status;
  return r;
}

ReceiverReply ReceiverReply::close() {
  ReceiverReply r;
  r.kind = Kind::close;
  return r;
}

ReceiverServer::ReceiverServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
      ::pipe2(wake_fds_, O_CLOEXEC) != 0)
    throw std::runtime_error("receiver: cannot listen on 127.0.0.1");
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ReceiverServer::~ReceiverServer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  [[maybe_unused]] ssize_t n = ::write(wake_fds_[1], "x", 1);
  acceptor_.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    workers.swap(workers_);
  }
  for (auto& w : workers) w.join();
  ::close(listen_fd_);
  ::close(wake_fds_[0]);
  ::close(wake_fds_[1]);
}

std::string ReceiverServer::url(const std::string& target) const {
  return "http://127.0.0.1:" + std::to_string(port_) + target;
}

void ReceiverServer::on(const std::string& path, ReceiverReply reply) {
  std::lock_guard lock(mu_);
  replies_[path] = std::move(reply);
}

std::vector<ReceivedRequest> ReceiverServer::requests() const {
  std::lock_guard lock(mu_);
  return received_;
}

std::size_t ReceiverServer::count(const std::string& path) const {
  std::lock_guard lock(mu_);
  return static_cast<std::size_t>(std::count_if(received_.begin(), received_.end(), [&](const ReceivedRequest& r) {
    return r.target.substr(0, r.target.find('?')) == path;
  }));
}

bool ReceiverServer::wait_for_requests(std::size_t n, std::chrono::milliseconds bound) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, bound, [&] { return received_.size() >= n; });
}

void ReceiverServer::release() {
  {
    std::lock_guard lock(mu_);
    ++release_generation_;
  }
  cv_.notify_all();
}

int ReceiverServer::open_connections() const {
  std::lock_guard lock(mu_);
  return open_;
}

int ReceiverServer::max_open_connections() const {
  std::lock_guard lock(mu_);
  return max_open_;
}

int ReceiverServer::connections_accepted() const {
  std::lock_guard lock(mu_);
  return accepted_;
}

void ReceiverServer::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (stopping_) return;
    if (!(fds[0].revents & POLLIN)) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    timeval tv{5, 0};  // a client that stops reading cannot block a send forever
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    std::lock_guard lock(mu_);
    ++accepted_;
    max_open_ = std::max(max_open_, ++open_);
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

void ReceiverServer::connection_done() {
  std::lock_guard lock(mu_);
  --open_;
}

ReceiverReply ReceiverServer::reply_for(const std::string& target) const {
  std::lock_guard lock(mu_);
  auto it = replies_.find(target.substr(0, target.find('?')));
  return it == replies_.end() ? ReceiverReply{} : it->second;
}

bool ReceiverServer::read_request(int fd, ReceivedRequest* out) {
  const auto deadline = Clock::now() + kReadBound;
  std::string buf;
  auto read_more = [&]() {
    while (!stopping_ && Clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, kPollStepMs) <= 0) continue;
      char chunk[4096];
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buf.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    return false;
  };
  std::size_t head_end;
  while ((head_end = buf.find("\r\n\r\n")) == std::string::npos)
    if (buf.size() > kMaxHeaderBytes || !read_more()) return false;

  std::string_view head(buf.data(), head_end);
  std::size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) return false;
  out->method = std::string(line.substr(0, sp1));
  out->target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  std::size_t content_length = 0;
  while (line_end != std::string_view::npos) {
    std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    std::string_view h = head.substr(start, line_end == std::string_view::npos ? head.npos : line_end - start);
    std::size_t colon = h.find(':');
    if (colon == std::string_view::npos) return false;
    out->headers.emplace_back(std::string(h.substr(0, colon)), trim(h.substr(colon + 1)));
    if (iequals(out->headers.back().first, "Content-Length"))
      content_length = static_cast<std::size_t>(std::stoull(out->headers.back().second));
  }
  const std::size_t body_start = head_end + 4;
  while (buf.size() < body_start + content_length)
    if (!read_more()) return false;
  out->body = buf.substr(body_start, content_length);
  return true;
}

void ReceiverServer::serve(int fd) {
  ReceivedRequest req;
  if (!read_request(fd, &req)) {
    connection_done();
    ::close(fd);
    return;
  }
  const ReceiverReply reply = reply_for(req.target);
  std::uint64_t generation;
  {
    std::lock_guard lock(mu_);
    received_.push_back(std::move(req));
    generation = release_generation_;
  }
  cv_.notify_all();
  if (reply.kind == ReceiverReply::Kind::hang) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(reply.hang_ms),
                 [&] { return stopping_ || release_generation_ != generation; });
  }
  if (stopping_ || reply.kind == ReceiverReply::Kind::close) {
    connection_done();
    ::close(fd);
    return;
  }
  std::string response = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) + "\r\n";
  if (!reply.location.empty()) response += "Location: " + reply.location + "\r\n";
  response += "Content-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n\r\n";
  response += reply.body;
  connection_done();  // before the answer: see the header
  send_all(fd, response);
  ::shutdown(fd, SHUT_WR);
  ::close(fd);
}

}  // namespace carebridge::test
