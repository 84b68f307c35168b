// The stages of the request chain. Each returns Flow::next to continue or
// Flow::respond once the response is settled. The order is written down in
// one place: chain.cpp.
#pragma once

#include "gateway/net/net.hpp"

namespace gateway {

struct AppContext;
struct Exchange;

enum class Flow { next, respond };

// Splits the target into path and query, negotiates the format (JSON only:
// 406 for XML asks, 415 for XML bodies) and reads Prefer.
Flow parse_request_stage(Exchange& x, const AppContext& app);
// Matches the route table: 404 unknown type or path, 405 wrong method.
Flow route_stage(Exchange& x, const AppContext& app);
// Says who is asking and why: the Bearer access token, verified (or found
// in the cache of verified tokens) and its client still registered; 401
// with WWW-Authenticate otherwise. Open routes pass without a token.
Flow authenticate_stage(Exchange& x, const AppContext& app);
// Checks the route's interaction against the token's scopes (403). What a
// route reaches beyond its own type (system search, includes, bundle
// entries, operations) its handler checks with gateway/auth/scope_check.
Flow authorize_stage(Exchange& x, const AppContext& app);
// Runs the interaction's handler.
net::awaitable<Flow> handle_stage(Exchange& x, const AppContext& app);
// Headers every response carries.
void finalize_stage(Exchange& x, const AppContext& app);

}  // namespace gateway
