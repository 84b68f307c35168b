// The FHIR Flag a care-model finding (mappers/care flag_rules.hpp) becomes:
// status, a code of the gateway's flag system, the Patient record it is
// about, the period, and each piece of evidence as an R4 flag-detail
// extension, so a reader can open what raised it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fhir/json/value.hpp"
#include "mappers/care/flag_rules.hpp"

namespace gateway {

// The code system of the gateway's care flags.
inline constexpr std::string_view kCareFlagSystem = "urn:carebridge:care-flag";
inline constexpr std::string_view kDerivedFlagCode = "flag";

// One Flag per Patient record, flag code and instrument: its versions are
// the flag rising and clearing.
std::string flag_id(std::string_view patient, std::string_view code, std::string_view instrument);

// The active Flag of a finding about patient.
fhir::json::Value active_flag(const std::string& id, std::string_view patient,
                              const mappers::care::FlagFinding& finding);

// The stored Flag (a parsed version), cleared at end_ms: status inactive,
// period.end set; everything else as it was.
fhir::json::Value cleared_flag(fhir::json::Value stored, std::int64_t end_ms);

// Whether two Flags say the same (meta aside).
bool same_flag(const fhir::json::Value& a, const fhir::json::Value& b);

}  // namespace gateway
