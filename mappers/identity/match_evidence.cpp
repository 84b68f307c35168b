#include "mappers/identity/match_evidence.hpp"

#include <cstdio>
#include <string>

namespace mappers::identity {
namespace {

using fhir::json::Value;

// Four decimals: weights are estimates, a score is read by people.
Value number(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string text(buf);
  if (text == "-0.0000") text = "0.0000";
  return Value::make_number(std::move(text));
}

Value string(std::string_view s) { return Value::make_string(std::string(s)); }

}  // namespace

Value evidence_json(const MatchResult& r) {
  Value out = Value::make_object();
  out.set("outcome", string(outcome_code(r.outcome)));
  if (r.grade) out.set("grade", string(match_grade_code(*r.grade)));
  out.set("score", number(r.score));
  out.set("weight", number(r.total_weight));
  out.set("reason", string(r.reason));
  out.set("rules_version", string(r.rules_version));
  Value lines = Value::make_array();
  for (const auto& e : r.evidence) {
    Value line = Value::make_object();
    line.set("field", string(e.field));
    line.set("level", string(agreement_code(e.level)));
    line.set("weight", number(e.weight));
    line.set("decisive", Value::make_bool(e.decisive));
    line.set("detail", string(e.detail));
    lines.push_back(std::move(line));
  }
  out.set("evidence", std::move(lines));
  return out;
}

}  // namespace mappers::identity
