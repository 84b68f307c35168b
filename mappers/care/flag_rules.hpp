// The flags a care manager sees for one person (issue 9, requirement 4),
// from the person's care facts as of now, with the thresholds in
// care-rules.json. Pure: the gateway keeps a FHIR Flag per finding and ends
// the ones no longer returned, so a flag clears by not being returned.
//
// Facts are read as fact_timeline.hpp says (facts after now not yet known;
// scores of one instrument at one moment are one score). "More than N days"
// is strictly more: at exactly N days nothing is raised. A contact is an
// encounter or appointment with a contact status, or a score
// (rules.contacts); a follow-up contact is one that is not a crisis
// (rules.contacts.crisis_classes) encounter.
//
//  missed-appointments    The last in_a_row (2) past appointments that have
//                         an outcome (a missed or attended status; still
//                         booked, proposed, pending, waitlist, cancelled and
//                         entered-in-error ones are skipped) are all missed,
//                         and no contact came after the latest of them.
//                         since: the latest missed appointment.
//  no-contact-N           In active treatment, and more than N days since
//                         the last contact, or since treatment start when
//                         that is later or there is no contact. Only the
//                         highest tier N (30/60/90) is returned. since:
//                         that moment + N days.
//  overdue-reassessment   In active treatment, and more than N (30) days
//                         since the last score of any instrument (or since
//                         treatment start, when later or no score).
//  not-improving          Per instrument, its current series
//                         (current_series, fact_timeline.hpp: a gap of more
//                         than series_gap_days, 180, begins a new one) when
//                         its first score (baseline) is at or above its
//                         min_baseline, judged on the latest score by how
//                         long after the baseline it was taken: from
//                         late_weeks (10) on, less than late_percent (50%)
//                         below the baseline; from early_weeks (4) to
//                         late_weeks, less than early_points (5) and less
//                         than early_percent (20%) below it; earlier, not
//                         judged. No upper bound on late_weeks. A
//                         reassessment is needed: without a score after
//                         week 4 nothing is raised (overdue-reassessment
//                         covers that), so a new series starts unflagged.
//                         since: the first score of the current run of
//                         such scores in the series.
//  safety-item            The latest score among safety_item.instruments
//                         (PHQ-9, PHQ-A) that answered the safety item
//                         ("safety" or "safety-negative", care_facts.hpp)
//                         has it positive; cleared only by a later one that
//                         answered it negative. A score that did not answer
//                         it (a total-only Observation) neither raises nor
//                         clears it. since: the first of the current run of
//                         positive scores (unanswered ones in between are
//                         skipped).
//  referral-no-outcome    A referral (is_referral, fact_timeline.hpp: by
//                         the shipped rules an order of a referral
//                         category or code, never a reflex-order, proposal
//                         or plan, nor one that forbids the service) with
//                         an open status (active) authored more than N
//                         (14) days ago that no appointment or encounter
//                         with an outcome status (appointment:
//                         booked/arrived/checked-in/fulfilled, whatever its
//                         date; not noshow or cancelled) names with
//                         "ref:ServiceRequest/<id>". One flag for all such
//                         referrals; since: the earliest authored + N days.
//  medication-change-     Per medication key, the requests (active or ended
//  unseen                 status) in authored order; a change is the first
//                         one (the medication started), one whose dose key
//                         differs from the one before, and the last one when
//                         it has ended (stopped). A change by source S (not
//                         "") is unseen until a contact from another
//                         non-empty source at or after it; with
//                         needs_another_source, only when another source
//                         appears in the person's facts at all. A request's
//                         status change is dated by its authoredOn (the
//                         fact has no other date). since: the earliest
//                         unseen change.
//  discharge-no-follow-up An encounter with "discharge" (status finished)
//                         or an EpisodeOfCare (status finished) that ended
//                         more than N (7) days and at most lookback_days
//                         (90) ago with no follow-up contact since its end
//                         (a late follow-up clears it; so does the
//                         lookback: an older discharge is no gap anyone can
//                         act on). since: the earliest such end + N days.
//
// Evidence is the "Type/id" of the facts a finding rests on, sorted.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fhir/store/care_fact.hpp"
#include "mappers/care/care_rules.hpp"

namespace mappers::care {

struct FlagFinding {
  std::string code;        // "missed-appointments", "no-contact-30", "not-improving", ...
  std::string instrument;  // for not-improving, else ""
  std::string display;     // Flag.code.text; no patient data
  std::int64_t since_ms = 0;  // Flag.period.start: when the condition began
  std::vector<std::string> evidence;  // "Type/id", deduplicated, sorted
};

// The flags active now, in the order listed above (not-improving by
// instrument id). Kind "flag" facts are ignored.
std::vector<FlagFinding> evaluate_flags(const CareRules& rules, std::span<const fhir::store::CareFact> facts,
                                        std::int64_t now_ms);

}  // namespace mappers::care
