// Provision criteria that look at the resource itself (G3): class (by
// type, profile or MIME type), code, dataPeriod and data. Each answers
// yes, no, or unknown when it needs the content and ResourceFacts has none
// (the decision is then needs_content: the caller loads the resource and
// asks again).
#pragma once

#include "consent/decision/compiled_consent.hpp"
#include "consent/decision/decision_inputs.hpp"

namespace consent {

enum class Match { no, yes, unknown };

// Resource type from facts; profile from meta.profile (version ignored);
// MIME type from Binary.contentType or DocumentReference.content.attachment.
Match class_matches(const ProvisionClass& c, const ResourceFacts& facts);
// Any coding in the resource's top-level code, category, type,
// medicationCodeableConcept or vaccineCode (trailing '/' of a system ignored).
Match code_matches(const std::vector<Coding>& codes, const ResourceFacts& facts);
// The resource's clinical date (the first of effective[x], onset[x],
// occurrence[x], performed[x], authoredOn, period, date, issued,
// recordedDate, created) overlaps the range. No clinical date: no match.
Match data_period_matches(const TimeRange& range, const ResourceFacts& facts);
// instance: the resource is the target. related, dependents, authoredby:
// the resource is the target or refers to it anywhere in its content.
Match data_matches(const DataRef& data, const ResourceFacts& facts);

}  // namespace consent
