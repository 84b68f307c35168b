// Version ETags: W/"3" on the way out, W/"3" or "3" in If-Match.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"

namespace gateway {

std::string etag_of(std::int64_t version);
// nullopt when the header is absent; an issue when it is malformed.
fhir::Result<std::optional<std::int64_t>> parse_if_match(std::string_view header);

}  // namespace gateway
