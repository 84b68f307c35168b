// Population quality measures (issue 9, requirement 5) over many people's
// care facts as of now, with the thresholds in care-rules.json. Pure: the
// gateway renders them as Parameters. Facts are read as fact_timeline.hpp
// says (facts after now not yet known; scores at one moment are one).
// Rates are numerator / denominator as a percent rounded to one decimal
// (unit "%"), absent when the denominator is 0.
//
//  response-N, remission-N  (N in measures.outcome_days: 30, 60, 90) Per
//      series (a treatment episode, fact_timeline.hpp: a score more than
//      treatment.series_gap_days, 180, after the one before begins a new
//      one) of an instrument with a rule, every series of every person,
//      whose baseline (first score) is at or above min_baseline and at
//      least N days before now. Numerator: the latest score of the series
//      at or before baseline + N days (the baseline itself if there is no
//      later one) is a response (at least response_percent below the
//      baseline) / a remission (below remission_below). Every series, not
//      only the current one: the measures are the history's rate (as
//      ed-follow-up-N), an episode's outcome does not vanish when the
//      person returns for a new one, and each episode is judged on its own
//      baseline. Instruments without remission_below (PCL-5) are left out
//      of remission-N.
//  screen-to-contact  Positive screens: per series, its first score at or
//      above the instrument's positive_screen; of a person's screens (all
//      instruments, in time order) one within series_gap_days after a
//      counted one belongs to its episode and is not counted again (a
//      PHQ-9 and a GAD-7 of one visit are one screen). A person screened
//      in 2023 and again in 2026 has two. Numerator: those with a
//      follow-up contact (any contact but a crisis encounter; a later
//      score counts) strictly after the screen. Value: the median days
//      from the screen to the first such contact, over the numerator,
//      rounded to one decimal (unit "d").
//  ed-follow-up-N  (N in measures.follow_up_days: 7, 30) Per encounter of a
//      crisis class (EMER) with a discharge status (finished) that ended
//      more than N days before now. Numerator: a follow-up contact (not a
//      crisis encounter, not the encounter itself) within [end, end + N
//      days]. No lookback (discharge-no-follow-up's lookback_days is not
//      applied): the rate is over every such encounter in the history, and
//      a window here would be a measurement period, a rule of its own.
//  no-show-rate  Per past appointment (start at or before now) with a
//      missed (noshow) or attended (fulfilled, arrived, checked-in) status.
//      Numerator: the missed ones.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fhir/store/care_fact.hpp"
#include "mappers/care/care_rules.hpp"

namespace mappers::care {

struct PersonFacts {
  std::string patient;
  std::vector<fhir::store::CareFact> facts;
};

struct QualityMeasure {
  std::string code;  // "response-30", "screen-to-contact", ...
  std::string display;
  std::int64_t numerator = 0, denominator = 0;
  std::optional<double> value;
  std::string unit;  // "%" or "d" (UCUM)
};

// In the order: response-N..., remission-N..., screen-to-contact,
// ed-follow-up-N..., no-show-rate.
std::vector<QualityMeasure> quality_measures(const CareRules& rules, std::span<const PersonFacts> people,
                                             std::int64_t now_ms);

}  // namespace mappers::care
