#include "gateway/app/app_context.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/chain/stages.hpp"

namespace gateway {

Flow route_stage(Exchange& x, const AppContext& app) {
  auto route = match_route(x.request.method, x.path, *app.types);
  if (!route) {
    x.fail(route.issue());
    return Flow::respond;
  }
  x.route = std::move(*route);
  return Flow::next;
}

}  // namespace gateway
