// Whether the gateway may send to an endpoint for a client (issue 10,
// forwarding): the URL must fall under one of the prefixes registered for
// that client (`carebridge client add --endpoint-prefix URL`).
//
// The rule, on both sides in normal form (endpoint_url.hpp): the same
// scheme, host and port, compared whole, so "https://a.example/" allows
// nothing on a.example.evil.com nor on a.example:8443; and the endpoint's
// path under the prefix's path by whole segments: a prefix path ending in
// '/' allows every path starting with it, one without allows that path and
// everything below it ("/fhir" allows "/fhir" and "/fhir/x", never
// "/fhirx"). The endpoint's query plays no part; a prefix has none. An
// endpoint or prefix that does not parse allows nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"

namespace gateway::forwarding {

// A prefix as it is registered: checked and in normal form, no query.
fhir::Result<std::string> normalize_endpoint_prefix(std::string_view prefix);

bool endpoint_allowed(const std::vector<std::string>& prefixes, std::string_view url);

}  // namespace gateway::forwarding
