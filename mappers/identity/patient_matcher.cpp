#include "mappers/identity/patient_matcher.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "mappers/identity/field_compare.hpp"

namespace mappers::identity {
namespace {

double logit2(double p) { return std::log2(p / (1 - p)); }

std::string bits(double w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", w);
  return buf;
}

// The values a record carries for one strong identifier, placeholders
// left out.
std::vector<const PatientIdentifier*> values_of(const Demographics& d, const StrongIdentifier& id) {
  std::vector<const PatientIdentifier*> out;
  for (const auto& i : d.identifiers) {
    bool ours = std::find(id.systems.begin(), id.systems.end(), i.system) != id.systems.end();
    bool placeholder = std::find(id.placeholders.begin(), id.placeholders.end(), i.value) != id.placeholders.end();
    if (ours && !placeholder) out.push_back(&i);
  }
  return out;
}

bool any_current(const std::vector<const PatientIdentifier*>& ids) {
  return std::any_of(ids.begin(), ids.end(), [](const PatientIdentifier* i) { return i->current; });
}

// agree: a value in common (an old one counts: it was the person's);
// disagree: both carry a current value and none is shared; else missing.
Evidence compare_identifier(const Demographics& a, const Demographics& b, const StrongIdentifier& id) {
  Evidence e{std::string(kIdentifierPrefix) + id.name, Agreement::missing, 0, false, {}};
  auto xs = values_of(a, id), ys = values_of(b, id);
  if (xs.empty() || ys.empty()) return e;
  for (const auto* x : xs)
    for (const auto* y : ys)
      if (x->value == y->value) {
        e.level = Agreement::agree;
        e.detail = x->value + " | " + y->value;
        return e;
      }
  if (any_current(xs) && any_current(ys)) {
    e.level = Agreement::disagree;
    e.detail = xs.front()->value + " | " + ys.front()->value;
  }
  return e;
}

int rank(Agreement a) {
  switch (a) {
    case Agreement::agree: return 2;
    case Agreement::partial: return 1;
    case Agreement::disagree:
    case Agreement::missing: return 0;
  }
  return 0;
}

// The fields whose agreement falls short of link_requires, marked
// decisive; their names joined for the reason.
std::string unmet_requirements(MatchResult& r, const MatchingRules& rules, std::size_t first_field) {
  std::string unmet;
  for (const auto& [field, least] : rules.link_requires()) {
    Evidence& e = r.evidence[first_field + static_cast<std::size_t>(field)];
    if (rank(e.level) >= rank(least)) continue;
    e.decisive = true;
    if (!unmet.empty()) unmet += ", ";
    unmet += e.field + " is " + std::string(agreement_code(e.level)) + ", not " + std::string(agreement_code(least));
  }
  return unmet;
}

void decide_by_identifier(MatchResult& r, const MatchingRules& rules, std::size_t first_field) {
  for (std::size_t i = 0; i < first_field; ++i) {
    Evidence& e = r.evidence[i];
    if (e.level != Agreement::disagree) continue;
    e.decisive = true;
    r.outcome = Outcome::none;
    r.grade = MatchGrade::certainly_not;
    r.score = 0;
    r.reason = "strong identifier " + e.field.substr(kIdentifierPrefix.size()) +
               " conflicts: the same system with different values";
    return;
  }
  for (std::size_t i = 0; i < first_field; ++i) {
    Evidence& e = r.evidence[i];
    if (e.level != Agreement::agree) continue;
    e.decisive = true;
    std::string name = e.field.substr(kIdentifierPrefix.size());
    if (r.total_weight >= rules.strong_identifier_floor()) {
      r.outcome = Outcome::link;
      r.grade = MatchGrade::certain;
      r.score = 1;
      r.reason = "strong identifier " + name + " agrees";
    } else {
      r.outcome = Outcome::review;
      r.grade = MatchGrade::probable;
      r.reason = "strong identifier " + name + " agrees but the demographics weigh " + bits(r.total_weight) +
                 ", below the floor " + bits(rules.strong_identifier_floor());
    }
    return;
  }
}

void decide_by_weight(MatchResult& r, const MatchingRules& rules, std::size_t first_field) {
  double w = r.total_weight;
  if (w >= rules.link_threshold()) {
    std::string unmet = unmet_requirements(r, rules, first_field);
    if (unmet.empty()) {
      r.outcome = Outcome::link;
      r.grade = MatchGrade::certain;
      r.reason = "weight " + bits(w) + " at or above the link threshold " + bits(rules.link_threshold());
    } else {
      r.outcome = Outcome::review;
      r.grade = MatchGrade::probable;
      r.reason = "weight " + bits(w) + " reaches the link threshold but " + unmet;
    }
  } else if (w >= rules.review_threshold()) {
    r.outcome = Outcome::review;
    r.grade = MatchGrade::possible;
    r.reason = "weight " + bits(w) + " between the review threshold " + bits(rules.review_threshold()) +
               " and the link threshold " + bits(rules.link_threshold());
  } else {
    r.outcome = Outcome::none;
    r.reason = "weight " + bits(w) + " below the review threshold " + bits(rules.review_threshold());
  }
}

}  // namespace

double match_score(double total_weight, const MatchingRules& rules) {
  double lo = logit2(rules.score_at_review()), hi = logit2(rules.score_at_link());
  double s = (rules.link_threshold() - rules.review_threshold()) / (hi - lo);
  double c = rules.review_threshold() - s * lo;
  return 1 / (1 + std::exp2(-(total_weight - c) / s));
}

MatchResult match(const Demographics& a, const Demographics& b, const MatchingRules& rules) {
  MatchResult r;
  r.rules_version = rules.version();
  for (const auto& id : rules.strong_identifiers()) r.evidence.push_back(compare_identifier(a, b, id));
  std::size_t first_field = r.evidence.size();
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    auto f = static_cast<Field>(i);
    Comparison c = compare_field(f, a, b);
    double w = rules.field(f).weight(c.level);
    r.total_weight += w;
    r.evidence.push_back({std::string(field_name(f)), c.level, w, false, std::move(c.detail)});
  }
  r.score = match_score(r.total_weight, rules);
  decide_by_identifier(r, rules, first_field);
  if (r.reason.empty()) decide_by_weight(r, rules, first_field);
  return r;
}

}  // namespace mappers::identity
