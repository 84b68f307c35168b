// A Score from an Observation, recognised by a LOINC code in
// Observation.code.coding:
//  - a total (e.g. 44261-6): valueInteger or valueQuantity.value, a whole
//    number within the instrument's range; anything else is refused (the
//    eCQM test data's PHQ-9 of 300 is an Issue, never a score);
//  - an item panel (e.g. 44249-1): its components coded with the items,
//    each valueCodeableConcept (LA codes) or valueInteger, summed like a
//    QuestionnaireResponse; a component coded with the total is the
//    source's own total. Items held as hasMember references are separate
//    Observations this pure mapper cannot read: an Issue says so.
// Item components on a total Observation are scored too, and checked
// against its value.
#pragma once

#include <optional>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "mappers/outcomes/instrument_table.hpp"
#include "mappers/outcomes/score.hpp"

namespace mappers::outcomes {

// nullopt: not a total or panel of a known instrument (an Observation of a
// single item included: its panel is what gets scored). An Issue: it is
// one, but cannot be scored.
fhir::Result<std::optional<Score>> score_observation(const InstrumentTable& table,
                                                     const fhir::json::Value& observation);

}  // namespace mappers::outcomes
