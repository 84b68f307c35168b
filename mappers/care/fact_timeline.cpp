#include "mappers/care/fact_timeline.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

namespace mappers::care {
namespace {

using fhir::store::CareFact;

bool known_by(const CareFact& f, std::int64_t now_ms) { return f.at_ms > 0 && f.at_ms <= now_ms; }

// Scores of one instrument at one moment become one point (see ScorePoint).
std::map<std::string, std::vector<ScorePoint>> score_series(std::span<const CareFact> facts, std::int64_t now_ms) {
  std::map<std::pair<std::string, std::int64_t>, std::vector<const CareFact*>> moments;
  for (const auto& f : facts)
    if (f.kind == "score" && !f.code.empty() && f.value && known_by(f, now_ms))
      moments[{f.code, f.at_ms}].push_back(&f);
  std::map<std::string, std::vector<ScorePoint>> out;
  for (auto& [key, group] : moments) {
    std::sort(group.begin(), group.end(),
              [](const CareFact* a, const CareFact* b) { return fact_ref(*a) < fact_ref(*b); });
    ScorePoint p;
    p.instrument = key.first;
    p.at_ms = key.second;
    p.value = *group.front()->value;
    // The gateway's own scoring of the answers beats a reported total.
    for (const CareFact* f : group)
      if (has_token(f->detail, "derived")) {
        p.value = *f->value;
        break;
      }
    // Positive wins, a known negative beats unknown.
    for (const CareFact* f : group) {
      if (has_token(f->detail, "safety"))
        p.safety = true;
      else if (has_token(f->detail, "safety-negative") && !p.safety)
        p.safety = false;
      p.refs.push_back(fact_ref(*f));
    }
    p.refs.erase(std::unique(p.refs.begin(), p.refs.end()), p.refs.end());
    out[key.first].push_back(std::move(p));  // the map keeps at_ms order
  }
  return out;
}

std::vector<Contact> contacts_of(const CareRules& rules, std::span<const CareFact> facts, std::int64_t now_ms) {
  std::vector<Contact> out;
  for (const auto& f : facts) {
    if (!known_by(f, now_ms)) continue;
    bool crisis = false;
    if (f.kind == "encounter") {
      if (!listed(rules.contacts.encounter_statuses, f.code)) continue;
      crisis = listed(rules.contacts.crisis_classes, token_value(f.detail, "class:"));
    } else if (f.kind == "appointment") {
      if (!listed(rules.contacts.appointment_statuses, f.code)) continue;
    } else if (f.kind != "score" || !rules.contacts.scores) {
      continue;
    }
    out.push_back({f.at_ms, f.source, fact_ref(f), crisis});
  }
  std::sort(out.begin(), out.end(),
            [](const Contact& a, const Contact& b) { return std::tie(a.at_ms, a.ref) < std::tie(b.at_ms, b.ref); });
  return out;
}

// A care plan or episode with a listed status that has begun (or whose
// start is unknown) and has not ended by now.
bool active_now(const CareFact& f, const std::vector<std::string>& statuses, std::int64_t now_ms) {
  return listed(statuses, f.code) && f.at_ms <= now_ms && (f.end_ms == 0 || f.end_ms > now_ms);
}

// Whether detail holds "<prefix><value>" for one of the values.
bool any_token(std::string_view detail, std::string_view prefix, const std::vector<std::string>& values) {
  return std::any_of(values.begin(), values.end(),
                     [&](const std::string& v) { return has_token(detail, std::string(prefix) + v); });
}

// A care plan of a behavioral-health category: EHRs keep plans for diabetes
// and hypertension active for years, and those are no treatment here. An
// empty list takes any plan.
bool of_listed_category(const CareFact& plan, const std::vector<std::string>& categories) {
  return categories.empty() || any_token(plan.detail, "category:", categories);
}

void find_treatment(const CareRules& rules, std::span<const CareFact> facts, std::int64_t now_ms, Timeline& tl) {
  auto consider = [&tl](std::int64_t start, const std::string& ref) {
    tl.in_treatment = true;
    if (start <= 0) return;
    if (tl.treatment_start_ms == 0 || std::tie(start, ref) < std::tie(tl.treatment_start_ms, tl.treatment_start_ref)) {
      tl.treatment_start_ms = start;
      tl.treatment_start_ref = ref;
    }
  };
  for (const auto& f : facts) {
    if ((f.kind == "care-plan" && active_now(f, rules.treatment.care_plan_statuses, now_ms) &&
         of_listed_category(f, rules.treatment.care_plan_categories)) ||
        (f.kind == "episode" && active_now(f, rules.treatment.episode_statuses, now_ms)))
      consider(f.at_ms, fact_ref(f));
  }
  const std::int64_t window = std::int64_t{rules.treatment.score_within_days} * kDayMs;
  for (const auto& [id, series] : tl.scores)
    for (const auto& p : series)
      if (now_ms - p.at_ms <= window) {
        consider(p.at_ms, p.refs.front());
        break;  // the earliest of this series in the window
      }
}

}  // namespace

std::string fact_ref(const CareFact& f) { return f.type + "/" + f.id; }

bool has_token(std::string_view detail, std::string_view token) {
  std::size_t pos = 0;
  while (pos <= detail.size()) {
    std::size_t end = detail.find(' ', pos);
    if (end == std::string_view::npos) end = detail.size();
    if (detail.substr(pos, end - pos) == token) return true;
    pos = end + 1;
  }
  return false;
}

std::string_view token_value(std::string_view detail, std::string_view prefix) {
  std::size_t pos = 0;
  while (pos < detail.size()) {
    std::size_t end = detail.find(' ', pos);
    if (end == std::string_view::npos) end = detail.size();
    std::string_view token = detail.substr(pos, end - pos);
    if (token.size() > prefix.size() && token.substr(0, prefix.size()) == prefix) return token.substr(prefix.size());
    pos = end + 1;
  }
  return {};
}

bool listed(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool is_referral(const ReferralRule& rule, const CareFact& f) {
  // A lab order (HL7's reflex Free T4, ServiceRequest/ft4) is a
  // ServiceRequest too, and nobody books an appointment for it.
  if (f.kind != "referral" || has_token(f.detail, "do-not-perform")) return false;
  if (!rule.intents.empty() && !any_token(f.detail, "intent:", rule.intents)) return false;
  if (rule.categories.empty() && rule.codes.empty()) return true;
  return any_token(f.detail, "category:", rule.categories) || any_token(f.detail, "code:", rule.codes);
}

bool begins_series(const CareRules& rules, std::int64_t previous_ms, std::int64_t at_ms) {
  return at_ms - previous_ms > std::int64_t{rules.treatment.series_gap_days} * kDayMs;
}

std::vector<ScoreSeries> series_of(const Timeline& tl, const std::string& instrument) {
  std::vector<ScoreSeries> out;
  const auto points = tl.scores.find(instrument);
  const auto starts = tl.series_starts.find(instrument);
  if (points == tl.scores.end() || starts == tl.series_starts.end()) return out;
  const ScoreSeries all(points->second);
  for (std::size_t i = 0; i < starts->second.size(); ++i) {
    const std::size_t begin = starts->second[i];
    const std::size_t end = i + 1 < starts->second.size() ? starts->second[i + 1] : all.size();
    out.push_back(all.subspan(begin, end - begin));
  }
  return out;
}

ScoreSeries current_series(const Timeline& tl, const std::string& instrument) {
  const auto points = tl.scores.find(instrument);
  const auto starts = tl.series_starts.find(instrument);
  if (points == tl.scores.end() || starts == tl.series_starts.end() || starts->second.empty()) return {};
  return ScoreSeries(points->second).subspan(starts->second.back());
}

Timeline build_timeline(const CareRules& rules, std::span<const CareFact> facts, std::int64_t now_ms) {
  Timeline tl;
  tl.scores = score_series(facts, now_ms);
  for (const auto& [id, points] : tl.scores) {
    std::vector<std::size_t>& starts = tl.series_starts[id];
    for (std::size_t i = 0; i < points.size(); ++i)
      if (i == 0 || begins_series(rules, points[i - 1].at_ms, points[i].at_ms)) starts.push_back(i);
  }
  tl.contacts = contacts_of(rules, facts, now_ms);
  if (!tl.contacts.empty()) {
    tl.last_contact_ms = tl.contacts.back().at_ms;
    tl.last_contact_ref = tl.contacts.back().ref;
  }
  for (const auto& f : facts)
    if (f.kind == "appointment" && f.at_ms > now_ms && listed(rules.appointments.upcoming_statuses, f.code) &&
        (tl.next_appointment_ms == 0 || f.at_ms < tl.next_appointment_ms))
      tl.next_appointment_ms = f.at_ms;
  find_treatment(rules, facts, now_ms, tl);
  return tl;
}

const Contact* first_follow_up(const Timeline& tl, std::int64_t from_ms, std::string_view except) {
  for (const auto& c : tl.contacts)
    if (c.at_ms >= from_ms && !c.crisis && c.ref != except) return &c;
  return nullptr;
}

}  // namespace mappers::care
