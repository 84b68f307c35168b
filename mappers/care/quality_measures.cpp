#include "mappers/care/quality_measures.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "mappers/care/fact_timeline.hpp"
#include "mappers/care/registry_rows.hpp"

namespace mappers::care {
namespace {

using fhir::store::CareFact;

double one_decimal(double v) { return std::round(v * 10) / 10; }

QualityMeasure rate(std::string code, std::string display, std::int64_t numerator, std::int64_t denominator) {
  QualityMeasure m;
  m.code = std::move(code);
  m.display = std::move(display);
  m.numerator = numerator;
  m.denominator = denominator;
  if (denominator > 0) m.value = one_decimal(static_cast<double>(numerator) * 100 / static_cast<double>(denominator));
  m.unit = "%";
  return m;
}

struct Counts {
  std::int64_t numerator = 0, denominator = 0;
};

// Response and remission by day N of each series in treatment, every series
// an episode of its own: a past episode's outcome stays in the history's
// rate when the person comes back years later, and a new one is judged
// against its own baseline.
void outcomes(const CareRules& rules, const Timeline& tl, std::int64_t now_ms, std::vector<Counts>& response,
              std::vector<Counts>& remission) {
  for (const auto& [id, all] : tl.scores) {
    const InstrumentRule* inst = rules.instrument(id);
    if (inst == nullptr) continue;
    for (const ScoreSeries series : series_of(tl, id)) {
      const ScorePoint& base = series.front();
      if (base.value < inst->min_baseline) continue;
      for (std::size_t k = 0; k < rules.measures.outcome_days.size(); ++k) {
        const std::int64_t horizon = base.at_ms + std::int64_t{rules.measures.outcome_days[k]} * kDayMs;
        if (horizon > now_ms) continue;
        // Only this series' scores: a horizon longer than the gap must not
        // reach into the next episode.
        const ScorePoint* at = &base;
        for (const auto& p : series)
          if (p.at_ms <= horizon) at = &p;
        ++response[k].denominator;
        if (dropped_by(base.value, at->value, inst->response_percent)) ++response[k].numerator;
        if (!inst->remission_below) continue;
        ++remission[k].denominator;
        if (at->value < *inst->remission_below) ++remission[k].numerator;
      }
    }
  }
}

// The positive screens of one person: the first of each series, in time
// order; of screens within series_gap_days after one counted (a PHQ-9 and
// a GAD-7 of the same visit, or of the same months) only that one counts,
// so a person screened on two instruments is not two people.
std::vector<const ScorePoint*> positive_screens(const CareRules& rules, const Timeline& tl) {
  std::vector<const ScorePoint*> firsts;
  for (const auto& [id, all] : tl.scores) {
    const InstrumentRule* inst = rules.instrument(id);
    if (inst == nullptr) continue;
    for (const ScoreSeries series : series_of(tl, id))
      for (const auto& p : series)
        if (p.value >= inst->positive_screen) {
          firsts.push_back(&p);
          break;
        }
  }
  std::sort(firsts.begin(), firsts.end(), [](const ScorePoint* a, const ScorePoint* b) {
    return std::tie(a->at_ms, a->instrument) < std::tie(b->at_ms, b->instrument);
  });
  std::vector<const ScorePoint*> out;
  for (const ScorePoint* p : firsts)
    if (out.empty() || begins_series(rules, out.back()->at_ms, p->at_ms)) out.push_back(p);
  return out;
}

// Each positive screen and the days to the first follow-up after it.
void screen(const CareRules& rules, const Timeline& tl, Counts& counts, std::vector<double>& days) {
  for (const ScorePoint* s : positive_screens(rules, tl)) {
    ++counts.denominator;
    const Contact* c = first_follow_up(tl, s->at_ms + 1, "");
    if (c == nullptr) continue;
    ++counts.numerator;
    days.push_back(static_cast<double>(c->at_ms - s->at_ms) / kDayMs);
  }
}

void crisis_follow_up(const CareRules& rules, std::span<const CareFact> facts, const Timeline& tl,
                      std::int64_t now_ms, std::vector<Counts>& follow_up) {
  for (const auto& f : facts) {
    if (f.kind != "encounter" || !listed(rules.contacts.crisis_classes, token_value(f.detail, "class:")) ||
        !listed(rules.discharge.encounter_statuses, f.code) || f.end_ms <= 0)
      continue;
    const Contact* c = first_follow_up(tl, f.end_ms, fact_ref(f));
    for (std::size_t k = 0; k < rules.measures.follow_up_days.size(); ++k) {
      const std::int64_t window = std::int64_t{rules.measures.follow_up_days[k]} * kDayMs;
      if (now_ms - f.end_ms <= window) continue;
      ++follow_up[k].denominator;
      if (c != nullptr && c->at_ms <= f.end_ms + window) ++follow_up[k].numerator;
    }
  }
}

void no_shows(const CareRules& rules, std::span<const CareFact> facts, std::int64_t now_ms, Counts& counts) {
  for (const auto& f : facts) {
    if (f.kind != "appointment" || f.at_ms <= 0 || f.at_ms > now_ms) continue;
    if (listed(rules.appointments.missed_statuses, f.code)) {
      ++counts.numerator;
      ++counts.denominator;
    } else if (listed(rules.contacts.appointment_statuses, f.code)) {
      ++counts.denominator;
    }
  }
}

std::optional<double> median(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const std::size_t mid = v.size() / 2;
  return one_decimal(v.size() % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2);
}

}  // namespace

std::vector<QualityMeasure> quality_measures(const CareRules& rules, std::span<const PersonFacts> people,
                                             std::int64_t now_ms) {
  std::vector<Counts> response(rules.measures.outcome_days.size()), remission(rules.measures.outcome_days.size());
  std::vector<Counts> follow_up(rules.measures.follow_up_days.size());
  Counts screened, shows;
  std::vector<double> screen_days;
  for (const auto& person : people) {
    const Timeline tl = build_timeline(rules, person.facts, now_ms);
    outcomes(rules, tl, now_ms, response, remission);
    screen(rules, tl, screened, screen_days);
    crisis_follow_up(rules, person.facts, tl, now_ms, follow_up);
    no_shows(rules, person.facts, now_ms, shows);
  }

  std::vector<QualityMeasure> out;
  for (std::size_t k = 0; k < response.size(); ++k) {
    const std::string n = std::to_string(rules.measures.outcome_days[k]);
    out.push_back(rate("response-" + n, "Response (score down by at least the response percent) by day " + n,
                       response[k].numerator, response[k].denominator));
  }
  for (std::size_t k = 0; k < remission.size(); ++k) {
    const std::string n = std::to_string(rules.measures.outcome_days[k]);
    out.push_back(rate("remission-" + n, "Remission (score below the remission threshold) by day " + n,
                       remission[k].numerator, remission[k].denominator));
  }
  QualityMeasure s;
  s.code = "screen-to-contact";
  s.display = "Positive screens followed by a contact; value: median days to the first contact";
  s.numerator = screened.numerator;
  s.denominator = screened.denominator;
  s.value = median(std::move(screen_days));
  s.unit = "d";
  out.push_back(std::move(s));
  for (std::size_t k = 0; k < follow_up.size(); ++k) {
    const std::string n = std::to_string(rules.measures.follow_up_days[k]);
    out.push_back(rate("ed-follow-up-" + n, "Follow-up within " + n + " days of an emergency or crisis encounter",
                       follow_up[k].numerator, follow_up[k].denominator));
  }
  out.push_back(rate("no-show-rate", "Past appointments missed (no-show)", shows.numerator, shows.denominator));
  return out;
}

}  // namespace mappers::care
