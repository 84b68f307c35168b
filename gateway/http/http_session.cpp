#include "gateway/http/http_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <cstdio>
#include <exception>

#include "fhir/core/errors.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/chain/chain.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/http/beast_exchange.hpp"

namespace gateway {
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;

namespace {

constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr std::uint64_t kOpenRouteBodyLimit = 64 * 1024;

http::response<http::string_body> to_beast(HttpResponse&& r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "CareBridge");
  for (auto& [name, value] : r.headers) res.set(name, value);
  res.body() = std::move(r.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

// An error found while reading, before any request exists to route.
HttpResponse read_error_response(const beast::error_code& ec) {
  Exchange x;
  if (ec == http::error::body_limit)
    x.fail(fhir::make_issue(fhir::err::kBodyTooLarge, "The request body is over the configured limit"));
  else if (ec == http::error::header_limit)
    x.fail(fhir::make_issue(fhir::err::kInvalidRequest, "The request head is over the configured limit"));
  else
    x.fail(fhir::make_issue(fhir::err::kInvalidRequest, "Malformed HTTP request"));
  x.response.set_header("Content-Type", "application/fhir+json; charset=utf-8");
  return std::move(x.response);
}

bool answerable(const beast::error_code& ec) {
  return ec == http::error::body_limit || ec == http::error::header_limit ||
         ec.category() == make_error_code(http::error::bad_method).category();
}

}  // namespace

net::awaitable<void> run_session(std::shared_ptr<SessionState> state, const AppContext& app) {
  beast::tcp_stream& stream = state->stream;
  beast::flat_buffer buffer;
  const auto& s = app.settings;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(s.header_limit));
    parser.body_limit(s.body_limit);

    state->idle = true;
    if (state->closing) break;
    // The idle timeout bounds the wait for a request's head; once it has
    // begun, the request timeout bounds the whole of it, so a slow-drip
    // client cannot hold the connection.
    stream.expires_after(std::chrono::milliseconds(s.idle_timeout_ms));
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, kTuple);
    state->idle = false;
    if (!ec) {
      stream.expires_after(std::chrono::milliseconds(s.request_timeout_ms));
      auto& head = parser.get();
      if (!parser.is_done()) {
        // A body follows: only for a request its head already admits.
        Exchange early = head_exchange(head);
        if (!admit_head(early, app)) {
          auto res = to_beast(std::move(early.response), head.version(), false);
          stream.expires_after(std::chrono::milliseconds(s.write_timeout_ms));
          co_await http::async_write(stream, res, kTuple);
          break;  // the unread body goes with the connection
        }
        // The open routes take small bodies only (a token request is a
        // form of a few KiB).
        if (early.route.access == RouteAccess::open) {
          if (parser.content_length() && *parser.content_length() > kOpenRouteBodyLimit) {
            ec = http::error::body_limit;
          } else {
            parser.body_limit(std::min<std::uint64_t>(s.body_limit, kOpenRouteBodyLimit));
          }
        }
      }
      if (!ec && beast::iequals(head[http::field::expect], "100-continue") && !parser.is_done()) {
        if (parser.content_length() && *parser.content_length() > s.body_limit) {
          ec = http::error::body_limit;
        } else {
          http::response<http::empty_body> cont{http::status::continue_, head.version()};
          std::tie(ec, n) = co_await http::async_write(stream, cont, kTuple);
        }
      }
      if (!ec && !parser.is_done())
        std::tie(ec, n) = co_await http::async_read(stream, buffer, parser, kTuple);
    }
    if (ec) {
      if (answerable(ec)) {
        auto res = to_beast(read_error_response(ec), 11, false);
        stream.expires_after(std::chrono::milliseconds(s.write_timeout_ms));
        co_await http::async_write(stream, res, kTuple);
      }
      break;  // timeouts, resets and EOF end the connection quietly
    }

    auto req = parser.release();
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    Exchange x = to_exchange(std::move(req));
    try {
      co_await run_chain(x, app);
    } catch (const std::exception& e) {
      // Internals go to the log, never to the client.
      std::fprintf(stderr, "error: request failed: %s\n", e.what());
      x.fail(fhir::make_issue(fhir::err::kInternal, "Internal server error"));
      x.response.set_header("Content-Type", "application/fhir+json; charset=utf-8");
    }
    bool keep = keep_alive && !state->closing;
    auto res = to_beast(std::move(x.response), version, keep);
    stream.expires_after(std::chrono::milliseconds(s.write_timeout_ms));
    auto [wec, wn] = co_await http::async_write(stream, res, kTuple);
    if (wec || !keep) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream.close();
}

}  // namespace gateway
