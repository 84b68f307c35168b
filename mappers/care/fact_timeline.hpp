// One person's care facts laid out in time as of a moment "now", for the
// flags, registry rows and measures: the scores per instrument and their
// series (treatment episodes, each with its own baseline), the contacts,
// the last contact, the next appointment, and whether (and since when) the
// person is in active treatment. The facts may come from several linked
// Patient records, so the patient id is never looked at.
//
// Facts are taken as they are (their current status) and those dated after
// now are ignored as not yet happened, except a booked appointment, which
// is the next appointment. A fact dated 0 (unknown) has no place in time
// and is left out. Kind "flag" facts are the gateway's own output, never
// input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/store/care_fact.hpp"
#include "mappers/care/care_rules.hpp"

namespace mappers::care {

inline constexpr std::int64_t kDayMs = 86'400'000;
inline constexpr std::int64_t kWeekMs = 7 * kDayMs;

// "Type/id": how evidence names a fact.
std::string fact_ref(const fhir::store::CareFact& f);
// Whether the space-separated detail holds this token.
bool has_token(std::string_view detail, std::string_view token);
// The rest of the first token starting with prefix ("med:" -> the key);
// empty when there is none.
std::string_view token_value(std::string_view detail, std::string_view prefix);
bool listed(const std::vector<std::string>& list, std::string_view s);

// Whether a fact is a referral the care rules follow: every ServiceRequest
// has a "referral" fact (care_facts.hpp), and this is the one test of which
// are referrals, for every reader of them (today referral-no-outcome).
// Never one that forbids the service ("do-not-perform"); its intent
// listed in rule.intents (any when empty); a "category:" token listed in
// rule.categories or a "code:" token in rule.codes (any when both are
// empty). Its status (open or not) is the reader's to judge.
bool is_referral(const ReferralRule& rule, const fhir::store::CareFact& f);

// One score. An EHR may send a score twice (the QuestionnaireResponse the
// gateway scores and the Observation it reported), so scores of one
// instrument at the same moment are one point: the gateway's derived value
// wins, the safety item is positive when either says so ("safety"), else
// negative when either answered it ("safety-negative"), else unknown.
struct ScorePoint {
  std::string instrument;
  double value = 0;
  std::int64_t at_ms = 0;
  // nullopt: no merged score answered the safety item (a total-only
  // Observation), so this point says nothing about it.
  std::optional<bool> safety;
  std::vector<std::string> refs;  // the facts merged, sorted
};

struct Contact {
  std::int64_t at_ms = 0;
  std::string source;  // "" when unknown
  std::string ref;
  bool crisis = false;  // an encounter of a crisis class (never a follow-up)
};

struct Timeline {
  // Per instrument id, in time order, at or before now.
  std::map<std::string, std::vector<ScorePoint>> scores;
  // Per instrument id (the keys of scores), the index in scores[id] where
  // each series begins, ascending, the first 0: a score more than
  // treatment.series_gap_days after the instrument's previous score begins
  // a new series, a new treatment episode with its own baseline. Read it
  // through series_of and current_series.
  std::map<std::string, std::vector<std::size_t>> series_starts;
  // In time order (then by ref), at or before now.
  std::vector<Contact> contacts;
  std::int64_t last_contact_ms = 0;    // 0: none
  std::string last_contact_ref;
  std::int64_t next_appointment_ms = 0;  // earliest upcoming appointment after now; 0: none
  // In active treatment now: an active care plan of a listed category
  // (treatment.care_plan_categories; any when none is listed) or an active
  // episode of any type, either begun and not ended, or a score within
  // treatment.score_within_days.
  bool in_treatment = false;
  // The earliest start of what puts the person in treatment (0: unknown).
  std::int64_t treatment_start_ms = 0;
  std::string treatment_start_ref;
};

// One series of one instrument's scores, in time order, never empty: its
// front is the baseline. Measurement-based care judges a treatment
// episode, not a lifetime: a PHQ-9 of 3 at a 2023 screening is no baseline
// for treatment begun in 2026 (the demo showed +266% and 156 weeks in
// treatment). Points into tl.scores: valid while tl lives.
using ScoreSeries = std::span<const ScorePoint>;

// Whether a score at at_ms, the instrument's next after one at previous_ms,
// begins a new series: more than treatment.series_gap_days later (exactly
// that many days is the same series). The one test of it.
bool begins_series(const CareRules& rules, std::int64_t previous_ms, std::int64_t at_ms);

// Every series of the instrument, oldest first; none when it has no score.
std::vector<ScoreSeries> series_of(const Timeline& tl, const std::string& instrument);
// The series holding the instrument's latest score: the baseline of the
// registry, of not-improving, response and remission is its front. Empty
// when the instrument has no score.
ScoreSeries current_series(const Timeline& tl, const std::string& instrument);

Timeline build_timeline(const CareRules& rules, std::span<const fhir::store::CareFact> facts, std::int64_t now_ms);

// The first contact at or after from_ms that may be a follow-up: not a
// crisis encounter and not the fact `except`. nullptr when there is none.
const Contact* first_follow_up(const Timeline& tl, std::int64_t from_ms, std::string_view except);

}  // namespace mappers::care
