// The result parameters of a search (R4 search.html "Modifying Search
// Results"): _sort, _count, _total, _summary, _elements, _type, and the
// paging cursor of our own links (_snapshot, _offset). Each parser takes
// the value as sent; errors (kInvalidParameter, always 400) name the
// parameter and never repeat the value.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/search/query.hpp"
#include "fhir/search/search_params.hpp"

namespace fhir::search {

// Which names are resource types. The type model lives above fhir/
// (profiles/), so the gateway passes its own; empty means "starts with a
// capital letter" (fhir_types.hpp).
using ResourceTypeCheck = std::function<bool(std::string_view)>;
bool is_resource_type(const ResourceTypeCheck& check, std::string_view name);

// "-date,code": each key must be a searchable, non-composite parameter of
// every type in `types` ("" for a search across all types), and not among
// the keys already given (`before`: an earlier _sort of the same query).
Result<std::vector<SortKey>> parse_sort(const SearchParams& params, std::span<const std::string> types,
                                        std::string_view value, std::span<const SortKey> before = {});
// A non-negative decimal integer no larger than INT_MAX.
Result<int> parse_count(std::string_view value);
Result<TotalMode> parse_total(std::string_view value);
Result<Summary> parse_summary(std::string_view value);
// Element names: a letter, then letters and digits ("identifier,active").
Result<std::vector<std::string>> parse_elements(std::string_view value);
Result<std::vector<std::string>> parse_types(std::string_view value, const ResourceTypeCheck& check);
Result<std::string> parse_snapshot(std::string_view value);
Result<std::int64_t> parse_offset(std::string_view value);

std::string_view total_code(TotalMode t);
std::string_view summary_code(Summary s);  // "" for Summary::none

}  // namespace fhir::search
