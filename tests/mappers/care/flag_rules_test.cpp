// The care manager's flags over scripted fact sequences, each raised and
// cleared at its boundary (exactly at the threshold and a day either side),
// with the shipped care-rules.json; whole Synthea patients (the repo's
// synthea-sud and, when present, the 25 in ../shared) with counts worked
// out from their JSON; and that file refused when bad, naming the member.
#include "mappers/care/flag_rules.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "mappers/care/care_rules.hpp"
#include "mappers/care/fact_timeline.hpp"
#include "tests/mappers/care/synthea_facts.hpp"
#include "tests/mappers/care/care_test_support.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mappers::care {
namespace {

using fhir::json::Value;
using fhir::store::CareFact;

std::string rules_path() { return carebridge::test::share_dir() + "/mappers/care-rules.json"; }

const CareRules& rules() { return test::shipped_rules(); }

using test::day;
using test::kT0;

using test::fact;
using test::score;
CareFact appointment(std::string id, std::string status, std::int64_t at, std::string detail = "") {
  CareFact f = fact("appointment", "Appointment", std::move(id), std::move(status), at);
  f.detail = std::move(detail);
  return f;
}
CareFact encounter(std::string id, std::string status, std::int64_t at, std::int64_t end = 0,
                   std::string detail = "class:AMB") {
  CareFact f = fact("encounter", "Encounter", std::move(id), std::move(status), at);
  f.end_ms = end;
  f.detail = std::move(detail);
  return f;
}
// An order coded Referral to service (306206005), as care_facts_of makes it.
constexpr const char* kReferralOrder = "code:306206005 intent:order";
CareFact referral(std::string id, std::string status, std::int64_t at, std::string detail = kReferralOrder) {
  CareFact f = fact("referral", "ServiceRequest", std::move(id), std::move(status), at);
  f.detail = std::move(detail);
  return f;
}
CareFact medication(std::string id, std::string status, std::int64_t at, const std::string& med,
                    const std::string& dose, std::string source) {
  CareFact f = fact("medication", "MedicationRequest", std::move(id), std::move(status), at);
  f.detail = "med:" + med + " dose:" + dose + " intent:order";
  f.source = std::move(source);
  return f;
}
// Synthea's category codings of a mental health care plan (718347000).
constexpr const char* kMentalHealthPlan = "category:assess-plan category:718347000";
CareFact care_plan(std::string id, std::string status, std::int64_t at, std::int64_t end = 0,
                   std::string detail = kMentalHealthPlan) {
  CareFact f = fact("care-plan", "CarePlan", std::move(id), std::move(status), at);
  f.end_ms = end;
  f.detail = std::move(detail);
  return f;
}
CareFact episode(std::string id, std::string status, std::int64_t at, std::int64_t end = 0) {
  CareFact f = fact("episode", "EpisodeOfCare", std::move(id), std::move(status), at);
  f.end_ms = end;
  return f;
}
CareFact from(CareFact f, std::string source) {
  f.source = std::move(source);
  return f;
}

// "code" or "code:instrument" of each flag, in the order returned.
std::vector<std::string> codes(const std::vector<CareFact>& facts, std::int64_t now, const CareRules& r = rules()) {
  std::vector<std::string> out;
  for (const auto& f : evaluate_flags(r, facts, now))
    out.push_back(f.instrument.empty() ? f.code : f.code + ":" + f.instrument);
  return out;
}
using Codes = std::vector<std::string>;

FlagFinding the(const std::vector<CareFact>& facts, std::int64_t now, const std::string& code) {
  for (auto& f : evaluate_flags(rules(), facts, now))
    if (f.code == code) return f;
  ADD_FAILURE() << "no " << code;
  return {};
}

// ---- The rules file ----

TEST(CareRulesTest, ShippedRulesLoad) {
  const CareRules& r = rules();
  EXPECT_EQ(r.version, "2026-11-26.4");
  ASSERT_EQ(r.instruments.size(), 4u);
  const InstrumentRule* phq9 = r.instrument("phq-9");
  ASSERT_NE(phq9, nullptr);
  EXPECT_EQ(phq9->min_baseline, 10);
  EXPECT_EQ(phq9->positive_screen, 10);
  EXPECT_EQ(phq9->remission_below, 5);
  EXPECT_EQ(phq9->response_percent, 50);
  EXPECT_EQ(r.instrument("gad-7")->remission_below, 5);
  EXPECT_EQ(r.instrument("phq-a")->remission_below, 5);
  EXPECT_EQ(r.instrument("pcl-5")->min_baseline, 33);
  EXPECT_FALSE(r.instrument("pcl-5")->remission_below.has_value());
  EXPECT_EQ(r.instrument("nope"), nullptr);
  EXPECT_EQ(r.contacts.encounter_statuses, (Codes{"arrived", "in-progress", "finished"}));
  EXPECT_EQ(r.contacts.appointment_statuses, (Codes{"arrived", "checked-in", "fulfilled"}));
  EXPECT_TRUE(r.contacts.scores);
  EXPECT_EQ(r.treatment.score_within_days, 180);
  EXPECT_EQ(r.treatment.series_gap_days, 180);
  EXPECT_EQ(r.treatment.care_plan_statuses, Codes{"active"});
  // Mental health, major depressive disorder management, psychiatry.
  EXPECT_EQ(r.treatment.care_plan_categories, (Codes{"718347000", "737434004", "736254008"}));
  EXPECT_EQ(r.treatment.episode_statuses, Codes{"active"});
  EXPECT_EQ(r.no_contact.days, (std::vector<int>{30, 60, 90}));
  EXPECT_EQ(r.overdue_reassessment.days, 30);
  EXPECT_EQ(r.not_improving.early_weeks, 4);
  EXPECT_EQ(r.not_improving.early_points, 5);
  EXPECT_EQ(r.not_improving.early_percent, 20);
  EXPECT_EQ(r.not_improving.late_weeks, 10);
  EXPECT_EQ(r.not_improving.late_percent, 50);
  EXPECT_EQ(r.safety_item.instruments, (Codes{"phq-9", "phq-a"}));
  EXPECT_EQ(r.referral.days, 14);
  EXPECT_EQ(r.referral.intents, (Codes{"order", "original-order", "filler-order", "instance-order"}));
  EXPECT_EQ(r.referral.categories, (Codes{"3457005", "103696004"}));
  EXPECT_EQ(r.referral.codes, (Codes{"306206005", "183524004"}));
  EXPECT_TRUE(r.medication_change.needs_another_source);
  EXPECT_EQ(r.discharge.days, 7);
  EXPECT_EQ(r.discharge.lookback_days, 90);
  EXPECT_EQ(r.measures.outcome_days, (std::vector<int>{30, 60, 90}));
  EXPECT_EQ(r.measures.follow_up_days, (std::vector<int>{7, 30}));
  for (bool on : {r.missed_appointments.enabled, r.no_contact.enabled, r.overdue_reassessment.enabled,
                  r.not_improving.enabled, r.safety_item.enabled, r.referral.enabled, r.medication_change.enabled,
                  r.discharge.enabled})
    EXPECT_TRUE(on);
}

Value shipped_doc() {
  auto v = fhir::json::parse(carebridge::test::read_file(rules_path()));
  EXPECT_TRUE(v.ok());
  return v.ok() ? std::move(*v) : Value();
}

void expect_refused(const Value& doc, const std::string& expression, const std::string& problem) {
  auto r = parse_care_rules(fhir::json::write(doc));
  ASSERT_FALSE(r.ok()) << "accepted; expected: " << problem;
  EXPECT_EQ(r.issue().severity, fhir::Severity::fatal);  // a shipped file: our failure
  EXPECT_EQ(r.issue().code, "exception");
  EXPECT_EQ(r.issue().expression, expression);
  EXPECT_NE(r.issue().diagnostics.find(problem), std::string::npos) << r.issue().diagnostics;
}

Value& flag_entry(Value& doc, const std::string& name) { return *doc.find("flags")->find(name); }
Value& instrument_entry(Value& doc, std::size_t i) { return doc.find("instruments")->items()[i]; }
Value numbers(std::initializer_list<const char*> ns) {
  Value a = Value::make_array();
  for (const char* n : ns) a.push_back(Value::make_number(n));
  return a;
}

TEST(CareRulesTest, TheShippedDocumentIsAcceptedAsIs) {
  EXPECT_TRUE(parse_care_rules(fhir::json::write(shipped_doc())).ok());
}

TEST(CareRulesTest, BadRulesAreRefusedNamingTheMember) {
  {
    Value doc = shipped_doc();
    doc.erase("version");
    expect_refused(doc, "version", "care rules: version must be a non-empty string");
  }
  {
    Value doc = shipped_doc();
    flag_entry(doc, "no-contact").set("dayz", numbers({"30"}));
    expect_refused(doc, "flags.no-contact.dayz", "flags.no-contact.dayz is not a known member");
  }
  {
    Value doc = shipped_doc();
    doc.find("fields")->erase("contacts.scores");
    expect_refused(doc, "contacts.scores", "contacts.scores is not documented in fields");
  }
  {
    Value doc = shipped_doc();
    doc.find("fields")->erase("flags.*.display");
    expect_refused(doc, "flags.missed-appointments.display", "is not documented in fields (\"flags.*.display\")");
  }
  {
    Value doc = shipped_doc();
    doc.find("fields")->set("contacts.phone_calls", Value::make_string("calls count"));
    expect_refused(doc, "fields.contacts.phone_calls", "fields.contacts.phone_calls documents no member");
  }
  {
    Value doc = shipped_doc();
    doc.find("fields")->set("contacts", Value::make_string(""));
    expect_refused(doc, "fields.contacts", "fields.contacts must be a non-empty string");
  }
  {
    Value doc = shipped_doc();
    flag_entry(doc, "no-contact").set("days", numbers({"60", "30"}));
    expect_refused(doc, "flags.no-contact.days", "must be a non-empty array of ascending whole numbers");
  }
  {
    Value doc = shipped_doc();
    flag_entry(doc, "not-improving").set("late_weeks", Value::make_number("4"));
    expect_refused(doc, "flags.not-improving.late_weeks", "must be above early_weeks");
  }
  {
    Value doc = shipped_doc();
    flag_entry(doc, "not-improving").set("early_percent", Value::make_number("0"));
    expect_refused(doc, "flags.not-improving.early_percent", "must be a percent above 0 and at most 100");
  }
  {
    Value doc = shipped_doc();
    flag_entry(doc, "not-improving").set("early_points", Value::make_number("-1"));
    expect_refused(doc, "flags.not-improving.early_points", "must be a number of at least 0");
  }
  {
    Value doc = shipped_doc();
    flag_entry(doc, "missed-appointments").set("enabled", Value::make_string("yes"));
    expect_refused(doc, "flags.missed-appointments.enabled", "must be true or false");
  }
  {
    Value doc = shipped_doc();
    flag_entry(doc, "referral-no-outcome").set("days", Value::make_number("14.5"));
    expect_refused(doc, "flags.referral-no-outcome.days", "must be a whole number of at least 1");
  }
  {
    Value doc = shipped_doc();
    flag_entry(doc, "referral-no-outcome").find("intents")->push_back(Value::make_string("oder"));
    expect_refused(doc, "flags.referral-no-outcome.intents", "names oder, which is no R4 request-intent code");
  }
  {
    Value doc = shipped_doc();
    flag_entry(doc, "referral-no-outcome").erase("categories");
    expect_refused(doc, "flags.referral-no-outcome.categories", "must be an array of non-empty strings");
  }
  {
    Value doc = shipped_doc();
    flag_entry(doc, "referral-no-outcome").find("codes")->push_back(Value::make_number("306206005"));
    expect_refused(doc, "flags.referral-no-outcome.codes", "must be an array of non-empty strings");
  }
  {
    Value doc = shipped_doc();
    doc.find("fields")->erase("flags.referral-no-outcome.codes");
    expect_refused(doc, "flags.referral-no-outcome.codes", "is not documented in fields");
  }
  {
    Value doc = shipped_doc();
    doc.find("flags")->erase("discharge-no-follow-up");
    expect_refused(doc, "flags.discharge-no-follow-up", "must be an object");
  }
  {
    Value doc = shipped_doc();
    flag_entry(doc, "safety-item").find("instruments")->push_back(Value::make_string("phq-2"));
    expect_refused(doc, "flags.safety-item.instruments", "names phq-2, which instruments does not list");
  }
  {
    Value doc = shipped_doc();
    doc.find("appointments")->find("missed_statuses")->push_back(Value::make_string("fulfilled"));
    expect_refused(doc, "appointments.missed_statuses", "names fulfilled, which contacts.appointment_statuses");
  }
  {
    Value doc = shipped_doc();
    doc.find("contacts")->set("encounter_statuses", Value::make_string("finished"));
    expect_refused(doc, "contacts.encounter_statuses", "must be an array of non-empty strings");
  }
  {
    Value doc = shipped_doc();
    instrument_entry(doc, 2).set("remission_below", Value::make_string("5"));
    expect_refused(doc, "instruments[2].remission_below", "must be a number of at least 0, or null");
  }
  {
    Value doc = shipped_doc();
    instrument_entry(doc, 0).set("response_percent", Value::make_number("0"));
    expect_refused(doc, "instruments[0].response_percent", "must be a percent above 0 and at most 100");
  }
  {
    Value doc = shipped_doc();
    instrument_entry(doc, 1).set("id", Value::make_string("gad-7"));
    expect_refused(doc, "instruments[1].id", "repeats gad-7");
  }
  {
    Value doc = shipped_doc();
    instrument_entry(doc, 3).erase("min_baseline");
    expect_refused(doc, "instruments[3].min_baseline", "instruments[3].min_baseline must be a number of at least 0");
  }
  {
    Value doc = shipped_doc();
    doc.set("instruments", Value::make_array());
    expect_refused(doc, "instruments", "must be a non-empty array");
  }
  {
    Value doc = shipped_doc();
    doc.find("measures")->set("follow_up_days", Value::make_array());
    expect_refused(doc, "measures.follow_up_days", "must be a non-empty array of ascending whole numbers");
  }
  {
    Value doc = shipped_doc();
    doc.find("treatment")->set("score_within_days", Value::make_number("0"));
    expect_refused(doc, "treatment.score_within_days", "must be a whole number of at least 1");
  }
  {
    Value doc = shipped_doc();
    doc.find("treatment")->set("series_gap_days", Value::make_number("0"));
    expect_refused(doc, "treatment.series_gap_days", "must be a whole number of at least 1");
  }
  {
    Value doc = shipped_doc();
    doc.find("treatment")->erase("series_gap_days");
    expect_refused(doc, "treatment.series_gap_days", "must be a whole number of at least 1");
  }
  {
    Value doc = shipped_doc();
    doc.find("fields")->erase("treatment.series_gap_days");
    expect_refused(doc, "treatment.series_gap_days", "is not documented in fields");
  }
  {
    Value doc = shipped_doc();
    doc.erase("fields");
    expect_refused(doc, "fields", "care rules: fields must be an object");
  }
  {
    Value doc = shipped_doc();
    doc.find("treatment")->erase("care_plan_categories");
    expect_refused(doc, "treatment.care_plan_categories", "must be an array of non-empty strings");
  }
  {
    Value doc = shipped_doc();
    doc.find("treatment")->find("care_plan_categories")->push_back(Value::make_number("718347000"));
    expect_refused(doc, "treatment.care_plan_categories", "must be an array of non-empty strings");
  }
  {
    Value doc = shipped_doc();
    doc.find("fields")->erase("treatment.care_plan_categories");
    expect_refused(doc, "treatment.care_plan_categories", "is not documented in fields");
  }
  {
    Value doc = shipped_doc();
    flag_entry(doc, "discharge-no-follow-up").erase("lookback_days");
    expect_refused(doc, "flags.discharge-no-follow-up.lookback_days", "must be a whole number of at least 1");
  }
  {
    Value doc = shipped_doc();  // 7: exactly days, so nothing could be raised
    flag_entry(doc, "discharge-no-follow-up").set("lookback_days", Value::make_number("7"));
    expect_refused(doc, "flags.discharge-no-follow-up.lookback_days",
                   "flags.discharge-no-follow-up.lookback_days must be above days");
  }
  {
    Value doc = shipped_doc();
    doc.find("fields")->erase("flags.discharge-no-follow-up.lookback_days");
    expect_refused(doc, "flags.discharge-no-follow-up.lookback_days", "is not documented in fields");
  }
}

TEST(CareRulesTest, UnreadableFilesAreRefused) {
  auto not_json = parse_care_rules("{\"version\": ");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.issue().severity, fhir::Severity::fatal);
  EXPECT_NE(not_json.issue().diagnostics.find("care rules: not JSON"), std::string::npos);

  carebridge::test::TempDir dir;
  auto missing = load_care_rules((dir.path() / "absent.json").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.issue().severity, fhir::Severity::fatal);
  EXPECT_NE(missing.issue().diagnostics.find("cannot read"), std::string::npos);

  const auto bad = dir.path() / "bad.json";
  std::ofstream(bad) << "[]";
  auto broken = load_care_rules(bad.string());
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.issue().code, "exception");
  EXPECT_NE(broken.issue().diagnostics.find("must hold a JSON object"), std::string::npos);
  EXPECT_NE(broken.issue().diagnostics.find("bad.json"), std::string::npos) << broken.issue().diagnostics;
}

// ---- not-improving ----

TEST(FlagRulesTest, ARespondingSeriesIsNeverFlagged) {
  // PHQ-9 18 -> 12 -> 8 -> 4 over 12 weeks.
  std::vector<CareFact> facts = {score("s0", "phq-9", 18, day(0)), score("s4", "phq-9", 12, day(28)),
                                 score("s8", "phq-9", 8, day(56)), score("s12", "phq-9", 4, day(84))};
  for (int d : {0, 27, 28, 29, 56, 69, 70, 71, 84, 100}) EXPECT_EQ(codes(facts, day(d)), Codes{}) << "day " << d;
}

TEST(FlagRulesTest, AStallingSeriesIsFlaggedFromWeekFourAndKept) {
  // PHQ-9 18 -> 17 -> 16 -> 16, every two weeks.
  std::vector<CareFact> facts = {score("s0", "phq-9", 18, day(0)), score("s2", "phq-9", 17, day(14)),
                                 score("s4", "phq-9", 16, day(28)), score("s6", "phq-9", 16, day(42))};
  EXPECT_EQ(codes(facts, day(27)), Codes{});  // week 2's 17 is too early to judge
  EXPECT_EQ(codes(facts, day(28)), Codes{"not-improving:phq-9"});
  EXPECT_EQ(codes(facts, day(29)), Codes{"not-improving:phq-9"});
  FlagFinding f = the(facts, day(45), "not-improving");
  EXPECT_EQ(f.instrument, "phq-9");
  EXPECT_EQ(f.display, "Not improving (phq-9)");
  EXPECT_EQ(f.since_ms, day(28));  // kept since week 4, not restarted by week 6
  EXPECT_EQ(f.evidence, (Codes{"Observation/s0", "Observation/s6"}));
}

// A two-score series: the baseline at day 0 and one later score.
std::vector<CareFact> pair_of(double baseline, double later, int at_day, const std::string& instrument = "phq-9") {
  return {score("b", instrument, baseline, day(0)), score("l", instrument, later, day(at_day))};
}

TEST(FlagRulesTest, NotImprovingIsJudgedFromWeekFour) {
  EXPECT_EQ(codes(pair_of(18, 16, 27), day(27)), Codes{});
  EXPECT_EQ(codes(pair_of(18, 16, 28), day(28)), Codes{"not-improving:phq-9"});
  EXPECT_EQ(codes(pair_of(18, 16, 29), day(29)), Codes{"not-improving:phq-9"});
  EXPECT_EQ(the(pair_of(18, 16, 29), day(29), "not-improving").since_ms, day(29));
}

TEST(FlagRulesTest, EarlyImprovementIsFivePointsOrTwentyPercent) {
  EXPECT_EQ(codes(pair_of(27, 22, 28), day(28)), Codes{});  // 5 points (18.5%)
  EXPECT_EQ(codes(pair_of(27, 23, 28), day(28)), Codes{"not-improving:phq-9"});  // 4 points, 14.8%
  EXPECT_EQ(codes(pair_of(10, 8, 28), day(28)), Codes{});  // exactly 20% (2 points)
  EXPECT_EQ(codes(pair_of(10, 9, 28), day(28)), Codes{"not-improving:phq-9"});
  EXPECT_EQ(codes(pair_of(18, 20, 28), day(28)), Codes{"not-improving:phq-9"});  // worse
}

TEST(FlagRulesTest, FromWeekTenFiftyPercentIsNeededAndTheFlagStays) {
  // 18 -> 10: 8 points is enough before week 10, 44% is not from week 10 on.
  EXPECT_EQ(codes(pair_of(18, 10, 69), day(69)), Codes{});
  EXPECT_EQ(codes(pair_of(18, 10, 70), day(70)), Codes{"not-improving:phq-9"});
  EXPECT_EQ(codes(pair_of(18, 10, 71), day(71)), Codes{"not-improving:phq-9"});
  EXPECT_EQ(codes(pair_of(18, 10, 140), day(140)), Codes{"not-improving:phq-9"});  // week 20: still
  EXPECT_EQ(codes(pair_of(18, 9, 70), day(70)), Codes{});  // exactly 50%
}

TEST(FlagRulesTest, NotImprovingNeedsABaselineAtTheInstrumentsMinimum) {
  EXPECT_EQ(codes(pair_of(9, 9, 28), day(28)), Codes{});
  EXPECT_EQ(codes(pair_of(10, 10, 28), day(28)), Codes{"not-improving:phq-9"});
  EXPECT_EQ(codes(pair_of(32, 32, 28, "pcl-5"), day(28)), Codes{});
  EXPECT_EQ(codes(pair_of(33, 33, 28, "pcl-5"), day(28)), Codes{"not-improving:pcl-5"});
  EXPECT_EQ(codes(pair_of(15, 15, 28, "gad-7"), day(28)), Codes{"not-improving:gad-7"});
  EXPECT_EQ(codes(pair_of(15, 15, 28, "no-such"), day(28)), Codes{});  // no rule, no flag
}

TEST(FlagRulesTest, NotImprovingClearsOnImprovementAndRestartsItsPeriod) {
  std::vector<CareFact> facts = {score("s0", "phq-9", 18, day(0)), score("s4", "phq-9", 16, day(28))};
  EXPECT_EQ(codes(facts, day(41)), Codes{"not-improving:phq-9"});
  facts.push_back(score("s6", "phq-9", 8, day(42)));
  EXPECT_EQ(codes(facts, day(42)), Codes{});
  facts.push_back(score("s8", "phq-9", 16, day(56)));
  EXPECT_EQ(the(facts, day(56), "not-improving").since_ms, day(56));
}

// A stalled episode, then more than series_gap_days (180) without a PHQ-9:
// the next score begins a new series with its own baseline, and the old
// stall is not carried into it.
TEST(FlagRulesTest, NotImprovingDoesNotCarryOverIntoANewSeries) {
  const std::vector<CareFact> stalled = {score("s0", "phq-9", 18, day(0)), score("s4", "phq-9", 17, day(28))};
  EXPECT_EQ(codes(stalled, day(28)), Codes{"not-improving:phq-9"});

  // Exactly 180 days after the last score: the same series, still stalled
  // (16 is 11% below 18 after week 10), and the period still from week 4.
  auto same = stalled;
  same.push_back(score("s30", "phq-9", 16, day(208)));
  FlagFinding kept = the(same, day(208), "not-improving");
  EXPECT_EQ(kept.since_ms, day(28));
  EXPECT_EQ(kept.evidence, (Codes{"Observation/s0", "Observation/s30"}));

  // A day later: a new series of one score, nothing to judge yet.
  auto fresh = stalled;
  fresh.push_back(score("n0", "phq-9", 16, day(209)));
  EXPECT_EQ(codes(fresh, day(209)), Codes{});
  // Improving against its own baseline (16 -> 11, 5 points at week 4): no
  // flag, though 11 is not 50% below the old 18.
  auto better = fresh;
  better.push_back(score("n4", "phq-9", 11, day(237)));
  EXPECT_EQ(codes(better, day(237)), Codes{});
  // Stalling again is a new finding: the period starts in the new series,
  // the evidence is its baseline.
  auto again = fresh;
  again.push_back(score("n4", "phq-9", 15, day(237)));
  FlagFinding f = the(again, day(237), "not-improving");
  EXPECT_EQ(f.since_ms, day(237));
  EXPECT_EQ(f.evidence, (Codes{"Observation/n0", "Observation/n4"}));

  // A new series whose baseline is under min_baseline is not in treatment:
  // no flag, whatever the old series was.
  auto low = stalled;
  low.push_back(score("l0", "phq-9", 8, day(209)));
  low.push_back(score("l4", "phq-9", 8, day(237)));
  EXPECT_EQ(codes(low, day(237)), Codes{});
  // And the reverse: a screening 3 long ago does not keep a new series of
  // 12 -> 12 out of treatment.
  const std::vector<CareFact> demo = {score("screen", "phq-9", 3, day(-1023)), score("t0", "phq-9", 12, day(186)),
                                      score("t4", "phq-9", 12, day(214))};
  EXPECT_EQ(the(demo, day(214), "not-improving").evidence, (Codes{"Observation/t0", "Observation/t4"}));
}

TEST(FlagRulesTest, InstrumentsAreJudgedApartInIdOrder) {
  std::vector<CareFact> facts = {score("p0", "phq-9", 18, day(0)), score("p4", "phq-9", 17, day(28)),
                                 score("g0", "gad-7", 15, day(0)), score("g4", "gad-7", 14, day(28))};
  EXPECT_EQ(codes(facts, day(28)), (Codes{"not-improving:gad-7", "not-improving:phq-9"}));
}

// ---- no-contact and overdue-reassessment ----

// PHQ-9 at day -14 and day 0, then nothing.
std::vector<CareFact> disappearing() {
  return {score("s1", "phq-9", 16, day(-14)), score("s2", "phq-9", 12, day(0))};
}

TEST(FlagRulesTest, APersonWhoDisappearsIsFlaggedInTiers) {
  auto facts = disappearing();
  EXPECT_EQ(codes(facts, day(29)), Codes{});
  EXPECT_EQ(codes(facts, day(30)), Codes{});  // exactly 30 days: not more
  EXPECT_EQ(codes(facts, day(31)), (Codes{"no-contact-30", "overdue-reassessment"}));
  EXPECT_EQ(codes(facts, day(60)), (Codes{"no-contact-30", "overdue-reassessment"}));
  EXPECT_EQ(codes(facts, day(61)), (Codes{"no-contact-60", "overdue-reassessment"}));
  EXPECT_EQ(codes(facts, day(90)), (Codes{"no-contact-60", "overdue-reassessment"}));
  EXPECT_EQ(codes(facts, day(91)), (Codes{"no-contact-90", "overdue-reassessment"}));
  EXPECT_EQ(codes(facts, day(180)), (Codes{"no-contact-90", "overdue-reassessment"}));
  // The last score is the only sign of treatment, and it is more than 180
  // days old: no longer in active treatment, so no longer flagged.
  EXPECT_EQ(codes(facts, day(181)), Codes{});

  FlagFinding f = the(facts, day(61), "no-contact-60");
  EXPECT_EQ(f.display, "No contact for more than 60 days");
  EXPECT_EQ(f.since_ms, day(60));
  EXPECT_EQ(f.evidence, Codes{"Observation/s2"});
  FlagFinding o = the(facts, day(31), "overdue-reassessment");
  EXPECT_EQ(o.display, "Reassessment overdue: no score for more than 30 days");
  EXPECT_EQ(o.since_ms, day(30));
  EXPECT_EQ(o.evidence, Codes{"Observation/s2"});
}

TEST(FlagRulesTest, ANewContactClearsNoContactAndANewScoreClearsOverdue) {
  auto facts = disappearing();
  facts.push_back(encounter("e1", "finished", day(92), day(92, 1)));
  EXPECT_EQ(codes(facts, day(92)), Codes{"overdue-reassessment"});
  EXPECT_EQ(codes(facts, day(122)), Codes{"overdue-reassessment"});
  EXPECT_EQ(codes(facts, day(123)), (Codes{"no-contact-30", "overdue-reassessment"}));
  facts.push_back(score("s3", "phq-9", 8, day(93)));
  EXPECT_EQ(codes(facts, day(93)), Codes{});
  // A planned or cancelled encounter is no contact.
  auto other = disappearing();
  other.push_back(encounter("e2", "cancelled", day(35)));
  other.push_back(encounter("e3", "planned", day(36)));
  EXPECT_EQ(codes(other, day(40)), (Codes{"no-contact-30", "overdue-reassessment"}));
}

TEST(FlagRulesTest, ACarePlanStartsTheClockWhenThereIsNoLaterContact) {
  // An old visit, then an active care plan from day 0, then nothing.
  std::vector<CareFact> facts = {encounter("old", "finished", day(-400)), care_plan("cp1", "active", day(0))};
  EXPECT_EQ(codes(facts, day(30)), Codes{});
  EXPECT_EQ(codes(facts, day(31)), (Codes{"no-contact-30", "overdue-reassessment"}));
  FlagFinding f = the(facts, day(31), "no-contact-30");
  EXPECT_EQ(f.since_ms, day(30));
  EXPECT_EQ(f.evidence, Codes{"CarePlan/cp1"});
  // Ended, or not active: no treatment, no flag.
  EXPECT_EQ(codes({care_plan("cp2", "active", day(0), day(20))}, day(31)), Codes{});
  EXPECT_EQ(codes({care_plan("cp3", "completed", day(0))}, day(31)), Codes{});
  // An active episode of care does the same.
  EXPECT_EQ(codes({episode("ep1", "active", day(0))}, day(61)), (Codes{"no-contact-60", "overdue-reassessment"}));
  // Out of treatment, no contact for years is no flag.
  EXPECT_EQ(codes({encounter("e", "finished", day(0))}, day(400)), Codes{});
}

TEST(FlagRulesTest, OnlyABehavioralHealthCarePlanIsTreatment) {
  const Codes treated = {"no-contact-30", "overdue-reassessment"};
  // Synthea's active plans for other conditions: no treatment, no flag.
  for (const char* other : {"category:assess-plan category:735985000",  // Diabetes self management plan
                            "category:assess-plan category:443402002",  // Lifestyle education regarding hypertension
                            "category:assess-plan category:734163000",  // Care plan (record artifact): generic
                            "category:7183470001",                      // a code is matched whole
                            ""})                                        // no coded category
    EXPECT_EQ(codes({care_plan("cp", "active", day(0), 0, other)}, day(31)), Codes{}) << other;
  // Each listed category, alone or beside others.
  for (const char* behavioral : {"category:718347000", "category:assess-plan category:737434004",
                                 "category:736254008 category:735985000"})
    EXPECT_EQ(codes({care_plan("cp", "active", day(0), 0, behavioral)}, day(31)), treated) << behavioral;
  // The clock starts at the behavioral plan, not at an older diabetes plan.
  std::vector<CareFact> both = {care_plan("diabetes", "active", day(-400), 0, "category:735985000"),
                                care_plan("mh", "active", day(0))};
  EXPECT_EQ(codes(both, day(30)), Codes{});
  EXPECT_EQ(the(both, day(31), "no-contact-30").evidence, Codes{"CarePlan/mh"});
  // An empty list takes any plan (the rule before categories).
  CareRules any = rules();
  any.treatment.care_plan_categories.clear();
  EXPECT_EQ(codes({care_plan("cp", "active", day(0), 0, "category:735985000")}, day(31), any), treated);
  EXPECT_EQ(codes({care_plan("cp", "active", day(0), 0, "")}, day(31), any), treated);
  // An EpisodeOfCare of any type is treatment.
  CareFact home_care = episode("ep", "active", day(0));
  home_care.detail = "type:hacc";
  EXPECT_EQ(codes({home_care}, day(31)), treated);
}

// ---- missed-appointments ----

TEST(FlagRulesTest, TwoNoShowsInARowAreFlaggedAndClearedByAVisit) {
  std::vector<CareFact> facts = {appointment("a1", "fulfilled", day(0)), appointment("a2", "noshow", day(10)),
                                 appointment("a3", "noshow", day(20)), appointment("a4", "booked", day(30))};
  EXPECT_EQ(codes(facts, day(19)), Codes{});  // the second is not due yet
  EXPECT_EQ(codes(facts, day(20)), Codes{"missed-appointments"});
  EXPECT_EQ(codes(facts, day(21)), Codes{"missed-appointments"});
  FlagFinding f = the(facts, day(21), "missed-appointments");
  EXPECT_EQ(f.display, "Missed appointments in a row");
  EXPECT_EQ(f.since_ms, day(20));
  EXPECT_EQ(f.evidence, (Codes{"Appointment/a2", "Appointment/a3"}));
  // Day 30's appointment, still "booked" after its start, has no outcome:
  // it neither clears nor counts.
  EXPECT_EQ(codes(facts, day(31)), Codes{"missed-appointments"});
  facts[3].code = "fulfilled";
  EXPECT_EQ(codes(facts, day(29)), Codes{"missed-appointments"});
  EXPECT_EQ(codes(facts, day(30)), Codes{});
}

TEST(FlagRulesTest, AnyContactAfterTheNoShowsClearsThem) {
  std::vector<CareFact> facts = {appointment("a2", "noshow", day(10)), appointment("a3", "noshow", day(20)),
                                 appointment("c", "cancelled", day(21)), encounter("x", "entered-in-error", day(22))};
  EXPECT_EQ(codes(facts, day(25)), Codes{"missed-appointments"});
  facts.push_back(score("s", "phq-9", 4, day(20)));  // at the same moment: not after
  EXPECT_EQ(codes(facts, day(25)), Codes{"missed-appointments"});
  facts.push_back(score("t", "phq-9", 4, day(23)));
  EXPECT_EQ(codes(facts, day(25)), Codes{});
}

TEST(FlagRulesTest, NoShowsWithAVisitBetweenAreNotInARow) {
  std::vector<CareFact> facts = {appointment("a1", "noshow", day(0)), appointment("a2", "checked-in", day(10)),
                                 appointment("a3", "noshow", day(20))};
  EXPECT_EQ(codes(facts, day(21)), Codes{});
  EXPECT_EQ(codes({appointment("a", "noshow", day(0))}, day(21)), Codes{});  // one is not two
}

// ---- safety-item ----

TEST(FlagRulesTest, APositiveSafetyItemIsFlaggedUntilALaterNegativePhq9) {
  std::vector<CareFact> facts = {score("s1", "phq-9", 6, day(0), "safety-negative"),
                                 score("s2", "phq-9", 15, day(10), "safety")};
  EXPECT_EQ(codes(facts, day(9)), Codes{});
  EXPECT_EQ(codes(facts, day(10)), Codes{"safety-item"});
  facts.push_back(score("s3", "phq-9", 14, day(20), "safety derived"));
  facts.push_back(score("s4", "phq-9", 9, day(30), "safety-negative"));
  EXPECT_EQ(codes(facts, day(29)), Codes{"safety-item"});
  FlagFinding f = the(facts, day(29), "safety-item");
  EXPECT_EQ(f.instrument, "");
  EXPECT_EQ(f.display, "Positive safety item (self-harm thoughts)");
  EXPECT_EQ(f.since_ms, day(10));
  EXPECT_EQ(f.evidence, (Codes{"Observation/s2", "Observation/s3"}));
  EXPECT_EQ(codes(facts, day(30)), Codes{});
  EXPECT_EQ(codes(facts, day(31)), Codes{});
}

TEST(FlagRulesTest, AScoreThatDidNotAnswerTheSafetyItemNeitherClearsNorRaisesIt) {
  // A positive PHQ-9, then total-only PHQ-9 and PHQ-A Observations (item 9
  // unknown): still flagged, since the positive one; the evidence is the
  // positive score only.
  std::vector<CareFact> facts = {score("s1", "phq-9", 15, day(0), "safety"), score("t1", "phq-9", 8, day(10)),
                                 score("t2", "phq-a", 7, day(20), "derived")};
  FlagFinding f = the(facts, day(25), "safety-item");
  EXPECT_EQ(f.since_ms, day(0));
  EXPECT_EQ(f.evidence, Codes{"Observation/s1"});
  // A later positive continues the run across the unanswered ones.
  facts.push_back(score("s2", "phq-9", 12, day(30), "safety"));
  f = the(facts, day(30), "safety-item");
  EXPECT_EQ(f.since_ms, day(0));
  EXPECT_EQ(f.evidence, (Codes{"Observation/s1", "Observation/s2"}));
  // A known negative clears it; an unanswered one after that raises nothing.
  facts.push_back(score("n", "phq-a", 5, day(40), "safety-negative"));
  facts.push_back(score("t3", "phq-9", 6, day(50)));
  EXPECT_EQ(codes(facts, day(39)), Codes{"safety-item"});
  EXPECT_EQ(codes(facts, day(40)), Codes{});
  EXPECT_EQ(codes(facts, day(50)), Codes{});
  // Only unanswered scores: nothing to judge.
  EXPECT_EQ(codes({score("t", "phq-9", 27, day(0))}, day(1)), Codes{});
}

TEST(FlagRulesTest, SafetyLooksAtTheLatestPhq9OrPhqAAndNothingElse) {
  // A PHQ-A after a negative PHQ-9 raises it; a GAD-7 after it changes nothing.
  std::vector<CareFact> facts = {score("p", "phq-9", 3, day(0)), score("a", "phq-a", 12, day(5), "safety"),
                                 score("g", "gad-7", 2, day(6))};
  EXPECT_EQ(codes(facts, day(6)), Codes{"safety-item"});
  // The same score sent twice: the copy without item answers does not hide it.
  std::vector<CareFact> twice = {score("qr", "phq-9", 12, day(0), "derived safety"), score("obs", "phq-9", 12, day(0))};
  FlagFinding f = the(twice, day(1), "safety-item");
  EXPECT_EQ(f.evidence, (Codes{"Observation/obs", "Observation/qr"}));
}

TEST(FlagRulesTest, SameMomentScoresMergeTheirSafetyItem) {
  // After a positive at day 0, the same day-10 score sent twice.
  auto after_positive = [](std::string qr_detail, std::string obs_detail) {
    return std::vector<CareFact>{score("s0", "phq-9", 15, day(0), "safety"),
                                 score("qr", "phq-9", 9, day(10), std::move(qr_detail)),
                                 score("obs", "phq-9", 9, day(10), std::move(obs_detail))};
  };
  // Known negative beats unknown: the answered copy clears it.
  EXPECT_EQ(codes(after_positive("derived safety-negative", ""), day(10)), Codes{});
  EXPECT_EQ(codes(after_positive("", "safety-negative"), day(10)), Codes{});
  // Positive wins if either copy says so.
  FlagFinding f = the(after_positive("derived safety-negative", "safety"), day(10), "safety-item");
  EXPECT_EQ(f.since_ms, day(0));
  EXPECT_EQ(f.evidence, (Codes{"Observation/obs", "Observation/qr", "Observation/s0"}));
  // Both unknown: nothing said, the flag stays from day 0.
  EXPECT_EQ(the(after_positive("derived", ""), day(10), "safety-item").evidence, Codes{"Observation/s0"});

  const Timeline tl = build_timeline(rules(), after_positive("derived safety-negative", ""), day(10));
  const auto& series = tl.scores.at("phq-9");
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].safety, true);
  EXPECT_EQ(series[1].safety, false);
  EXPECT_EQ(series[1].refs, (Codes{"Observation/obs", "Observation/qr"}));
  EXPECT_EQ(build_timeline(rules(), after_positive("derived", ""), day(10)).scores.at("phq-9")[1].safety,
            std::nullopt);
}

// ---- referral-no-outcome ----

TEST(FlagRulesTest, AReferralWithoutOutcomeIsFlaggedAfterFourteenDays) {
  std::vector<CareFact> facts = {referral("r1", "active", day(0))};
  EXPECT_EQ(codes(facts, day(13)), Codes{});
  EXPECT_EQ(codes(facts, day(14)), Codes{});  // exactly 14 days: not more
  EXPECT_EQ(codes(facts, day(15)), Codes{"referral-no-outcome"});
  FlagFinding f = the(facts, day(15), "referral-no-outcome");
  EXPECT_EQ(f.display, "Referral with no scheduled outcome after 14 days");
  EXPECT_EQ(f.since_ms, day(14));
  EXPECT_EQ(f.evidence, Codes{"ServiceRequest/r1"});
}

TEST(FlagRulesTest, AnAppointmentBasedOnTheReferralClearsIt) {
  std::vector<CareFact> facts = {referral("r1", "active", day(0)),
                                 appointment("a1", "booked", day(40), "ref:ServiceRequest/r1")};
  EXPECT_EQ(codes(facts, day(15)), Codes{});  // booked for later: scheduled
  facts[1].code = "noshow";
  EXPECT_EQ(codes(facts, day(45)), Codes{"referral-no-outcome"});  // needs a new booking
  facts[1].code = "cancelled";
  EXPECT_EQ(codes(facts, day(45)), Codes{"referral-no-outcome"});
  facts[1].detail = "ref:ServiceRequest/r2";
  facts[1].code = "fulfilled";
  EXPECT_EQ(codes(facts, day(45)), Codes{"referral-no-outcome"});  // another referral's
  std::vector<CareFact> seen = {referral("r1", "active", day(0)),
                                encounter("e1", "in-progress", day(12), 0, "class:AMB ref:ServiceRequest/r1")};
  EXPECT_EQ(codes(seen, day(15)), Codes{});
}

TEST(FlagRulesTest, OnlyOpenReferralsAreFlaggedAllInOneFlag) {
  std::vector<CareFact> facts = {referral("r1", "completed", day(0)), referral("r2", "revoked", day(0)),
                                 referral("r3", "active", day(10)), referral("r4", "active", day(5))};
  FlagFinding f = the(facts, day(30), "referral-no-outcome");
  EXPECT_EQ(f.since_ms, day(19));
  EXPECT_EQ(f.evidence, (Codes{"ServiceRequest/r3", "ServiceRequest/r4"}));
}

// Which ServiceRequests are referrals (is_referral): the token lists of
// the shipped rules, each matched whole and under its own prefix.
TEST(FlagRulesTest, OnlyReferralCategoriesAndCodesAreReferrals) {
  const std::vector<std::string> referrals = {
      "code:306206005 intent:order",                                  // Referral to service
      "code:183524004 intent:order",                                  // Referral to psychiatry service
      "category:3457005 code:73761001 intent:order",                  // Patient referral (category)
      "category:103696004 code:172676009 intent:order",               // to specialist: HL7's myringotomy
      "category:386053000 code:710830005 code:306206005 intent:order",  // any of several codes
  };
  for (const auto& detail : referrals)
    EXPECT_EQ(codes({referral("r1", "active", day(0), detail)}, day(15)), Codes{"referral-no-outcome"}) << detail;
  const std::vector<std::string> others = {
      "code:3024-7 intent:order",                       // Free T4, a lab test
      "category:386053000 code:710830005 intent:order",  // an evaluation procedure
      "code:3060600051 intent:order",                   // a code is matched whole
      "category:306206005 intent:order",                // a listed code, but as a category
      "code:3457005 intent:order",                      // a listed category, but as a code
      "intent:order",                                   // nothing coded
  };
  for (const auto& detail : others)
    EXPECT_EQ(codes({referral("r1", "active", day(0), detail)}, day(15)), Codes{}) << detail;
  // Both lists empty: every ServiceRequest is one (the rule before them).
  CareRules any = rules();
  any.referral.categories.clear();
  any.referral.codes.clear();
  for (const auto& detail : others)
    EXPECT_EQ(codes({referral("r1", "active", day(0), detail)}, day(15), any), Codes{"referral-no-outcome"})
        << detail;
  // One list alone still decides.
  CareRules by_code = rules();
  by_code.referral.categories.clear();
  EXPECT_EQ(codes({referral("r1", "active", day(0), "category:3457005 intent:order")}, day(15), by_code), Codes{});
}

TEST(FlagRulesTest, OnlyOrdersAreReferrals) {
  for (const char* intent : {"order", "original-order", "filler-order", "instance-order"})
    EXPECT_EQ(codes({referral("r1", "active", day(0), std::string("code:306206005 intent:") + intent)}, day(15)),
              Codes{"referral-no-outcome"})
        << intent;
  for (const char* intent : {"reflex-order", "proposal", "plan", "directive", "option"})
    EXPECT_EQ(codes({referral("r1", "active", day(0), std::string("code:306206005 intent:") + intent)}, day(15)),
              Codes{})
        << intent;
  EXPECT_EQ(codes({referral("r1", "active", day(0), "code:306206005")}, day(15)), Codes{});  // no intent
  CareRules any = rules();
  any.referral.intents.clear();
  for (const char* detail : {"code:306206005 intent:reflex-order", "code:306206005 intent:plan", "code:306206005"})
    EXPECT_EQ(codes({referral("r1", "active", day(0), detail)}, day(15), any), Codes{"referral-no-outcome"})
        << detail;
}

TEST(FlagRulesTest, AReferralThatForbidsTheServiceIsNone) {
  CareRules any = rules();  // whatever the lists say
  any.referral.intents.clear();
  any.referral.categories.clear();
  any.referral.codes.clear();
  for (const CareRules* r : std::initializer_list<const CareRules*>{&rules(), &any}) {
    EXPECT_EQ(codes({referral("r1", "active", day(0), "code:306206005 intent:order do-not-perform")}, day(15), *r),
              Codes{});
    EXPECT_EQ(codes({referral("r1", "active", day(0))}, day(15), *r), Codes{"referral-no-outcome"});
  }
  EXPECT_FALSE(is_referral(any.referral, referral("r1", "active", day(0), "do-not-perform")));
  EXPECT_TRUE(is_referral(any.referral, referral("r1", "active", day(0), "")));
  EXPECT_FALSE(is_referral(any.referral, appointment("a1", "booked", day(0))));  // another kind
}

// Real resources through care_facts_of, with type and id as the store
// fills them.
std::vector<CareFact> stored(const Value& resource) {
  std::vector<CareFact> out = care_facts_of(outcomes::test::table(), resource);
  for (auto& f : out) {
    f.type = std::string(resource.string_at("resourceType"));
    f.id = std::string(resource.string_at("id"));
    f.version = 1;
  }
  return out;
}
Value r4_example(const std::string& name) {
  return outcomes::test::load(carebridge::test::fixtures_dir() + "/r4-examples/" + name + ".json");
}

// HL7's ServiceRequest/ft4: an active reflex order for a Free T4 (LOINC
// 3024-7), which the running gateway flagged as a referral with no outcome.
TEST(FlagRulesTest, TheReflexFreeT4OrderIsNoReferral) {
  const Value ft4 = r4_example("ServiceRequest-ft4");
  const std::vector<CareFact> facts = stored(ft4);
  ASSERT_EQ(facts.size(), 1u);
  const std::int64_t at = 1440642807000;  // occurrenceDateTime 2015-08-27T09:33:27+07:00
  ASSERT_EQ(facts[0].at_ms, at);
  EXPECT_EQ(codes(facts, at + 15 * kDayMs), Codes{});
  EXPECT_EQ(codes(facts, at + 3650 * kDayMs), Codes{});
  // Either reason alone keeps it out: its intent, and its code.
  Value ordered = ft4;
  ordered.set("intent", Value::make_string("order"));
  EXPECT_EQ(codes(stored(ordered), at + 15 * kDayMs), Codes{});
  CareRules any_code = rules();
  any_code.referral.categories.clear();
  any_code.referral.codes.clear();
  EXPECT_EQ(codes(facts, at + 15 * kDayMs, any_code), Codes{});
  // With neither (the rule before intents, categories and codes) it was
  // flagged.
  CareRules before = any_code;
  before.referral.intents.clear();
  EXPECT_EQ(codes(facts, at + 15 * kDayMs, before), Codes{"referral-no-outcome"});
}

// HL7's ServiceRequest/myringotomy (Patient referral to specialist), its
// subject made local as on the server that holds its Patient; HL7's
// Appointment/example (booked) is based on it.
TEST(FlagRulesTest, TheMyringotomyReferralIsFlaggedUntilItsAppointment) {
  Value req = r4_example("ServiceRequest-myringotomy");
  Value subject = Value::make_object();
  subject.set("reference", Value::make_string("Patient/77662"));
  req.set("subject", std::move(subject));
  std::vector<CareFact> facts = stored(req);
  ASSERT_EQ(facts.size(), 1u);
  const std::int64_t authored = 1392336000000;  // 2014-02-14
  EXPECT_EQ(codes(facts, authored + 14 * kDayMs), Codes{});
  FlagFinding f = the(facts, authored + 15 * kDayMs, "referral-no-outcome");
  EXPECT_EQ(f.since_ms, authored + 14 * kDayMs);
  EXPECT_EQ(f.evidence, Codes{"ServiceRequest/myringotomy"});
  for (auto& a : stored(r4_example("Appointment-example"))) facts.push_back(std::move(a));
  EXPECT_EQ(codes(facts, authored + 15 * kDayMs), Codes{});
}

// HL7's ActivityDefinition/referralPrimaryCareMentalHealth defines the
// referral a depression order set makes: a ServiceRequest of its code.
TEST(FlagRulesTest, TheMentalHealthReferralOfTheActivityDefinitionIsFlagged) {
  const Value def = r4_example("ActivityDefinition-referralPrimaryCareMentalHealth");
  ASSERT_EQ(def.string_at("kind"), "ServiceRequest");
  Value req = r4_example("ServiceRequest-colonoscopy");  // an order of Patient/example, 2017-03-05
  req.set("status", Value::make_string("active"));
  const std::int64_t authored = 1488672000000;  // 2017-03-05
  EXPECT_EQ(codes(stored(req), authored + 15 * kDayMs), Codes{});  // an open colonoscopy order is none
  req.set("code", *def.find("code"));                               // Referral to service (306206005)
  EXPECT_EQ(codes(stored(req), authored + 15 * kDayMs), Codes{"referral-no-outcome"});
}

// The eCQM depression screening test case's referral to psychiatry.
TEST(FlagRulesTest, TheEcqmPsychiatryReferralIsFlagged) {
  const auto facts = stored(outcomes::test::load(
      carebridge::test::fixtures_dir() +
      "/behavioral/ecqm-qicore-2024/ServiceRequest-referral-for-adolescent-depression-e718.json"));
  const std::int64_t authored = 1750492800000;  // 2025-06-21T08:00:00.000+00:00
  EXPECT_EQ(codes(facts, authored + 14 * kDayMs), Codes{});
  EXPECT_EQ(the(facts, authored + 15 * kDayMs, "referral-no-outcome").evidence,
            Codes{"ServiceRequest/referral-for-adolescent-depression-e718"});
}

// ---- medication-change-unseen ----

// Team b saw the person at day -30, after team a started sertraline 50 mg.
std::vector<CareFact> two_teams() {
  return {medication("m1", "completed", day(-60), "rxnorm|36437", "50mg-daily", "Organization/a"),
          from(encounter("b0", "finished", day(-30)), "Organization/b")};
}

TEST(FlagRulesTest, ADoseChangeIsFlaggedUntilTheOtherTeamSeesThePerson) {
  auto facts = two_teams();
  EXPECT_EQ(codes(facts, day(10)), Codes{});
  facts.push_back(medication("m2", "active", day(10), "rxnorm|36437", "100mg-daily", "Organization/a"));
  facts.push_back(from(encounter("a1", "finished", day(12)), "Organization/a"));
  EXPECT_EQ(codes(facts, day(9)), Codes{});  // not made yet
  EXPECT_EQ(codes(facts, day(10)), Codes{"medication-change-unseen"});
  EXPECT_EQ(codes(facts, day(12)), Codes{"medication-change-unseen"});  // only the same team since
  FlagFinding f = the(facts, day(12), "medication-change-unseen");
  EXPECT_EQ(f.display, "Medication change not yet seen by the other team");
  EXPECT_EQ(f.since_ms, day(10));
  EXPECT_EQ(f.evidence, Codes{"MedicationRequest/m2"});
  facts.push_back(from(appointment("b1", "fulfilled", day(15)), "Organization/b"));
  EXPECT_EQ(codes(facts, day(14)), Codes{"medication-change-unseen"});
  EXPECT_EQ(codes(facts, day(15)), Codes{});
  EXPECT_EQ(codes(facts, day(16)), Codes{});
}

TEST(FlagRulesTest, AContactAtTheMomentOfTheChangeSeesIt) {
  auto facts = two_teams();
  facts.push_back(medication("m2", "active", day(10), "rxnorm|36437", "100mg-daily", "Organization/a"));
  facts.push_back(from(score("b9", "phq-9", 5, day(9)), "Organization/b"));
  EXPECT_EQ(codes(facts, day(11)), Codes{"medication-change-unseen"});  // before it
  facts.push_back(from(score("b10", "phq-9", 5, day(10)), "Organization/b"));
  EXPECT_EQ(codes(facts, day(11)), Codes{});
}

TEST(FlagRulesTest, NewAndStoppedMedicationsAreChangesARenewalIsNot) {
  auto renewal = two_teams();
  renewal.push_back(medication("m2", "active", day(10), "rxnorm|36437", "50mg-daily", "Organization/a"));
  EXPECT_EQ(codes(renewal, day(11)), Codes{});

  auto stopped = two_teams();
  stopped[0].code = "active";
  stopped.push_back(medication("m2", "stopped", day(10), "rxnorm|36437", "50mg-daily", "Organization/a"));
  EXPECT_EQ(the(stopped, day(11), "medication-change-unseen").evidence, Codes{"MedicationRequest/m2"});

  auto started = two_teams();
  started.push_back(medication("n1", "active", day(10), "rxnorm|2599", "20mg-daily", "Organization/a"));
  started.push_back(medication("x", "entered-in-error", day(11), "rxnorm|1", "1mg", "Organization/a"));
  started.push_back(medication("y", "draft", day(11), "rxnorm|2", "1mg", "Organization/a"));
  EXPECT_EQ(the(started, day(11), "medication-change-unseen").evidence, Codes{"MedicationRequest/n1"});
}

TEST(FlagRulesTest, WithoutASecondTeamOrSourceThereIsNoOneToTell) {
  std::vector<CareFact> one_team = {
      medication("m1", "active", day(0), "rxnorm|36437", "50mg-daily", "Organization/a"),
      medication("m2", "active", day(10), "rxnorm|36437", "100mg-daily", "Organization/a")};
  EXPECT_EQ(codes(one_team, day(11)), Codes{});
  CareRules literal = rules();
  literal.medication_change.needs_another_source = false;
  EXPECT_EQ(codes(one_team, day(11), literal), Codes{"medication-change-unseen"});

  auto imported = two_teams();  // a change of unknown origin: skipped
  imported.push_back(medication("m2", "active", day(10), "rxnorm|36437", "100mg-daily", ""));
  EXPECT_EQ(codes(imported, day(11)), Codes{});
}

// ---- discharge-no-follow-up ----

// An inpatient stay from day -3 to its discharge at day 0.
std::vector<CareFact> discharged() {
  return {encounter("stay", "finished", day(-3), day(0), "class:IMP discharge")};
}

TEST(FlagRulesTest, ADischargeWithoutFollowUpIsFlaggedAfterSevenDays) {
  auto facts = discharged();
  EXPECT_EQ(codes(facts, day(6)), Codes{});
  EXPECT_EQ(codes(facts, day(7)), Codes{});  // exactly 7 days: not more
  EXPECT_EQ(codes(facts, day(8)), Codes{"discharge-no-follow-up"});
  FlagFinding f = the(facts, day(8), "discharge-no-follow-up");
  EXPECT_EQ(f.display, "Discharge without follow-up within 7 days");
  EXPECT_EQ(f.since_ms, day(7));
  EXPECT_EQ(f.evidence, Codes{"Encounter/stay"});
}

TEST(FlagRulesTest, AFollowUpClearsTheDischargeFlagEvenLate) {
  auto facts = discharged();
  facts.push_back(encounter("f5", "finished", day(5)));
  EXPECT_EQ(codes(facts, day(8)), Codes{});
  auto late = discharged();
  late.push_back(encounter("f10", "finished", day(10)));
  EXPECT_EQ(codes(late, day(9)), Codes{"discharge-no-follow-up"});
  EXPECT_EQ(codes(late, day(10)), Codes{});
  // An emergency visit is no follow-up; a visit during the stay neither.
  auto ed = discharged();
  ed.push_back(encounter("ed", "finished", day(2), day(2, 4), "class:EMER discharge"));
  ed.push_back(score("during", "phq-9", 3, day(-1)));
  EXPECT_EQ(the(ed, day(8), "discharge-no-follow-up").evidence, Codes{"Encounter/stay"});
  EXPECT_EQ(the(ed, day(10), "discharge-no-follow-up").evidence, (Codes{"Encounter/ed", "Encounter/stay"}));
}

TEST(FlagRulesTest, ADischargeOlderThanTheLookbackIsNotFlagged) {
  auto facts = discharged();  // ended at day 0
  EXPECT_EQ(codes(facts, day(90)), Codes{"discharge-no-follow-up"});  // exactly 90 days: still
  EXPECT_EQ(codes(facts, day(90) + 1), Codes{});
  EXPECT_EQ(codes(facts, day(400)), Codes{});
  // With a newer discharge, only that one is evidence, and since moves.
  facts.push_back(encounter("ed", "finished", day(60), day(60, 4), "class:EMER discharge"));
  FlagFinding f = the(facts, day(80), "discharge-no-follow-up");
  EXPECT_EQ(f.since_ms, day(7));
  EXPECT_EQ(f.evidence, (Codes{"Encounter/ed", "Encounter/stay"}));
  f = the(facts, day(91), "discharge-no-follow-up");
  EXPECT_EQ(f.since_ms, day(67, 4));
  EXPECT_EQ(f.evidence, Codes{"Encounter/ed"});
  // The rule's own number.
  CareRules longer = rules();
  longer.discharge.lookback_days = 365;
  EXPECT_EQ(codes(discharged(), day(365), longer), Codes{"discharge-no-follow-up"});
  EXPECT_EQ(codes(discharged(), day(366), longer), Codes{});
  // The smallest lookback the file takes is days + 1.
  Value doc = shipped_doc();
  flag_entry(doc, "discharge-no-follow-up").set("lookback_days", Value::make_number("8"));
  auto tight = parse_care_rules(fhir::json::write(doc));
  ASSERT_TRUE(tight.ok()) << tight.issue().diagnostics;
  EXPECT_EQ(codes(discharged(), day(8), *tight), Codes{"discharge-no-follow-up"});
  EXPECT_EQ(codes(discharged(), day(9), *tight), Codes{});
}

TEST(FlagRulesTest, AFinishedEpisodeOfCareIsADischargeToo) {
  std::vector<CareFact> facts = {episode("ep1", "finished", day(-100), day(0)), episode("ep2", "active", day(-50)),
                                 encounter("open", "in-progress", day(-2), 0, "class:IMP discharge")};
  FlagFinding f = the(facts, day(8), "discharge-no-follow-up");
  EXPECT_EQ(f.evidence, Codes{"EpisodeOfCare/ep1"});
}

// ---- all of them ----

TEST(FlagRulesTest, FlagsComeInAStableOrderFromAnyPatientIdOfThePerson) {
  std::vector<CareFact> facts = {
      referral("r1", "active", day(-60)),
      appointment("a1", "noshow", day(-40)),
      appointment("a2", "noshow", day(-35)),
      score("s1", "phq-9", 20, day(-70), "safety"),
      score("s2", "phq-9", 19, day(-42), "safety"),  // the last contact
      medication("m1", "active", day(-65), "rxnorm|36437", "50mg-daily", "Organization/a"),
      from(encounter("b", "finished", day(-66)), "Organization/b"),
      encounter("stay", "finished", day(-50), day(-10), "class:IMP discharge"),
  };
  for (std::size_t i = 0; i < facts.size(); i += 2) facts[i].patient = "p2";  // a linked record
  CareFact own_flag = fact("flag", "Flag", "f1", "no-contact-30", day(-1));
  own_flag.detail = "status:active derived";
  facts.push_back(own_flag);
  const Codes all = {"missed-appointments",     "no-contact-30",           "overdue-reassessment",
                     "not-improving:phq-9",     "safety-item",             "referral-no-outcome",
                     "medication-change-unseen", "discharge-no-follow-up"};
  EXPECT_EQ(codes(facts, day(0)), all);
  std::vector<CareFact> reversed(facts.rbegin(), facts.rend());
  EXPECT_EQ(codes(reversed, day(0)), all);

  CareRules quiet = rules();
  quiet.missed_appointments.enabled = false;
  quiet.no_contact.enabled = false;
  quiet.overdue_reassessment.enabled = false;
  quiet.not_improving.enabled = false;
  quiet.safety_item.enabled = false;
  quiet.referral.enabled = false;
  quiet.medication_change.enabled = false;
  EXPECT_EQ(codes(facts, day(0), quiet), Codes{"discharge-no-follow-up"});
  quiet.discharge.enabled = false;
  EXPECT_EQ(codes(facts, day(0), quiet), Codes{});
  EXPECT_EQ(codes({}, day(0)), Codes{});
}

// ---- whole Synthea patients ----

// tests/fixtures/synthea-sud/d69f0917-...: dependent drug abuse. Worked out
// with jq from the bundle (every time is its text through `date -u -d`):
// three active CarePlans of no behavioral-health category (734163000
// generic "Care plan" since 1996 with the drug addiction counseling,
// 735985000 diabetes since 2001, 736285004 hyperlipidemia since 2013); the
// last score a PHQ-9 of 4 (total only) at 2025-02-19T03:40:08Z; the last
// encounter an inpatient stay 2025-06-15T08:35:18Z to 2025-06-22T08:35:18Z
// (Encounter/723eb061-...), nothing after it.
TEST(FlagRulesTest, SyntheaPatientsOldCarePlansAreNoTreatment) {
  const auto facts = test::stored_facts(outcomes::test::load(
      carebridge::test::fixtures_dir() + "/synthea-sud/d69f0917-eea1-af79-624f-1bd8b274b255.json"));
  const std::string stay = "Encounter/723eb061-c4b9-9259-1d6e-178c8b02c801";
  const std::int64_t stay_start = 1749976518000;  // 2025-06-15T08:35:18Z
  const std::int64_t stay_end = 1750581318000;    // 2025-06-22T08:35:18Z
  const std::int64_t sep1 = 1756684800000;        // 2025-09-01: the PHQ-9 is 193.8 days old
  const std::int64_t oct1 = 1759276800000;        // 2025-10-01
  CareRules any_plan = rules();
  any_plan.treatment.care_plan_categories.clear();

  // September 1st: out of treatment (no score in 180 days, no behavioral
  // plan); the stay's discharge, 70.6 days ago, has had no follow-up.
  EXPECT_EQ(codes(facts, sep1), Codes{"discharge-no-follow-up"});
  FlagFinding d = the(facts, sep1, "discharge-no-follow-up");
  EXPECT_EQ(d.since_ms, stay_end + 7 * kDayMs);
  EXPECT_EQ(d.evidence, Codes{stay});
  // Had any active plan counted: 77.6 days without contact since the stay
  // began, and no score for 194 days.
  EXPECT_EQ(codes(facts, sep1, any_plan), (Codes{"no-contact-60", "overdue-reassessment", "discharge-no-follow-up"}));
  EXPECT_EQ(evaluate_flags(any_plan, facts, sep1)[0].since_ms, stay_start + 60 * kDayMs);

  // The discharge leaves the lookback 90 days after it ended.
  EXPECT_EQ(codes(facts, stay_end + 90 * kDayMs), Codes{"discharge-no-follow-up"});
  EXPECT_EQ(codes(facts, stay_end + 90 * kDayMs + 1), Codes{});
  EXPECT_EQ(codes(facts, oct1), Codes{});
  EXPECT_EQ(codes(facts, oct1, any_plan), (Codes{"no-contact-90", "overdue-reassessment"}));
}

// The 25 shared Synthea patients on 2025-07-28T00:00:00Z, the runs'
// referenceTime (synthea-run-metadata.json). Counted independently in
// Python over the bundles' JSON following fact_timeline.hpp and
// flag_rules.hpp: active CarePlans begun by then and not ended, scores
// (44261-6, 70274-6, 89204-2 with a valueQuantity) in the last 180 days,
// contacts (finished encounters, scores) begun by then. Any active plan
// put 20 people in treatment (12 of them with no contact for more than 90
// days: Synthea's diabetes and hypertension plans run for decades); only
// 718347000/737434004/736254008 plans (1e557b32-..., 9a9d35d9-...) or a
// recent score put 7 there. Discharges (EMER and IMP ends) more than 7
// days old with no non-EMER contact since: 4 people, of whom only
// d69f0917-... (2025-06-22) within 90 days; the others' are from
// 2025-02-28, 2024-03 and 2023-06.
TEST(FlagRulesTest, SharedSyntheaPopulation) {
  auto shared = carebridge::test::shared_fixtures_dir();
  if (!shared) GTEST_SKIP() << "no ../shared/fixtures";
  std::vector<std::vector<CareFact>> people;
  for (const auto& state : {"california", "new_york"})
    for (const auto& entry :
         std::filesystem::directory_iterator(*shared + "/synthea/exafluence-qicore-2025/" + state)) {
      Value bundle = outcomes::test::load(entry.path().string());
      if (bundle.string_at("type") == "transaction") people.push_back(test::stored_facts(bundle));
    }
  ASSERT_EQ(people.size(), 25u);
  const std::int64_t now = 1753660800000;  // 2025-07-28T00:00:00Z
  auto tally = [&](const CareRules& r) {
    std::map<std::string, int> n;
    for (const auto& facts : people) {
      if (build_timeline(r, facts, now).in_treatment) ++n["in-treatment"];
      for (const auto& f : evaluate_flags(r, facts, now))
        if (f.code.rfind("no-contact-", 0) == 0 || f.code == "discharge-no-follow-up") ++n[f.code];
    }
    return n;
  };
  using Tally = std::map<std::string, int>;
  EXPECT_EQ(tally(rules()), (Tally{{"in-treatment", 7},
                                   {"no-contact-30", 3},
                                   {"no-contact-60", 1},
                                   {"no-contact-90", 1},
                                   {"discharge-no-follow-up", 1}}));
  CareRules before = rules();  // any plan, no lookback
  before.treatment.care_plan_categories.clear();
  before.discharge.lookback_days = 100 * 365;
  EXPECT_EQ(tally(before), (Tally{{"in-treatment", 20},
                                  {"no-contact-30", 3},
                                  {"no-contact-60", 1},
                                  {"no-contact-90", 12},
                                  {"discharge-no-follow-up", 4}}));
}

}  // namespace
}  // namespace mappers::care
