#include "mappers/identity/match_result.hpp"

#include <cstdio>

namespace mappers::identity {
namespace {

std::string fixed(double v, const char* format) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace

std::string_view outcome_code(Outcome o) {
  switch (o) {
    case Outcome::link: return "link";
    case Outcome::review: return "review";
    case Outcome::none: return "none";
  }
  return "none";
}

std::string_view match_grade_code(MatchGrade g) {
  switch (g) {
    case MatchGrade::certain: return "certain";
    case MatchGrade::probable: return "probable";
    case MatchGrade::possible: return "possible";
    case MatchGrade::certainly_not: return "certainly-not";
  }
  return "possible";
}

std::string MatchResult::summary() const {
  std::string out(outcome_code(outcome));
  if (grade) out += " " + std::string(match_grade_code(*grade));
  out += " score=" + fixed(score, "%.3f") + " weight=" + fixed(total_weight, "%.2f") + " rules=" + rules_version + ":";
  bool first = true;
  for (const auto& e : evidence) {
    out += first ? " " : ", ";
    first = false;
    out += e.field + " " + std::string(agreement_code(e.level));
    if (!e.field.starts_with(kIdentifierPrefix)) out += " " + fixed(e.weight, "%+.2f");
    if (e.decisive) out += " (decisive)";
  }
  if (!reason.empty()) out += "; " + reason;
  return out;
}

}  // namespace mappers::identity
