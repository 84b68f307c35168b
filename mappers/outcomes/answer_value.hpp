// The item value of one answer: a QuestionnaireResponse item.answer or an
// Observation.component, read from its value[x]. A coding's value comes
// from instruments.json, an ordinalValue extension on the coding, or the
// ordinalValue the Questionnaire gives that option; when sources disagree,
// or none knows the code, there is no value: never a guess.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "mappers/outcomes/instrument.hpp"

namespace mappers::outcomes {

// An answer option's ordinalValue as a Questionnaire declares it. system
// may be empty (an option coded without one).
struct OptionValue {
  std::string system;
  std::string code;
  int value = 0;
};

struct AnswerContext {
  const Instrument* instrument = nullptr;
  // The system of a coding that names none: a known form's answer system.
  std::string_view default_system;
  // The Questionnaire item's options; may be null.
  const std::vector<OptionValue>* options = nullptr;
};

// The value, or a warning naming the element (expression) and why.
// Accepts valueCoding, valueCodeableConcept, valueInteger, valueDecimal and
// valueQuantity.value; numbers must be whole and within the item range.
fhir::Result<int> answer_value(const AnswerContext& ctx, const fhir::json::Value& element,
                               const std::string& expression);

// The ordinalValue (or the older iso21090-CO-value) extension among an
// element's extensions, if it holds a whole number.
std::optional<int> ordinal_extension(const fhir::json::Value& element);

}  // namespace mappers::outcomes
