// _summary (R4 search.html "Summary") on one resource, top level only. The
// caller applies it to each resource it returns; _summary=count returns no
// resources, so the caller handles that mode and it changes nothing here.
#pragma once

#include "fhir/json/value.hpp"
#include "profiles/summary_elements.hpp"

namespace fhir::search {
enum class Summary;  // fhir/search/query.hpp: the parsed _summary
}

namespace profiles {

// true:  the type's summary elements (isSummary or mandatory) and id, meta,
//        implicitRules; text goes (R4 marks no narrative as summary).
// text:  text, id, meta and the mandatory elements.
// data:  everything but text.
// false, none, count: unchanged.
// A type the table lacks keeps only the elements the mode names for every
// resource (id, meta, implicitRules for true; text, id, meta for text):
// what the table cannot vouch for counts as not asked for.
// Returns whether anything was removed; then the resource is tagged
// SUBSETTED (summary_subset.hpp).
bool apply_summary(fhir::json::Value& resource, fhir::search::Summary mode,
                   const SummaryElements& table);

}  // namespace profiles
