// Small builders for the FHIR JSON the gateway derives (score
// Observations, Provenance, Flags), and the deterministic ids they get.
#pragma once

#include <string>
#include <string_view>

#include "fhir/json/value.hpp"

namespace gateway::derived {

// "cb-" + the first 24 hex digits of SHA-256(text): 27 characters, well
// inside R4's 64, and the same on every run (an update finds its version).
std::string hashed_id(const std::string& text);

fhir::json::Value str(std::string_view s);
fhir::json::Value integer(int n);
fhir::json::Value coding(std::string_view system, std::string_view code, std::string_view display = {});
// A CodeableConcept of one coding, with text when given.
fhir::json::Value concept_of(fhir::json::Value one_coding, std::string_view text = {});
fhir::json::Value text_concept(std::string_view text);
fhir::json::Value reference(std::string_view ref);
// An array of one element.
fhir::json::Value one(fhir::json::Value v);
// meta with the derived tag (map_stage.hpp kDerivedTagSystem) of this code.
fhir::json::Value derived_meta(std::string_view code);

}  // namespace gateway::derived
