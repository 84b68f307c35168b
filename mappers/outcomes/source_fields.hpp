// The Score fields that describe where it came from, copied verbatim from
// the source resource: its reference, subject and time.
#pragma once

#include "fhir/json/value.hpp"
#include "mappers/outcomes/score.hpp"

namespace mappers::outcomes {

// source ("Type/id"), subject (subject.reference) and effective: an
// Observation's effectiveDateTime, effectiveInstant or effectivePeriod.start
// (when the assessment began; .end if only that is known), a
// QuestionnaireResponse's authored.
void describe_source(const fhir::json::Value& resource, Score& s);

}  // namespace mappers::outcomes
