// Population quality measures over small scripted populations whose
// numbers are worked out by hand in the comments.
#include "mappers/care/quality_measures.hpp"

#include <gtest/gtest.h>

#include <optional>
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

const CareRules& rules() { return test::shipped_rules(); }

using test::day;
using test::kT0;

int next_id = 0;
CareFact fact(std::string kind, std::string type, std::string code, std::int64_t at) {
  CareFact f;
  f.patient = "p";
  f.kind = std::move(kind);
  f.type = std::move(type);
  f.id = std::to_string(++next_id);
  f.code = std::move(code);
  f.at_ms = at;
  return f;
}
CareFact score(std::string instrument, double value, std::int64_t at) {
  CareFact f = fact("score", "Observation", std::move(instrument), at);
  f.value = value;
  return f;
}
CareFact encounter(std::string status, std::int64_t at, std::int64_t end, std::string detail) {
  CareFact f = fact("encounter", "Encounter", std::move(status), at);
  f.end_ms = end;
  f.detail = std::move(detail);
  return f;
}
CareFact appointment(std::string status, std::int64_t at) {
  return fact("appointment", "Appointment", std::move(status), at);
}
// An ED visit of four hours ending at end.
CareFact ed_visit(std::int64_t end, std::string status = "finished") {
  return encounter(std::move(status), end - 4 * 3'600'000, end, "class:EMER discharge");
}

PersonFacts person(std::string id, std::vector<CareFact> facts) { return {std::move(id), std::move(facts)}; }

QualityMeasure measure(const std::vector<PersonFacts>& people, std::int64_t now, const std::string& code) {
  for (auto& m : quality_measures(rules(), people, now))
    if (m.code == code) return m;
  ADD_FAILURE() << "no " << code;
  return {};
}

void expect_measure(const std::vector<PersonFacts>& people, std::int64_t now, const std::string& code,
                    std::int64_t numerator, std::int64_t denominator, std::optional<double> value) {
  QualityMeasure m = measure(people, now, code);
  EXPECT_EQ(m.numerator, numerator) << code;
  EXPECT_EQ(m.denominator, denominator) << code;
  EXPECT_EQ(m.value, value) << code;
}

TEST(QualityMeasuresTest, MeasuresComeInAFixedOrderAndAreEmptyForNoOne) {
  auto all = quality_measures(rules(), {}, day(0));
  std::vector<std::string> codes;
  for (const auto& m : all) {
    codes.push_back(m.code);
    EXPECT_EQ(m.numerator, 0) << m.code;
    EXPECT_EQ(m.denominator, 0) << m.code;
    EXPECT_FALSE(m.value.has_value()) << m.code;
    EXPECT_FALSE(m.display.empty()) << m.code;
    EXPECT_EQ(m.unit, m.code == "screen-to-contact" ? "d" : "%") << m.code;
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"response-30", "response-60", "response-90", "remission-30",
                                             "remission-60", "remission-90", "screen-to-contact", "ed-follow-up-7",
                                             "ed-follow-up-30", "no-show-rate"}));
}

// Now is day 100.
std::vector<PersonFacts> treated() {
  return {
      // PHQ-9 20 -> 8 (day 28) -> 4 (day 56): by day 30 a response (60%)
      // without remission; by days 60 and 90 both.
      person("p1", {score("phq-9", 20, day(0)), score("phq-9", 8, day(28)), score("phq-9", 4, day(56))}),
      // Baseline day 50: old enough for day 30 only (latest by day 80: 14,
      // neither).
      person("p2", {score("phq-9", 15, day(50)), score("phq-9", 14, day(70))}),
      // GAD-7 baseline only: eligible everywhere, never a response.
      person("p3", {score("gad-7", 12, day(0))}),
      // Baseline under the minimum: not eligible.
      person("p4", {score("phq-9", 8, day(0)), score("phq-9", 1, day(20))}),
      // PCL-5 40 -> 15: a response; no remission threshold, so not in the
      // remission measures.
      person("p5", {score("pcl-5", 40, day(0)), score("pcl-5", 15, day(20))}),
      // Baseline exactly 30 days ago: eligible for day 30; 12 -> 5 is a
      // response (58%), and 5 is not a remission.
      person("p6", {score("phq-9", 12, day(70)), score("phq-9", 5, day(80))}),
  };
}

TEST(QualityMeasuresTest, ResponseAndRemissionByDay) {
  auto people = treated();
  // response-30: p1 yes, p2 no, p3 no, p5 yes, p6 yes -> 3/5.
  expect_measure(people, day(100), "response-30", 3, 5, 60.0);
  // response-60 and -90: p1 yes, p3 no, p5 yes -> 2/3.
  expect_measure(people, day(100), "response-60", 2, 3, 66.7);
  expect_measure(people, day(100), "response-90", 2, 3, 66.7);
  // remission-30: p1 (8), p2, p3, p6 (5): none -> 0/4.
  expect_measure(people, day(100), "remission-30", 0, 4, 0.0);
  // remission-60 and -90: p1 yes, p3 no -> 1/2.
  expect_measure(people, day(100), "remission-60", 1, 2, 50.0);
  expect_measure(people, day(100), "remission-90", 1, 2, 50.0);
  // A day earlier p6 is not yet 30 days in.
  expect_measure(people, day(100) - 1, "response-30", 2, 4, 50.0);
}

TEST(QualityMeasuresTest, ResponseUsesTheLatestScoreByTheDayNotAfter) {
  // 20 at day 0, 15 at day 30, 2 at day 31: by day 30 no response.
  auto people = std::vector<PersonFacts>{
      person("p", {score("phq-9", 20, day(0)), score("phq-9", 15, day(30)), score("phq-9", 2, day(31))})};
  expect_measure(people, day(100), "response-30", 0, 1, 0.0);
  expect_measure(people, day(100), "response-60", 1, 1, 100.0);
  expect_measure(people, day(100), "remission-60", 1, 1, 100.0);
}

TEST(QualityMeasuresTest, TimeFromPositiveScreenToContact) {
  std::vector<PersonFacts> people = {
      // Screen day 0, visit day 3: 3 days.
      person("s1", {score("phq-9", 12, day(0)), encounter("finished", day(3), day(3, 1), "class:AMB")}),
      // A negative PHQ-9, then a positive GAD-7 at day 10, seen day 20: 10 days.
      person("s2", {score("phq-9", 5, day(5)), score("gad-7", 15, day(10)), appointment("fulfilled", day(20))}),
      // Positive at day 30; an ED visit next day is no contact for this;
      // a visit at day 37: 7 days.
      person("s3", {score("phq-9", 9, day(0)), score("phq-9", 11, day(30)), ed_visit(day(31)),
                    encounter("finished", day(37), day(37, 1), "class:AMB")}),
      // PCL-5 exactly at its cut point, never seen again.
      person("s4", {score("pcl-5", 33, day(0)), appointment("noshow", day(7))}),
      // Never positive.
      person("s5", {score("phq-9", 9, day(0)), encounter("finished", day(1), day(1, 1), "class:AMB")}),
      // Seen only at the moment of the screen: not after it.
      person("s6", {score("phq-9", 10, day(0)), encounter("finished", day(0), day(0, 1), "class:AMB")}),
  };
  // 3 of 5 positive screens were followed by a contact; median of 3, 7, 10.
  expect_measure(people, day(100), "screen-to-contact", 3, 5, 7.0);
  QualityMeasure m = measure(people, day(100), "screen-to-contact");
  EXPECT_EQ(m.unit, "d");
  // Without s3: median of 3 and 10.
  people.erase(people.begin() + 2);
  expect_measure(people, day(100), "screen-to-contact", 2, 4, 6.5);
  // A later score is a contact too: half a day later.
  std::vector<PersonFacts> rescored = {person("r", {score("phq-9", 12, day(0)), score("phq-9", 13, day(0, 12))})};
  expect_measure(rescored, day(100), "screen-to-contact", 1, 1, 0.5);
}

// Every series (treatment.series_gap_days, 180) is an episode of its own.
TEST(QualityMeasuresTest, EachSeriesOfAPersonIsAnEpisode) {
  std::vector<PersonFacts> people = {
      // Two episodes: 20 -> 8 by day 28 (a response, no remission), then
      // 272 days without a PHQ-9, then 15 -> 4 by day 320 (both).
      person("twice", {score("phq-9", 20, day(0)), score("phq-9", 8, day(28)), score("phq-9", 15, day(300)),
                       score("phq-9", 4, day(320))}),
      // The demo: a screening 3 in 2023 (under min_baseline) kept the
      // whole person out; the 2026 series of 12 -> 11 counts (no response).
      person("demo", {score("phq-9", 3, day(-1023)), score("phq-9", 12, day(186)), score("phq-9", 11, day(200))}),
  };
  // Day 400: every series' baseline is more than 30 days old.
  // response-30: twice x2 yes, demo no -> 2/3; remission-30: 1/3.
  expect_measure(people, day(400), "response-30", 2, 3, 66.7);
  expect_measure(people, day(400), "remission-30", 1, 3, 33.3);
  // Day 90 of every episode (days 90, 390 and 276) has passed.
  expect_measure(people, day(400), "response-90", 2, 3, 66.7);
  // Before the second episode's day 30 (day 329) only the first counts.
  expect_measure({people[0]}, day(329), "response-30", 1, 1, 100.0);
  expect_measure({people[0]}, day(330), "response-30", 2, 2, 100.0);
  expect_measure({people[0]}, day(330), "remission-30", 1, 2, 50.0);
}

TEST(QualityMeasuresTest, AnEpisodeIsJudgedOnItsOwnScores) {
  // With a gap of 30 days and outcomes at 90: 20 -> 18 (day 10), then a
  // new series 10 -> 2 from day 50. By the first episode's day 90 its
  // latest score is 18 (no response), not the next episode's 2.
  CareRules r = rules();
  r.treatment.series_gap_days = 30;
  std::vector<PersonFacts> people = {person(
      "p", {score("phq-9", 20, day(0)), score("phq-9", 18, day(10)), score("phq-9", 10, day(50)),
            score("phq-9", 2, day(60))})};
  QualityMeasure m;
  for (auto& q : quality_measures(r, people, day(200)))
    if (q.code == "response-90") m = q;
  EXPECT_EQ(m.numerator, 1);
  EXPECT_EQ(m.denominator, 2);
  // With the shipped 180 days it is one episode, 20 -> 2 by day 90.
  expect_measure(people, day(200), "response-90", 1, 1, 100.0);
}

TEST(QualityMeasuresTest, EachSeriesHasItsOwnPositiveScreen) {
  auto visit = [](std::int64_t at) { return encounter("finished", at, at + 3'600'000, "class:AMB"); };
  std::vector<PersonFacts> people = {
      // Screened positive in 2023 (seen 3 days later) and again in 2026,
      // a new series (seen 7 days later): two screens. The positive GAD-7
      // of the same visit is the same screen, not counted again.
      person("twice", {score("phq-9", 12, day(-1000)), visit(day(-997)), score("phq-9", 14, day(0)),
                       score("gad-7", 11, day(0)), visit(day(7))}),
  };
  expect_measure(people, day(100), "screen-to-contact", 2, 2, 5.0);
  // A negative 2023 screen, then a positive one in a new series.
  people.push_back(person("demo", {score("phq-9", 3, day(-1023)), score("phq-9", 12, day(186)), visit(day(190))}));
  expect_measure(people, day(300), "screen-to-contact", 3, 3, 4.0);
  // Another instrument's first positive screen exactly 180 days after a
  // counted one is the same episode; a day later it is a screen of its own
  // (never followed up).
  auto cross = [&](int gad_day) {
    return std::vector<PersonFacts>{person("x", {score("phq-9", 12, day(0)), visit(day(2)),
                                                 score("gad-7", 15, day(gad_day))})};
  };
  expect_measure(cross(180), day(400), "screen-to-contact", 1, 1, 2.0);
  expect_measure(cross(181), day(400), "screen-to-contact", 1, 2, 2.0);
}

TEST(QualityMeasuresTest, FollowUpAfterEmergencyOrCrisisEncounters) {
  auto visit = [](std::int64_t at) { return encounter("finished", at, at + 3'600'000, "class:AMB"); };
  std::vector<PersonFacts> people = {
      // Seen 5 days after: within 7 and 30.
      person("e1", {ed_visit(day(0)), visit(day(5))}),
      // Seen 10 days after: within 30 only.
      person("e2", {ed_visit(day(10)), visit(day(20))}),
      // Back to the ED two days later, nothing else: two visits, no follow-up.
      person("e3", {ed_visit(day(20)), ed_visit(day(22))}),
      // 5 days ago, and exactly 7 days ago: too recent for either.
      person("e4", {ed_visit(day(95)), ed_visit(day(93))}),
      // Seen exactly 7 days after (counts for 7); exactly 30 days ago (too
      // recent for 30).
      person("e6", {ed_visit(day(70)), visit(day(77))}),
      // Cancelled: no visit at all.
      person("e7", {ed_visit(day(10), "cancelled")}),
  };
  // 7 days: e1, e2, e3 (twice), e6 -> e1 and e6 followed up: 2/5.
  expect_measure(people, day(100), "ed-follow-up-7", 2, 5, 40.0);
  // 30 days: e1, e2, e3 (twice) -> e1 and e2: 2/4.
  expect_measure(people, day(100), "ed-follow-up-30", 2, 4, 50.0);
}

TEST(QualityMeasuresTest, NoShowRateOfPastAppointments) {
  std::vector<PersonFacts> people = {
      person("a", {appointment("noshow", day(1)), appointment("fulfilled", day(2)), appointment("arrived", day(3)),
                   appointment("cancelled", day(4)), appointment("booked", day(5)), appointment("noshow", day(150)),
                   appointment("entered-in-error", day(6))}),
      person("b", {appointment("checked-in", day(6)), appointment("noshow", day(7))}),
  };
  // Missed: day 1 and day 7; attended: days 2, 3 and 6; the rest has no
  // outcome or is in the future.
  expect_measure(people, day(100), "no-show-rate", 2, 5, 40.0);
}

}  // namespace
}  // namespace mappers::care
