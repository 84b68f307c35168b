// The URL of an endpoint the gateway may send to (issue 10, forwarding),
// parsed strictly and put in one normal form, so that "is it under this
// registered prefix" compares parts instead of guessing how some other URL
// parser (ours later, the receiver's) reads an odd spelling. Anything two
// parsers could read differently is refused, not repaired: userinfo,
// backslashes, non-ASCII, a host that is neither an LDH name, a dotted-quad
// IPv4 address nor an IPv6 literal, dot-segments (also "%2E", and ".." with
// ";params", which Tomcat-style servers resolve), empty segments, and "%2F",
// "%5C" or control characters escaped in the path.
//
// The normal form (RFC 3986 section 6.2.2): scheme and host lower-case, the
// scheme's default port dropped, IPv6 in RFC 5952 form ("[::1]"), percent
// escapes of unreserved characters decoded and the rest in upper-case hex,
// an empty path written "/". Only https, and http for a loopback host
// (127.0.0.1, [::1], localhost: tests and receivers on the same machine).
#pragma once

#include <string>
#include <string_view>

#include "fhir/core/result.hpp"

namespace gateway::forwarding {

struct EndpointUrl {
  std::string scheme;  // "https", or "http" for a loopback host
  std::string host;    // LDH name, dotted-quad IPv4 or "[v6]"
  int port = 0;        // 0: the scheme's default
  std::string path;    // "/..." without dot-segments or empty segments
  std::string query;   // after '?', escapes checked; "" when none

  std::string origin() const;  // scheme://host[:port]
  std::string text() const;    // origin, path and ?query when there is one
};

// The URL in normal form. allow_query: a registered prefix has none, an
// endpoint may. Errors (kInvalidValue) say what is wrong, never repeating
// the URL: it may carry a password.
fhir::Result<EndpointUrl> parse_endpoint_url(std::string_view url, bool allow_query);

}  // namespace gateway::forwarding
