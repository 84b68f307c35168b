// The resolve stage's reference work: every Reference.reference anywhere in
// a resource (nested elements, extensions, contained resources, arrays)
// that names a fullUrl of the write becomes the Type/id assigned to it, and
// every conditional reference ("Practitioner?identifier=sys|val") becomes
// the one resource it matches.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"

namespace gateway {

// fullUrl (urn:uuid:..., urn:oid:..., or an absolute URL) -> "Type/id".
using ReferenceMap = std::unordered_map<std::string, std::string>;
// "Type?criteria" -> "Type/id" of its single match, or the issue (400 none,
// 412 several).
using ConditionalResolver = std::function<fhir::Result<std::string>(std::string_view)>;

bool is_conditional_reference(std::string_view ref);

// The types that conditional references anywhere in node search
// ("Practitioner?identifier=..." -> Practitioner).
void conditional_reference_types(const fhir::json::Value& node, std::set<std::string>& types);

fhir::Status rewrite_references(fhir::json::Value& node, const ReferenceMap& refs,
                                const ConditionalResolver& resolve);

}  // namespace gateway
