// URL query strings: split and percent-decode, keeping order and repeats
// (FHIR search gives meaning to both: `date=ge2020&date=le2021`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fhir {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// nullopt when a %-escape is malformed; what the decoded text must look
// like is for each parameter to check.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);
std::optional<QueryParams> parse_query(std::string_view query);
// Percent-encodes all but RFC 3986 unreserved characters, ':' and '/',
// and the characters in also_plain.
std::string percent_encode(std::string_view s, std::string_view also_plain = {});

// The first value of name, if present.
std::optional<std::string_view> first_param(const QueryParams& q, std::string_view name);

}  // namespace fhir
