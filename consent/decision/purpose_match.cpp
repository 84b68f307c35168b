#include "consent/decision/purpose_match.hpp"

#include <algorithm>

namespace consent {
namespace {

// ValueSet v3-PurposeOfUse is everything under PurposeOfUse; the policy's
// own codes are added in case a file names one outside it.
std::vector<std::string> roots(const Policy& policy) {
  std::vector<std::string> out = {"PurposeOfUse"};
  for (const auto* list : {&policy.tpo_purposes(), &policy.emergency_purposes(), &policy.sensitive_permit_purposes()})
    out.insert(out.end(), list->begin(), list->end());
  return out;
}

}  // namespace

PurposeMatcher::PurposeMatcher(const fhir::terminology::CodeSystem& act_reason, const Policy& policy)
    : policy_(policy), tree_(act_reason, roots(policy)) {
  for (auto code : tree_.codes()) classes_.emplace_back(std::string(code), compute(code));
}

bool PurposeMatcher::any_of(std::string_view purpose, const std::vector<std::string>& listed) const {
  if (purpose.empty()) return false;
  for (const auto& l : listed)
    if (tree_.is_a(purpose, l)) return true;
  return false;
}

PurposeClass PurposeMatcher::classify(std::string_view purpose) const {
  auto it = std::lower_bound(classes_.begin(), classes_.end(), purpose,
                             [](const auto& e, std::string_view p) { return std::string_view(e.first) < p; });
  if (it != classes_.end() && it->first == purpose) return it->second;
  return compute(purpose);  // outside v3-PurposeOfUse: only itself
}

PurposeClass PurposeMatcher::compute(std::string_view purpose) const {
  return {any_of(purpose, policy_.tpo_purposes()), any_of(purpose, policy_.emergency_purposes()),
          any_of(purpose, policy_.sensitive_permit_purposes())};
}

}  // namespace consent
