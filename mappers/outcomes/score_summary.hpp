// The parts of a Score that follow from its item values, the same for an
// Observation panel and a QuestionnaireResponse: the total (only when
// every item is answered), severity band, safety flag, and whether the
// source's own total agrees.
#pragma once

#include <string>

#include "fhir/core/issue.hpp"
#include "mappers/outcomes/instrument.hpp"
#include "mappers/outcomes/score.hpp"

namespace mappers::outcomes {

// An empty Score for the instrument: one unanswered slot per item.
Score start_score(const Instrument& inst, const std::string& table_version);

// Fills answered, complete, total (the item sum, when complete; otherwise
// whatever the caller set), severity, safety_positive and
// source_total_disagrees.
void summarize(const Instrument& inst, Score& s);

// A Score note: a warning about one element.
fhir::Issue note(std::string diagnostics, std::string expression);

}  // namespace mappers::outcomes
