// The request chain: runs the stages of stages.hpp in their fixed order.
#pragma once

#include "gateway/net/net.hpp"

namespace gateway {

struct AppContext;
struct Exchange;

net::awaitable<void> run_chain(Exchange& x, const AppContext& app);

}  // namespace gateway
