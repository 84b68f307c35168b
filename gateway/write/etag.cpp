#include "gateway/write/etag.hpp"

#include <charconv>

#include "fhir/core/errors.hpp"

namespace gateway {

std::string etag_of(std::int64_t version) { return "W/\"" + std::to_string(version) + "\""; }

fhir::Result<std::optional<std::int64_t>> parse_if_match(std::string_view h) {
  if (h.empty()) return std::optional<std::int64_t>{};
  if (h.substr(0, 2) == "W/") h.remove_prefix(2);
  if (h.size() >= 2 && h.front() == '"' && h.back() == '"') h = h.substr(1, h.size() - 2);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(h.data(), h.data() + h.size(), v);
  if (ec != std::errc() || p != h.data() + h.size() || v < 1)
    return fhir::make_issue(fhir::err::kInvalidRequest,
                            "If-Match must be a version ETag such as W/\"3\"");
  return std::optional<std::int64_t>{v};
}

}  // namespace gateway
