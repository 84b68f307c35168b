// The one alias for Boost.Asio, and the awaitable type every stage returns.
// Narrow includes only: never <boost/asio.hpp>.
#pragma once

#include <boost/asio/awaitable.hpp>

namespace net = boost::asio;
