#include "mappers/care/registry_rows.hpp"

#include <algorithm>
#include <cmath>

#include "mappers/care/fact_timeline.hpp"
#include "mappers/care/flag_rules.hpp"

namespace mappers::care {
namespace {

std::vector<std::string> open_flags(std::span<const fhir::store::CareFact> facts, std::int64_t now_ms) {
  std::vector<std::string> out;
  for (const auto& f : facts)
    if (f.kind == "flag" && !f.code.empty() && has_token(f.detail, "status:active") &&
        (f.end_ms == 0 || f.end_ms > now_ms))
      out.push_back(f.code);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

bool dropped_by(double baseline, double latest, double percent) {
  // drop * 100 against percent * baseline: 9 of 18 is exactly 50%.
  return baseline > 0 && (baseline - latest) * 100 >= percent * baseline;
}

std::vector<RegistryRow> registry_rows(const CareRules& rules, std::string_view patient,
                                       std::span<const fhir::store::CareFact> facts, std::int64_t now_ms) {
  const Timeline tl = build_timeline(rules, facts, now_ms);
  RegistryRow person;
  person.patient = std::string(patient);
  person.open_flags = open_flags(facts, now_ms);
  person.last_contact_ms = tl.last_contact_ms;
  person.next_appointment_ms = tl.next_appointment_ms;
  if (tl.scores.empty()) return {person};

  const std::vector<FlagFinding> flags = evaluate_flags(rules, facts, now_ms);
  std::vector<RegistryRow> rows;
  for (const auto& [id, all] : tl.scores) {  // the map is ordered by id
    RegistryRow row = person;
    // The current episode's baseline, not the first score ever.
    const ScoreSeries series = current_series(tl, id);
    const ScorePoint& base = series.front();
    const ScorePoint& last = series.back();
    row.instrument = id;
    row.baseline_score = base.value;
    row.baseline_ms = base.at_ms;
    row.latest_score = last.value;
    row.latest_ms = last.at_ms;
    if (base.value != 0) row.change_percent = std::round((last.value - base.value) / base.value * 1000) / 10;
    row.weeks_in_treatment = static_cast<int>((now_ms - base.at_ms) / kWeekMs);
    if (const InstrumentRule* inst = rules.instrument(id); inst != nullptr && base.value >= inst->min_baseline) {
      row.response = dropped_by(base.value, last.value, inst->response_percent);
      row.remission = inst->remission_below && last.value < *inst->remission_below;
    }
    row.not_improving = std::any_of(flags.begin(), flags.end(), [&row](const FlagFinding& f) {
      return f.code == "not-improving" && f.instrument == row.instrument;
    });
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace mappers::care
