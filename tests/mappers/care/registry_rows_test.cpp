// Registry rows: exact values for a responding and a stalling PHQ-9 series,
// duplicate scores counted once, response and remission at their
// boundaries, and the person without scores.
#include "mappers/care/registry_rows.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "mappers/care/care_rules.hpp"
#include "mappers/care/fact_timeline.hpp"
#include "tests/mappers/care/care_test_support.hpp"
#include "tests/support/fixture_paths.hpp"

namespace mappers::care {
namespace {

using fhir::store::CareFact;
using Codes = std::vector<std::string>;

const CareRules& rules() { return test::shipped_rules(); }

using test::day;
using test::kT0;

using test::fact;
using test::score;
CareFact flag(std::string id, std::string code, std::string detail, std::int64_t end = 0) {
  CareFact f = fact("flag", "Flag", std::move(id), std::move(code), day(0));
  f.detail = std::move(detail);
  f.end_ms = end;
  return f;
}

// The one row of a single-instrument person.
RegistryRow only_row(const std::vector<CareFact>& facts, std::int64_t now) {
  auto rows = registry_rows(rules(), "p1", facts, now);
  EXPECT_EQ(rows.size(), 1u);
  return rows.empty() ? RegistryRow{} : rows.front();
}

TEST(RegistryRowsTest, ARespondingSeries) {
  // PHQ-9 18 -> 12 -> 8 -> 4 over 12 weeks; a visit booked for week 13.
  std::vector<CareFact> facts = {
      score("s0", "phq-9", 18, day(0)),
      score("s4", "phq-9", 12, day(28)),
      score("s8", "phq-9", 8, day(56)),
      score("s12", "phq-9", 4, day(84)),
      fact("appointment", "Appointment", "next", "booked", day(91)),
      fact("appointment", "Appointment", "later", "booked", day(98)),
      fact("appointment", "Appointment", "gone", "cancelled", day(90)),
      flag("f1", "safety-item", "status:active derived"),
      flag("f2", "safety-item", "status:active"),
      flag("f3", "missed-appointments", "status:inactive derived"),
      flag("f4", "no-contact-30", "status:active derived", day(80)),
      flag("f5", "alert", "status:active", day(100)),
  };
  RegistryRow row = only_row(facts, day(86));
  EXPECT_EQ(row.patient, "p1");
  EXPECT_EQ(row.instrument, "phq-9");
  EXPECT_EQ(row.baseline_score, 18);
  EXPECT_EQ(row.baseline_ms, day(0));
  EXPECT_EQ(row.latest_score, 4);
  EXPECT_EQ(row.latest_ms, day(84));
  EXPECT_EQ(row.change_percent, -77.8);
  EXPECT_EQ(row.weeks_in_treatment, 12);
  EXPECT_TRUE(row.response);
  EXPECT_TRUE(row.remission);
  EXPECT_FALSE(row.not_improving);
  EXPECT_EQ(row.open_flags, (Codes{"alert", "safety-item"}));
  EXPECT_EQ(row.last_contact_ms, day(84));
  EXPECT_EQ(row.next_appointment_ms, day(91));

  // At week 8 the same person has responded but not remitted.
  RegistryRow week8 = only_row(facts, day(56));
  EXPECT_EQ(week8.latest_score, 8);
  EXPECT_EQ(week8.change_percent, -55.6);
  EXPECT_EQ(week8.weeks_in_treatment, 8);
  EXPECT_TRUE(week8.response);
  EXPECT_FALSE(week8.remission);
}

TEST(RegistryRowsTest, AStallingSeries) {
  std::vector<CareFact> facts = {score("s0", "phq-9", 18, day(0)), score("s2", "phq-9", 17, day(14)),
                                 score("s4", "phq-9", 16, day(28)), score("s6", "phq-9", 16, day(42))};
  RegistryRow row = only_row(facts, day(45));
  EXPECT_EQ(row.instrument, "phq-9");
  EXPECT_EQ(row.baseline_score, 18);
  EXPECT_EQ(row.baseline_ms, day(0));
  EXPECT_EQ(row.latest_score, 16);
  EXPECT_EQ(row.latest_ms, day(42));
  EXPECT_EQ(row.change_percent, -11.1);
  EXPECT_EQ(row.weeks_in_treatment, 6);
  EXPECT_FALSE(row.response);
  EXPECT_FALSE(row.remission);
  EXPECT_TRUE(row.not_improving);
  EXPECT_EQ(row.open_flags, Codes{});
  EXPECT_EQ(row.last_contact_ms, day(42));
  EXPECT_EQ(row.next_appointment_ms, 0);
  EXPECT_FALSE(only_row(facts, day(27)).not_improving);  // before week 4's score
}

TEST(RegistryRowsTest, DuplicateScoresCountOnceAndInstrumentsComeInIdOrder) {
  // The QuestionnaireResponse the gateway scored and the Observation the
  // EHR reported, same moment: one score, the derived value.
  std::vector<CareFact> facts = {
      score("qr0", "phq-9", 14, day(0), "derived"), score("obs0", "phq-9", 15, day(0)),
      score("obs1", "phq-9", 7, day(30)),           score("qr1", "phq-9", 7, day(30), "derived"),
      score("g0", "gad-7", 12, day(2)),             score("g0-again", "gad-7", 12, day(2)),
  };
  auto rows = registry_rows(rules(), "p9", facts, day(35));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].patient, "p9");
  EXPECT_EQ(rows[0].instrument, "gad-7");
  EXPECT_EQ(rows[0].baseline_score, 12);
  EXPECT_EQ(rows[0].latest_score, 12);
  EXPECT_EQ(rows[0].latest_ms, day(2));
  EXPECT_EQ(rows[0].change_percent, 0);
  EXPECT_EQ(rows[0].weeks_in_treatment, 4);
  EXPECT_FALSE(rows[0].response);
  EXPECT_FALSE(rows[0].not_improving);  // one score: nothing to judge
  EXPECT_EQ(rows[1].instrument, "phq-9");
  EXPECT_EQ(rows[1].baseline_score, 14);
  EXPECT_EQ(rows[1].latest_score, 7);
  EXPECT_EQ(rows[1].change_percent, -50);
  EXPECT_EQ(rows[1].weeks_in_treatment, 5);
  EXPECT_TRUE(rows[1].response);  // exactly 50%
  EXPECT_FALSE(rows[1].remission);
  EXPECT_FALSE(rows[1].not_improving);
  for (const auto& row : rows) EXPECT_EQ(row.last_contact_ms, day(30));
}

TEST(RegistryRowsTest, AScoreDatedAfterNowIsNotYetKnown) {
  std::vector<CareFact> facts = {score("a", "phq-9", 20, day(0)), score("b", "phq-9", 4, day(50))};
  RegistryRow row = only_row(facts, day(49));
  EXPECT_EQ(row.latest_score, 20);
  EXPECT_EQ(row.change_percent, 0);
  EXPECT_FALSE(row.response);
}

TEST(RegistryRowsTest, ResponseAndRemissionAtTheirBoundaries) {
  auto series = [](const std::string& instrument, double baseline, double latest) {
    return std::vector<CareFact>{score("b", instrument, baseline, day(0)), score("l", instrument, latest, day(56))};
  };
  RegistryRow half = only_row(series("phq-9", 18, 9), day(56));
  EXPECT_TRUE(half.response);
  EXPECT_EQ(half.change_percent, -50);
  RegistryRow short_of_half = only_row(series("phq-9", 18, 10), day(56));
  EXPECT_FALSE(short_of_half.response);
  EXPECT_EQ(short_of_half.change_percent, -44.4);
  EXPECT_FALSE(only_row(series("phq-9", 12, 5), day(56)).remission);  // 5 is not under 5
  EXPECT_TRUE(only_row(series("phq-9", 12, 4), day(56)).remission);
  EXPECT_TRUE(only_row(series("gad-7", 10, 4), day(56)).remission);
  EXPECT_TRUE(only_row(series("phq-a", 10, 4), day(56)).remission);
  // PCL-5 has no remission threshold: a response, never a remission.
  RegistryRow pcl = only_row(series("pcl-5", 50, 0), day(56));
  EXPECT_TRUE(pcl.response);
  EXPECT_FALSE(pcl.remission);
  EXPECT_EQ(pcl.change_percent, -100);
  // A baseline under the instrument's minimum neither responds nor remits.
  RegistryRow low = only_row(series("phq-9", 9, 2), day(56));
  EXPECT_FALSE(low.response);
  EXPECT_FALSE(low.remission);
  EXPECT_EQ(low.change_percent, -77.8);
  // A baseline of 0 has no change percent; getting worse is positive.
  EXPECT_FALSE(only_row(series("phq-9", 0, 3), day(56)).change_percent.has_value());
  EXPECT_EQ(only_row(series("phq-9", 12, 15), day(56)).change_percent, 25);
  // An instrument without a rule: values, but neither response nor remission.
  RegistryRow unknown = only_row(series("phq-2", 6, 0), day(56));
  EXPECT_EQ(unknown.instrument, "phq-2");
  EXPECT_EQ(unknown.change_percent, -100);
  EXPECT_FALSE(unknown.response);
  EXPECT_FALSE(unknown.remission);
}

// The demo: a PHQ-9 of 3 at a 2023 screening, then treatment from July
// 2026. The baseline is the first score of the current series (more than
// series_gap_days, 180, since the 2023 score), not the first ever, which
// showed baseline 3, +266.7% and 156 weeks in treatment.
TEST(RegistryRowsTest, TheBaselineIsTheFirstScoreOfTheCurrentSeries) {
  std::vector<CareFact> facts = {
      score("screen", "phq-9", 3, day(-1023)),  // 2023-03-15
      score("t1", "phq-9", 12, day(186)),       // 2026-07-06
      score("t2", "phq-9", 11, day(200)),       // 2026-07-20
  };
  RegistryRow row = only_row(facts, day(207));  // 2026-07-27
  EXPECT_EQ(row.baseline_score, 12);
  EXPECT_EQ(row.baseline_ms, day(186));
  EXPECT_EQ(row.latest_score, 11);
  EXPECT_EQ(row.latest_ms, day(200));
  EXPECT_EQ(row.change_percent, -8.3);
  EXPECT_EQ(row.weeks_in_treatment, 3);
  EXPECT_FALSE(row.response);
  EXPECT_FALSE(row.remission);
  EXPECT_FALSE(row.not_improving);  // week 2: too early to judge

  // The other demo person: a 2023 PHQ-9 of 19 made 12 -> 9 in 2026 look
  // like a response (52.6% below 19); against its own baseline of 12 it
  // is a 25% drop: no response, and not stalled at week 4.
  std::vector<CareFact> other = {score("old", "phq-9", 19, day(-967)), score("n1", "phq-9", 12, day(186)),
                                 score("n2", "phq-9", 9, day(214))};
  RegistryRow o = only_row(other, day(214));
  EXPECT_EQ(o.baseline_score, 12);
  EXPECT_EQ(o.baseline_ms, day(186));
  EXPECT_EQ(o.change_percent, -25);
  EXPECT_EQ(o.weeks_in_treatment, 4);
  EXPECT_FALSE(o.response);
  EXPECT_FALSE(o.not_improving);

  // Within the old series (before the 2026 scores) the 2023 score is the
  // baseline still.
  RegistryRow before = only_row(facts, day(185));
  EXPECT_EQ(before.baseline_score, 3);
  EXPECT_EQ(before.latest_score, 3);
  EXPECT_EQ(before.weeks_in_treatment, 172);
}

TEST(RegistryRowsTest, ASeriesEndsAfterMoreThanSeriesGapDays) {
  ASSERT_EQ(rules().treatment.series_gap_days, 180);
  auto baseline_with_second_at = [](std::int64_t at, const CareRules& r = rules()) {
    std::vector<CareFact> facts = {score("a", "phq-9", 20, day(0)), score("b", "phq-9", 12, at)};
    auto rows = registry_rows(r, "p1", facts, at);
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? RegistryRow{} : rows.front();
  };
  // Exactly 180 days after the previous score: the same series.
  RegistryRow same = baseline_with_second_at(day(180));
  EXPECT_EQ(same.baseline_score, 20);
  EXPECT_EQ(same.baseline_ms, day(0));
  EXPECT_EQ(same.change_percent, -40);
  EXPECT_EQ(same.weeks_in_treatment, 25);
  // A day more: a new series, 12 its baseline.
  RegistryRow next = baseline_with_second_at(day(181));
  EXPECT_EQ(next.baseline_score, 12);
  EXPECT_EQ(next.baseline_ms, day(181));
  EXPECT_EQ(next.change_percent, 0);
  EXPECT_EQ(next.weeks_in_treatment, 0);
  // "More than" is strict to the millisecond.
  EXPECT_EQ(baseline_with_second_at(day(180) + 1).baseline_score, 12);
  // The gap runs from the previous score, not from the baseline: monthly
  // scores for a year stay one series.
  std::vector<CareFact> monthly;
  for (int m = 0; m <= 12; ++m) monthly.push_back(score("m" + std::to_string(m), "phq-9", 20 - m, day(30 * m)));
  EXPECT_EQ(only_row(monthly, day(360)).baseline_score, 20);
  // Instruments are split apart: a GAD-7 series goes on while the PHQ-9
  // restarts.
  std::vector<CareFact> both = {score("p0", "phq-9", 15, day(0)), score("g0", "gad-7", 14, day(0)),
                                score("g1", "gad-7", 11, day(150)), score("g2", "gad-7", 9, day(300)),
                                score("p1", "phq-9", 13, day(300))};
  auto rows = registry_rows(rules(), "p1", both, day(300));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].instrument, "gad-7");
  EXPECT_EQ(rows[0].baseline_score, 14);
  EXPECT_EQ(rows[1].instrument, "phq-9");
  EXPECT_EQ(rows[1].baseline_score, 13);
  // The number is the rules' own.
  CareRules longer = rules();
  longer.treatment.series_gap_days = 365;
  EXPECT_EQ(baseline_with_second_at(day(365), longer).baseline_score, 20);
  EXPECT_EQ(baseline_with_second_at(day(366), longer).baseline_score, 12);
}

TEST(RegistryRowsTest, WeeksInTreatmentAreWholeWeeks) {
  std::vector<CareFact> facts = {score("b", "phq-9", 12, day(0))};
  EXPECT_EQ(only_row(facts, day(0)).weeks_in_treatment, 0);
  EXPECT_EQ(only_row(facts, day(6)).weeks_in_treatment, 0);
  EXPECT_EQ(only_row(facts, day(7)).weeks_in_treatment, 1);
  EXPECT_EQ(only_row(facts, day(13)).weeks_in_treatment, 1);
  EXPECT_EQ(only_row(facts, day(14)).weeks_in_treatment, 2);
}

TEST(RegistryRowsTest, APersonWithoutScoresHasOneRow) {
  std::vector<CareFact> facts = {
      fact("encounter", "Encounter", "e1", "finished", day(3)),
      fact("encounter", "Encounter", "e2", "planned", day(9)),
      fact("appointment", "Appointment", "a1", "noshow", day(5)),
      fact("appointment", "Appointment", "a2", "booked", day(20)),
      flag("f1", "referral-no-outcome", "status:active derived"),
  };
  RegistryRow row = only_row(facts, day(10));
  EXPECT_EQ(row.patient, "p1");
  EXPECT_EQ(row.instrument, "");
  EXPECT_FALSE(row.baseline_score.has_value());
  EXPECT_FALSE(row.latest_score.has_value());
  EXPECT_FALSE(row.change_percent.has_value());
  EXPECT_EQ(row.baseline_ms, 0);
  EXPECT_EQ(row.latest_ms, 0);
  EXPECT_FALSE(row.weeks_in_treatment.has_value());
  EXPECT_FALSE(row.response);
  EXPECT_FALSE(row.remission);
  EXPECT_FALSE(row.not_improving);
  EXPECT_EQ(row.open_flags, Codes{"referral-no-outcome"});
  EXPECT_EQ(row.last_contact_ms, day(3));
  EXPECT_EQ(row.next_appointment_ms, day(20));

  RegistryRow nobody = only_row({}, day(10));
  EXPECT_EQ(nobody.instrument, "");
  EXPECT_EQ(nobody.last_contact_ms, 0);
  EXPECT_EQ(nobody.next_appointment_ms, 0);
  EXPECT_EQ(nobody.open_flags, Codes{});
}

}  // namespace
}  // namespace mappers::care
