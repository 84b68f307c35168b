// The care manager's registry (issue 9, requirement 5): one row per person
// and instrument, from the person's care facts as of now. Pure: the gateway
// renders the rows as CSV or Parameters.
//
//  baseline / latest   the first score of the instrument's current series
//                      and its latest score (current_series,
//                      fact_timeline.hpp: a score more than
//                      treatment.series_gap_days, 180, after the one
//                      before begins a new series; scores at one moment
//                      are one). Everything below is of that series.
//  change_percent      (latest - baseline) / baseline * 100, rounded to one
//                      decimal (negative: better); none when the baseline is 0
//  weeks_in_treatment  whole weeks from the (current series') baseline
//                      to now
//  response            the latest score is at least the instrument's
//                      response_percent (50%) below the baseline
//  remission           the latest score is below the instrument's
//                      remission_below (PHQ-9, PHQ-A, GAD-7: 5; PCL-5: none,
//                      so never)
//                      Both only when the baseline is at or above the
//                      instrument's min_baseline: a person who never scored
//                      high neither responds nor remits. An instrument
//                      without a rule has neither.
//  not_improving       evaluate_flags raises not-improving for the instrument
//  open_flags          codes of the person's active Flag facts (kind "flag",
//                      detail "status:active", no end or an end after now),
//                      sorted, deduplicated
//  last_contact, next_appointment   as fact_timeline.hpp; 0: none
//
// A person with no score has one row with instrument "" and only the
// person-wide columns.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/store/care_fact.hpp"
#include "mappers/care/care_rules.hpp"

namespace mappers::care {

struct RegistryRow {
  std::string patient;
  std::string instrument;  // "" when the person has no scores (one row then)
  std::optional<double> baseline_score, latest_score, change_percent;
  std::int64_t baseline_ms = 0, latest_ms = 0;
  std::optional<int> weeks_in_treatment;
  bool response = false, remission = false, not_improving = false;
  std::vector<std::string> open_flags;
  std::int64_t last_contact_ms = 0, next_appointment_ms = 0;  // 0: none
};

// Rows ordered by instrument id; patient is copied into each.
std::vector<RegistryRow> registry_rows(const CareRules& rules, std::string_view patient,
                                       std::span<const fhir::store::CareFact> facts, std::int64_t now_ms);

// Whether latest is at least percent below baseline (exact at the boundary).
bool dropped_by(double baseline, double latest, double percent);

}  // namespace mappers::care
