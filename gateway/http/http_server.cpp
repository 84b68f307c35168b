#include "gateway/http/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "fhir/core/errors.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/http/http_session.hpp"

namespace gateway {
using tcp = net::ip::tcp;

struct HttpServer::Impl {
  explicit Impl(AppContext& a)
      : app(a), control(net::make_strand(ioc)), acceptor(control), grace_timer(control) {}

  AppContext& app;
  net::io_context ioc;
  // The acceptor, the grace timer and stopping run on this strand, so
  // accept, close and shutdown never race.
  net::strand<net::io_context::executor_type> control;
  tcp::acceptor acceptor;        // control strand
  net::steady_timer grace_timer;  // control strand
  std::mutex mu;
  std::set<std::shared_ptr<SessionState>> sessions;  // guarded by mu
  bool stopping = false;                              // guarded by mu

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] =
          co_await acceptor.async_accept(net::make_strand(ioc), net::as_tuple(net::use_awaitable));
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
        continue;  // e.g. EMFILE: keep serving the connections we have
      }
      start_session(std::move(socket));
    }
  }

  template <class Socket>
  void start_session(Socket&& socket) {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto state = std::make_shared<SessionState>(boost::beast::tcp_stream(std::move(socket)));
    {
      std::lock_guard lock(mu);
      if (stopping) return;
      sessions.insert(state);
    }
    auto ex = state->stream.get_executor();
    net::co_spawn(ex, run_session(state, app), [this, state](std::exception_ptr) {
      std::lock_guard lock(mu);
      sessions.erase(state);
      if (stopping && sessions.empty()) finish();
    });
  }

  // Once nothing is in flight: let run() return. Posted after begin_stop's
  // own control handler, so the timer is armed before it is cancelled.
  void finish() {
    net::post(control, [this] {
      grace_timer.cancel();
      ioc.stop();
    });
  }

  void begin_stop() {
    std::lock_guard lock(mu);
    if (stopping) return;
    stopping = true;
    net::post(control, [this] {
      boost::system::error_code ignored;
      acceptor.close(ignored);
      grace_timer.expires_after(std::chrono::milliseconds(app.settings.shutdown_grace_ms));
      grace_timer.async_wait([this](boost::system::error_code ec) {
        if (!ec) ioc.stop();  // grace over: drop what is still running
      });
    });
    for (const auto& s : sessions) {
      net::post(s->stream.get_executor(), [s] {
        s->closing = true;
        boost::system::error_code ignored;
        // Only a session waiting for its next request is cut short.
        if (s->idle) s->stream.socket().cancel(ignored);
      });
    }
    if (sessions.empty()) finish();
  }

};

HttpServer::HttpServer(AppContext& app) : impl_(std::make_unique<Impl>(app)) {}
HttpServer::~HttpServer() = default;

fhir::Result<std::string> HttpServer::bind(const std::string& host_port) {
  std::size_t colon = host_port.rfind(':');
  if (colon == std::string::npos)
    return fhir::make_issue(fhir::err::kInvalidParameter, "--listen takes HOST:PORT");
  std::string host = host_port.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  unsigned long port = 0;
  try {
    port = std::stoul(host_port.substr(colon + 1));
  } catch (...) {
    port = 70000;
  }
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec || port > 65535)
    return fhir::make_issue(fhir::err::kInvalidParameter, "--listen takes HOST:PORT, e.g. 127.0.0.1:8080");
  tcp::endpoint ep(address, static_cast<unsigned short>(port));
  auto& acc = impl_->acceptor;  // not yet running: no strand needed
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fhir::make_issue(fhir::err::kInvalidParameter, "cannot listen on " + host_port + ": " + ec.message());
  auto bound = acc.local_endpoint();
  std::string addr = bound.address().to_string();
  if (bound.address().is_v6()) addr = "[" + addr + "]";
  return addr + ":" + std::to_string(bound.port());
}

void HttpServer::run(int io_threads, bool handle_signals) {
  Impl& im = *impl_;
  std::unique_ptr<net::signal_set> signals;
  if (handle_signals) {
    signals = std::make_unique<net::signal_set>(im.ioc, SIGTERM, SIGINT);
    signals->async_wait([&im](boost::system::error_code ec, int) {
      if (!ec) im.begin_stop();
    });
  }
  net::co_spawn(im.control, im.accept_loop(), net::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < io_threads; ++i) threads.emplace_back([&im] { im.ioc.run(); });
  im.ioc.run();
  for (auto& t : threads) t.join();
}

void HttpServer::stop() { impl_->begin_stop(); }

}  // namespace gateway
