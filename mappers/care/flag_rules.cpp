#include "mappers/care/flag_rules.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "mappers/care/fact_timeline.hpp"

namespace mappers::care {
namespace {

using fhir::store::CareFact;

std::string fill(std::string text, std::string_view key, std::string_view value) {
  const std::string slot = "{" + std::string(key) + "}";
  for (std::size_t at = text.find(slot); at != std::string::npos; at = text.find(slot, at + value.size()))
    text.replace(at, slot.size(), value);
  return text;
}

FlagFinding finding(std::string code, std::string instrument, std::string display, std::int64_t since_ms,
                    std::vector<std::string> evidence) {
  std::sort(evidence.begin(), evidence.end());
  evidence.erase(std::unique(evidence.begin(), evidence.end()), evidence.end());
  return {std::move(code), std::move(instrument), std::move(display), since_ms, std::move(evidence)};
}

bool by_time(const CareFact* a, const CareFact* b) {
  return std::make_tuple(a->at_ms, fact_ref(*a)) < std::make_tuple(b->at_ms, fact_ref(*b));
}

std::int64_t days_ms(int days) { return std::int64_t{days} * kDayMs; }

void missed_appointments(const CareRules& rules, std::span<const CareFact> facts, const Timeline& tl,
                         std::int64_t now_ms, std::vector<FlagFinding>& out) {
  const auto& rule = rules.missed_appointments;
  std::vector<const CareFact*> past;
  for (const auto& f : facts)
    if (f.kind == "appointment" && f.at_ms > 0 && f.at_ms <= now_ms &&
        (listed(rules.appointments.missed_statuses, f.code) || listed(rules.contacts.appointment_statuses, f.code)))
      past.push_back(&f);
  const auto n = static_cast<std::size_t>(rule.in_a_row);
  if (past.size() < n) return;
  std::sort(past.begin(), past.end(), by_time);
  std::vector<std::string> evidence;
  for (auto it = past.end() - static_cast<std::ptrdiff_t>(n); it != past.end(); ++it) {
    if (!listed(rules.appointments.missed_statuses, (*it)->code)) return;
    evidence.push_back(fact_ref(**it));
  }
  const std::int64_t latest = past.back()->at_ms;
  if (tl.last_contact_ms > latest) return;  // seen since: the chain is broken
  out.push_back(finding("missed-appointments", "", rule.display, latest, std::move(evidence)));
}

// The later of two reference moments and the fact behind it; a contact (or
// score) wins a tie with treatment start.
std::pair<std::int64_t, std::string> since_later(std::int64_t event_ms, const std::string& event_ref,
                                                 const Timeline& tl) {
  if (event_ms > 0 && event_ms >= tl.treatment_start_ms) return {event_ms, event_ref};
  return {tl.treatment_start_ms, tl.treatment_start_ref};
}

void no_contact(const CareRules& rules, const Timeline& tl, std::int64_t now_ms, std::vector<FlagFinding>& out) {
  if (!tl.in_treatment) return;
  auto [from, ref] = since_later(tl.last_contact_ms, tl.last_contact_ref, tl);
  if (from == 0) return;  // treatment of unknown start and no contact: no clock to run
  const auto& tiers = rules.no_contact.days;
  for (auto it = tiers.rbegin(); it != tiers.rend(); ++it) {
    if (now_ms - from <= days_ms(*it)) continue;
    const std::string days = std::to_string(*it);
    out.push_back(finding("no-contact-" + days, "", fill(rules.no_contact.display, "days", days),
                          from + days_ms(*it), {ref}));
    return;
  }
}

void overdue_reassessment(const CareRules& rules, const Timeline& tl, std::int64_t now_ms,
                          std::vector<FlagFinding>& out) {
  if (!tl.in_treatment) return;
  const ScorePoint* last = nullptr;
  for (const auto& [id, series] : tl.scores)
    if (last == nullptr || series.back().at_ms > last->at_ms) last = &series.back();
  auto [from, ref] = since_later(last ? last->at_ms : 0, last ? last->refs.front() : std::string(), tl);
  const std::int64_t limit = days_ms(rules.overdue_reassessment.days);
  if (from == 0 || now_ms - from <= limit) return;
  std::vector<std::string> evidence = (last != nullptr && from == last->at_ms) ? last->refs : std::vector{ref};
  const std::string days = std::to_string(rules.overdue_reassessment.days);
  out.push_back(finding("overdue-reassessment", "", fill(rules.overdue_reassessment.display, "days", days),
                        from + limit, std::move(evidence)));
}

void not_improving(const CareRules& rules, const Timeline& tl, std::vector<FlagFinding>& out) {
  const auto& rule = rules.not_improving;
  for (const auto& [id, all] : tl.scores) {
    // Only the current series: an old episode's stall does not carry over.
    const ScoreSeries series = current_series(tl, id);
    const InstrumentRule* inst = rules.instrument(id);
    if (inst == nullptr || series.empty() || series.front().value < inst->min_baseline) continue;
    const ScorePoint& base = series.front();
    // Drops compared as drop * 100 against percent * baseline: no rounding
    // at the boundary (2 of 10 is exactly 20%).
    auto stalled = [&](const ScorePoint& p) {
      const std::int64_t gap = p.at_ms - base.at_ms;
      const double drop = base.value - p.value;
      if (gap >= std::int64_t{rule.late_weeks} * kWeekMs) return drop * 100 < rule.late_percent * base.value;
      if (gap >= std::int64_t{rule.early_weeks} * kWeekMs)
        return drop < rule.early_points && drop * 100 < rule.early_percent * base.value;
      return false;
    };
    std::size_t first = series.size();
    while (first > 1 && stalled(series[first - 1])) --first;
    if (first == series.size()) continue;
    std::vector<std::string> evidence = base.refs;
    evidence.insert(evidence.end(), series.back().refs.begin(), series.back().refs.end());
    out.push_back(finding("not-improving", id, fill(rule.display, "instrument", id), series[first].at_ms,
                          std::move(evidence)));
  }
}

void safety_item(const CareRules& rules, const Timeline& tl, std::vector<FlagFinding>& out) {
  // Only scores that answered the item: a later total-only PHQ-9 says
  // nothing about item 9, so it must not clear a positive one.
  std::vector<const ScorePoint*> points;
  for (const auto& id : rules.safety_item.instruments)
    if (auto it = tl.scores.find(id); it != tl.scores.end())
      for (const auto& p : it->second)
        if (p.safety) points.push_back(&p);
  std::sort(points.begin(), points.end(), [](const ScorePoint* a, const ScorePoint* b) {
    return std::tie(a->at_ms, a->instrument) < std::tie(b->at_ms, b->instrument);
  });
  std::size_t first = points.size();
  std::vector<std::string> evidence;
  while (first > 0 && *points[first - 1]->safety) {
    --first;
    evidence.insert(evidence.end(), points[first]->refs.begin(), points[first]->refs.end());
  }
  if (first == points.size()) return;
  out.push_back(finding("safety-item", "", rules.safety_item.display, points[first]->at_ms, std::move(evidence)));
}

void referral_no_outcome(const CareRules& rules, std::span<const CareFact> facts, std::int64_t now_ms,
                         std::vector<FlagFinding>& out) {
  const auto& rule = rules.referral;
  const std::int64_t limit = days_ms(rule.days);
  std::int64_t since = 0;
  std::vector<std::string> evidence;
  for (const auto& r : facts) {
    if (!is_referral(rule, r) || !listed(rule.referral_statuses, r.code) || r.at_ms <= 0 || r.at_ms > now_ms ||
        now_ms - r.at_ms <= limit)
      continue;
    const std::string tag = "ref:" + fact_ref(r);
    const bool answered = std::any_of(facts.begin(), facts.end(), [&](const CareFact& g) {
      const bool outcome = (g.kind == "appointment" && listed(rule.appointment_statuses, g.code)) ||
                           (g.kind == "encounter" && listed(rule.encounter_statuses, g.code));
      return outcome && has_token(g.detail, tag);
    });
    if (answered) continue;
    since = since == 0 ? r.at_ms + limit : std::min(since, r.at_ms + limit);
    evidence.push_back(fact_ref(r));
  }
  if (evidence.empty()) return;
  out.push_back(finding("referral-no-outcome", "", fill(rule.display, "days", std::to_string(rule.days)), since,
                        std::move(evidence)));
}

void medication_change_unseen(const CareRules& rules, std::span<const CareFact> facts, const Timeline& tl,
                              std::int64_t now_ms, std::vector<FlagFinding>& out) {
  const auto& rule = rules.medication_change;
  std::map<std::string, std::vector<const CareFact*>> by_med;
  std::set<std::string> sources;
  for (const auto& f : facts) {
    if (f.kind == "flag") continue;
    if (!f.source.empty()) sources.insert(f.source);
    if (f.kind != "medication" || f.at_ms <= 0 || f.at_ms > now_ms) continue;
    if (!listed(rule.active_statuses, f.code) && !listed(rule.ended_statuses, f.code)) continue;
    std::string_view med = token_value(f.detail, "med:");
    if (!med.empty()) by_med[std::string(med)].push_back(&f);
  }
  std::int64_t since = 0;
  std::vector<std::string> evidence;
  for (auto& [med, requests] : by_med) {
    std::sort(requests.begin(), requests.end(), by_time);
    for (std::size_t i = 0; i < requests.size(); ++i) {
      const CareFact& f = *requests[i];
      const bool changed = i == 0 || token_value(f.detail, "dose:") != token_value(requests[i - 1]->detail, "dose:") ||
                           (i + 1 == requests.size() && listed(rule.ended_statuses, f.code));
      if (!changed || f.source.empty()) continue;
      if (rule.needs_another_source && sources.size() == 1) continue;  // only f.source knows the person
      const bool seen = std::any_of(tl.contacts.begin(), tl.contacts.end(), [&](const Contact& c) {
        return c.at_ms >= f.at_ms && !c.source.empty() && c.source != f.source;
      });
      if (seen) continue;
      since = since == 0 ? f.at_ms : std::min(since, f.at_ms);
      evidence.push_back(fact_ref(f));
    }
  }
  if (evidence.empty()) return;
  out.push_back(finding("medication-change-unseen", "", rule.display, since, std::move(evidence)));
}

void discharge_no_follow_up(const CareRules& rules, std::span<const CareFact> facts, const Timeline& tl,
                            std::int64_t now_ms, std::vector<FlagFinding>& out) {
  const auto& rule = rules.discharge;
  const std::int64_t limit = days_ms(rule.days);
  const std::int64_t lookback = days_ms(rule.lookback_days);
  std::int64_t since = 0;
  std::vector<std::string> evidence;
  for (const auto& f : facts) {
    const bool discharge =
        (f.kind == "encounter" && has_token(f.detail, "discharge") && listed(rule.encounter_statuses, f.code)) ||
        (f.kind == "episode" && listed(rule.episode_statuses, f.code));
    if (!discharge || f.end_ms <= 0 || f.end_ms > now_ms || now_ms - f.end_ms <= limit) continue;
    if (now_ms - f.end_ms > lookback) continue;  // too old to act on
    const std::string ref = fact_ref(f);
    if (first_follow_up(tl, f.end_ms, ref) != nullptr) continue;
    since = since == 0 ? f.end_ms + limit : std::min(since, f.end_ms + limit);
    evidence.push_back(ref);
  }
  if (evidence.empty()) return;
  out.push_back(finding("discharge-no-follow-up", "", fill(rule.display, "days", std::to_string(rule.days)), since,
                        std::move(evidence)));
}

}  // namespace

std::vector<FlagFinding> evaluate_flags(const CareRules& rules, std::span<const CareFact> facts, std::int64_t now_ms) {
  const Timeline tl = build_timeline(rules, facts, now_ms);
  std::vector<FlagFinding> out;
  if (rules.missed_appointments.enabled) missed_appointments(rules, facts, tl, now_ms, out);
  if (rules.no_contact.enabled) no_contact(rules, tl, now_ms, out);
  if (rules.overdue_reassessment.enabled) overdue_reassessment(rules, tl, now_ms, out);
  if (rules.not_improving.enabled) not_improving(rules, tl, out);
  if (rules.safety_item.enabled) safety_item(rules, tl, out);
  if (rules.referral.enabled) referral_no_outcome(rules, facts, now_ms, out);
  if (rules.medication_change.enabled) medication_change_unseen(rules, facts, tl, now_ms, out);
  if (rules.discharge.enabled) discharge_no_follow_up(rules, facts, tl, now_ms, out);
  return out;
}

}  // namespace mappers::care
