// Whether two Patient records are the same person (issue 9: one patient
// across source systems), under the rules in matching-rules.json:
//
//  1. Strong identifiers. Any configured system on both records with a
//     value in common links (grade certain, score 1) unless the
//     demographics weigh below the strong-identifier floor (review,
//     probable). The same system with only different current values is a
//     conflict: none, certainly-not, score 0, whatever else agrees.
//  2. Demographics (Fellegi-Sunter). Each field's level weighs log2(m/u);
//     the total is compared with the thresholds: at or above link, and
//     with every link_requires agreement (birth date exact, always), link
//     (certain); at or above link without them, review (probable); at or
//     above review, review (possible); below, none (no grade).
//
// Pure: no I/O; the caller stores the result (link table) or returns it
// from $match.
#pragma once

#include "mappers/identity/match_result.hpp"
#include "mappers/identity/matching_rules.hpp"
#include "mappers/identity/patient_demographics.hpp"

namespace mappers::identity {

MatchResult match(const Demographics& a, const Demographics& b, const MatchingRules& rules);

// The $match score of a demographic weight: a logistic curve in base 2,
// 1 / (1 + 2^(-(w - c) / s)), with c and s set so the review threshold
// scores rules.score_at_review() and the link threshold
// rules.score_at_link(). Strictly increasing in w.
double match_score(double total_weight, const MatchingRules& rules);

}  // namespace mappers::identity
