// A search request's query parameters -> a SearchQuery (query.hpp), per R4
// search.html. The caller has already percent-decoded the query and merged
// a POST _search form body into it.
//
// Errors, as R4 "Handling Errors" asks:
// - a parameter we do not know or serve (unknown name, unsupported
//   modifier, unknown chain link, _text/_content/_list/_filter/_query...):
//   400 under Prefer: handling=strict; under lenient (the default) left
//   out and recorded in SearchQuery::ignored, so the self link omits it;
// - a value we cannot read (bad date, prefix, number, token, reference,
//   :missing other than true/false, bad _count/_sort/_include...): always
//   400, whatever the handling;
// - a parameter with an empty value ("name=") is ignored in both modes:
//   it asks for nothing (R5 search.html says so outright).
// Every error is kInvalidParameter with the parameter as sent in
// `expression`; diagnostics never repeat the value (it may be PHI).
#pragma once

#include <string_view>

#include "fhir/core/query.hpp"
#include "fhir/core/result.hpp"
#include "fhir/search/query.hpp"
#include "fhir/search/query_controls.hpp"
#include "fhir/search/search_params.hpp"

namespace fhir::search {

enum class Handling { lenient, strict };  // Prefer: handling=

struct ParseOptions {
  Handling handling = Handling::lenient;
  ResourceTypeCheck is_resource_type;  // for _type and _include sources
};

// `type` is the searched type, already checked by the router; empty for a
// system-level search (then only _type's types or the common parameters).
// _format and _pretty are the gateway's and are skipped here.
Result<SearchQuery> parse_search(const SearchParams& params, std::string_view type, const QueryParams& query,
                                 const ParseOptions& options);
Result<SearchQuery> parse_search(const SearchParams& params, std::string_view type, const QueryParams& query,
                                 Handling handling);

}  // namespace fhir::search
