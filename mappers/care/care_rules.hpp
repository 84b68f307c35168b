// The care rules, kept as data (mappers/care/care-rules.json, copied to
// share/carebridge/mappers/care-rules.json): what counts as a contact and as
// active treatment, where a score series (treatment episode) begins, each
// instrument's baseline, screen, response and remission thresholds, and
// each flag's switch, text and thresholds. The file's "fields" member
// documents every member; a member it does not document, a missing one or a
// bad value is refused with an Issue naming the member (fatal: the file
// ships with the gateway). Immutable once loaded.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"

namespace mappers::care {

struct InstrumentRule {
  std::string id;                         // as in mappers/outcomes/instruments.json
  double min_baseline = 0;                // baseline at or above: the series is in treatment
  double positive_screen = 0;             // a score at or above is a positive screen
  std::optional<double> remission_below;  // none: no remission for this instrument
  double response_percent = 50;           // drop from baseline, percent
};

struct ContactRules {
  std::vector<std::string> encounter_statuses;
  std::vector<std::string> appointment_statuses;  // also "attended"
  bool scores = true;
  std::vector<std::string> crisis_classes;  // Encounter.class codes ("EMER")
};

struct AppointmentRules {
  std::vector<std::string> missed_statuses;
  std::vector<std::string> upcoming_statuses;
};

struct TreatmentRules {
  std::vector<std::string> care_plan_statuses;
  // CarePlan.category codes (SNOMED) of behavioral-health plans: a CarePlan
  // counts only with one of them ("category:<code>", care_facts.hpp), since
  // EHRs keep active plans for diabetes or hypertension too; empty: any.
  std::vector<std::string> care_plan_categories;
  std::vector<std::string> episode_statuses;
  int score_within_days = 180;
  // A score more than this many days after the instrument's previous score
  // begins a new series with its own baseline (begins_series,
  // fact_timeline.hpp).
  int series_gap_days = 180;
};

// Every flag has a switch and a text; "{days}" and "{instrument}" in the
// text are filled in (flag_rules.cpp).
struct MissedAppointmentsRule {
  bool enabled = false;
  std::string display;
  int in_a_row = 2;
};
struct NoContactRule {
  bool enabled = false;
  std::string display;
  std::vector<int> days;  // ascending tiers
};
struct OverdueReassessmentRule {
  bool enabled = false;
  std::string display;
  int days = 30;
};
struct NotImprovingRule {
  bool enabled = false;
  std::string display;
  int early_weeks = 4;
  double early_points = 5;
  double early_percent = 20;
  int late_weeks = 10;
  double late_percent = 50;
};
struct SafetyItemRule {
  bool enabled = false;
  std::string display;
  std::vector<std::string> instruments;
};
struct ReferralRule {
  bool enabled = false;
  std::string display;
  int days = 14;
  // Which ServiceRequests are referrals (is_referral, fact_timeline.hpp):
  // an intent listed (empty: any; R4 request-intent codes only), and a
  // category or code listed (SNOMED CT; both empty: any). HL7's reflex Free
  // T4 order (ServiceRequest/ft4) is none.
  std::vector<std::string> intents;
  std::vector<std::string> categories;
  std::vector<std::string> codes;
  std::vector<std::string> referral_statuses;
  std::vector<std::string> appointment_statuses;
  std::vector<std::string> encounter_statuses;
};
struct MedicationChangeRule {
  bool enabled = false;
  std::string display;
  std::vector<std::string> active_statuses;
  std::vector<std::string> ended_statuses;
  bool needs_another_source = true;
};
struct DischargeRule {
  bool enabled = false;
  std::string display;
  int days = 7;
  // A discharge that ended more than this many days ago raises nothing: a
  // years-old visit is no care gap anyone can still act on. Above days.
  int lookback_days = 90;
  std::vector<std::string> encounter_statuses;
  std::vector<std::string> episode_statuses;
};

struct MeasureRules {
  std::vector<int> outcome_days;    // response-N, remission-N
  std::vector<int> follow_up_days;  // ed-follow-up-N
};

struct CareRules {
  std::string version;
  ContactRules contacts;
  AppointmentRules appointments;
  TreatmentRules treatment;
  std::vector<InstrumentRule> instruments;  // ids unique
  MissedAppointmentsRule missed_appointments;
  NoContactRule no_contact;
  OverdueReassessmentRule overdue_reassessment;
  NotImprovingRule not_improving;
  SafetyItemRule safety_item;
  ReferralRule referral;
  MedicationChangeRule medication_change;
  DischargeRule discharge;
  MeasureRules measures;

  // nullptr when the instrument has no rule.
  const InstrumentRule* instrument(std::string_view id) const;
};

fhir::Result<CareRules> parse_care_rules(std::string_view json);
fhir::Result<CareRules> load_care_rules(const std::string& path);

}  // namespace mappers::care
