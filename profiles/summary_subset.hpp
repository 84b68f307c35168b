// Cuts a resource down to the top-level members a projection keeps and, when
// that removed anything, tags it SUBSETTED. R4 search.html "Summary": a
// subsetted resource is marked so nobody mistakes it for the whole resource
// (and writes it back, losing the rest).
#pragma once

#include <functional>
#include <string_view>

#include "fhir/json/value.hpp"

namespace profiles {

// Removes every top-level member for which keep(name) is false;
// "resourceType" always stays. Returns whether anything was removed; only
// then is meta.tag given the SUBSETTED coding (once, however often this
// runs). A non-object is left alone.
bool keep_top_level(fhir::json::Value& resource,
                    const std::function<bool(std::string_view member)>& keep);

// Adds {system: v3-ObservationValue, code: SUBSETTED} to meta.tag unless
// present, creating meta (after id) or tag as needed.
void mark_subsetted(fhir::json::Value& resource);

}  // namespace profiles
