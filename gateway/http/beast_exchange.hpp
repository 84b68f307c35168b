// Beast request -> Exchange: what the request chain sees of a parsed HTTP
// request (header names lower-cased). Shared by the session and the HTTP
// fuzz target, so the fuzzer feeds the chain exactly what the server does.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "gateway/chain/exchange.hpp"

namespace gateway {

Exchange to_exchange(boost::beast::http::request<boost::beast::http::string_body>&& req);
// The head only (method, target, headers), before the body is read.
Exchange head_exchange(const boost::beast::http::request<boost::beast::http::string_body>& req);

}  // namespace gateway
