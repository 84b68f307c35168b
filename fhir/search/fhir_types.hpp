// What the FHIRPath evaluator knows about FHIR types without a full model:
// the names a choice element's suffix can take and the few subtype links
// the search expressions rely on. R4 has no StructureDefinitions in the
// repo, and the search parameters only ever ask about choice elements and
// resolve() targets, so this small table is the whole type model we need.
#pragma once

#include <string_view>

namespace fhir::search {

// The R4 type a choice element's suffix names: "Quantity" in valueQuantity
// -> "Quantity", "DateTime" in valueDateTime -> "dateTime". Empty if the
// suffix names no R4 type (valueSet is not a choice of "Set").
std::string_view choice_suffix_type(std::string_view suffix);

// FHIRPath `is`: whether a node of FHIR type `type` is an instance of the
// type specifier `ns`.`name` (ns empty when unqualified). Subtypes count
// (Age is a Quantity, code is a string).
bool type_matches(std::string_view type, std::string_view ns, std::string_view name);

// A resource type name: FHIR starts those, and only those, with a capital
// letter among the names a path can begin with.
bool looks_like_resource_type(std::string_view name);

}  // namespace fhir::search
