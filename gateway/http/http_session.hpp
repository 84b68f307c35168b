// One accepted connection: read a request (with limits and timeouts), run
// the chain, write the response, repeat while keep-alive.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>

#include <atomic>
#include <memory>

#include "gateway/net/net.hpp"

namespace gateway {

struct AppContext;

// Shared between a session's coroutine and the server's shutdown path.
struct SessionState {
  explicit SessionState(boost::beast::tcp_stream s) : stream(std::move(s)) {}
  boost::beast::tcp_stream stream;
  // Guarded by the session's strand: true while waiting for the next
  // request, so shutdown may close the connection without cutting a
  // request short.
  bool idle = true;
  bool closing = false;  // strand: finish this response, then close
};

net::awaitable<void> run_session(std::shared_ptr<SessionState> state, const AppContext& app);

}  // namespace gateway
