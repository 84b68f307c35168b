#include "gateway/forwarding/endpoint_allowlist.hpp"

#include "gateway/forwarding/endpoint_url.hpp"

namespace gateway::forwarding {
namespace {

bool path_under(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return false;
  // Whole segments: "/fhir" is under "/fhir/" only if the next byte ends
  // the segment.
  return prefix.ends_with('/') || path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace

fhir::Result<std::string> normalize_endpoint_prefix(std::string_view prefix) {
  auto url = parse_endpoint_url(prefix, false);
  if (!url) return url.take_issue();
  return url->text();
}

bool endpoint_allowed(const std::vector<std::string>& prefixes, std::string_view url) {
  auto endpoint = parse_endpoint_url(url, true);
  if (!endpoint) return false;
  for (const auto& p : prefixes) {
    auto prefix = parse_endpoint_url(p, false);
    if (!prefix) continue;
    if (prefix->scheme == endpoint->scheme && prefix->host == endpoint->host && prefix->port == endpoint->port &&
        path_under(endpoint->path, prefix->path))
      return true;
  }
  return false;
}

}  // namespace gateway::forwarding
