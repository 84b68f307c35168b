// FHIR instant/dateTime text <-> epoch milliseconds (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fhir {

// "2026-11-24T13:25:12.123Z"
std::string format_instant(std::int64_t epoch_ms);
// RFC 7231 IMF-fixdate for Last-Modified: "Tue, 24 Nov 2026 13:25:12 GMT"
std::string format_http_date(std::int64_t epoch_ms);
// Parses a FHIR dateTime/instant (any precision from YYYY; a time zone is
// required when a time is given) to the first millisecond it covers.
std::optional<std::int64_t> parse_instant(std::string_view text);

}  // namespace fhir
