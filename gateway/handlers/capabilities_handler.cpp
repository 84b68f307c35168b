#include "gateway/app/app_context.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/handlers/handlers.hpp"

namespace gateway {

// The statement is generated once at start-up from the route table
// (gateway/app/capability.cpp); nothing here is hand-kept.
net::awaitable<void> handle_capabilities(Exchange& x, const AppContext& app) {
  x.response.status = 200;
  x.response.body = app.capability_statement;
  co_return;
}

}  // namespace gateway
