// Scores a QuestionnaireResponse itself, from its answers: each item's
// value (answer_value.hpp) summed per instrument, nested groups walked.
// How linkIds are recognised is response_form.hpp. A response that carries
// its own total is checked against the sum: the sum is the Score's total,
// and source_total_disagrees says they differ. An answer that cannot be
// mapped leaves the Score incomplete, with a note naming the item.
#pragma once

#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "mappers/outcomes/instrument_table.hpp"
#include "mappers/outcomes/score.hpp"

namespace mappers::outcomes {

// One Score per instrument with an item in the response (a combined form
// gives several), in order of first appearance; empty when the response
// is no known instrument. An Issue when the response cannot be scored at
// all (not a QuestionnaireResponse, entered-in-error).
// questionnaire: the Questionnaire it answers, if the caller resolved it;
// may be null.
fhir::Result<std::vector<Score>> score_questionnaire_response(const InstrumentTable& table,
                                                              const fhir::json::Value& response,
                                                              const fhir::json::Value* questionnaire = nullptr);

}  // namespace mappers::outcomes
