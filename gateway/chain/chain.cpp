#include "gateway/chain/chain.hpp"

#include "gateway/chain/exchange.hpp"
#include "gateway/chain/stages.hpp"

namespace gateway {

// The order of the request path, written down once (STYLE.md). Later issues
// insert their stages here: consent decision after route, consent
// enforcement and audit after handle.
net::awaitable<void> run_chain(Exchange& x, const AppContext& app) {
  if (parse_request_stage(x, app) == Flow::next &&
      route_stage(x, app) == Flow::next &&
      authenticate_stage(x, app) == Flow::next &&
      authorize_stage(x, app) == Flow::next) {
    co_await handle_stage(x, app);
  }
  finalize_stage(x, app);
}

bool admit_head(Exchange& x, const AppContext& app) {
  if (parse_request_stage(x, app) == Flow::next && route_stage(x, app) == Flow::next &&
      authenticate_stage(x, app) == Flow::next)
    return true;
  finalize_stage(x, app);
  return false;
}

}  // namespace gateway
