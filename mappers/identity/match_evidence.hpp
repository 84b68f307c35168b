// A MatchResult as JSON, the form the link table stores as a link's
// evidence (PHI: it holds the normalised values compared) and a review
// queue shows.
#pragma once

#include "fhir/json/value.hpp"
#include "mappers/identity/match_result.hpp"

namespace mappers::identity {

// {"outcome": "review", "grade": "possible", "score": 0.915,
//  "weight": 31.14, "reason": "...", "rules_version": "...",
//  "evidence": [{"field": "birth_date", "level": "partial",
//                "weight": 5.059, "decisive": false,
//                "detail": "1967-01-04 | 1967-04-01"}, ...]}
// "grade" is left out when there is none.
fhir::json::Value evidence_json(const MatchResult& r);

}  // namespace mappers::identity
