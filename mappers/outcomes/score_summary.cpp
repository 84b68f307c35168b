#include "mappers/outcomes/score_summary.hpp"

#include <utility>

#include "fhir/core/errors.hpp"

namespace mappers::outcomes {

Score start_score(const Instrument& inst, const std::string& table_version) {
  Score s;
  s.instrument = inst.id;
  s.total_code = inst.total_code;
  s.items.assign(inst.items.size(), std::nullopt);
  s.table_version = table_version;
  return s;
}

void summarize(const Instrument& inst, Score& s) {
  s.answered = 0;
  int sum = 0;
  for (const auto& v : s.items) {
    if (!v) continue;
    ++s.answered;
    sum += *v;
  }
  s.complete = !s.items.empty() && s.answered == static_cast<int>(s.items.size());
  if (s.complete) {
    // The gateway's own sum wins over whatever the source reported.
    s.source_total_disagrees = s.reported_total.has_value() && *s.reported_total != sum;
    s.total = sum;
  }
  s.severity = s.total ? inst.band_of(*s.total) : std::string();
  s.safety_positive.reset();
  if (inst.safety && static_cast<std::size_t>(inst.safety->item) < s.items.size()) {
    const auto& v = s.items[static_cast<std::size_t>(inst.safety->item)];
    if (v) s.safety_positive = *v >= inst.safety->positive_at_least;
  }
}

fhir::Issue note(std::string diagnostics, std::string expression) {
  fhir::Issue i = fhir::make_issue(fhir::err::kInvalidValue, std::move(diagnostics), std::move(expression));
  i.severity = fhir::Severity::warning;  // the resource is accepted; only this value is not scored
  return i;
}

}  // namespace mappers::outcomes
