// The request chain: runs the stages of stages.hpp in their fixed order.
#pragma once

#include "gateway/net/net.hpp"

namespace gateway {

struct AppContext;
struct Exchange;

net::awaitable<void> run_chain(Exchange& x, const AppContext& app);

// The stages that need only the request head (parse request, route,
// authenticate), run before a body is read: an unauthenticated caller
// cannot make the gateway receive a body. False once x.response is settled
// (finalized); the full chain runs them again with the body.
bool admit_head(Exchange& x, const AppContext& app);

}  // namespace gateway
