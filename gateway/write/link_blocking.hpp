// Blocking for patient matching (issue 9): the searches that find the
// stored Patients that could be the same person as a record, through the
// search index, never a scan. Each candidate is then scored by
// mappers/identity match(). Used by the link step (inside the writer's
// transaction) and by Patient/$match (on the storage pool, under the
// request's consent filter).
#pragma once

#include <vector>

#include "gateway/write/criteria.hpp"
#include "gateway/write/write_pipeline.hpp"
#include "mappers/identity/patient_demographics.hpp"

namespace gateway {

// Candidates per blocking search. A birth date is shared by about 1 in
// 3,300 people (matching-rules.json), so this is reached only in stores of
// millions of Patients; past it the rest are not compared.
inline constexpr int kMaxMatchCandidates = 500;

// Patient searches: the same birth date, the same with day and month
// transposed (which the rules review), and each strong identifier's value
// (placeholders left out) under every system the rules give it. Empty
// when the record has neither a full birth date nor a strong identifier.
// Needs ctx.search and ctx.matching.
fhir::Result<std::vector<Criteria>> blocking_searches(const WriteContext& ctx,
                                                      const mappers::identity::Demographics& d);

}  // namespace gateway
