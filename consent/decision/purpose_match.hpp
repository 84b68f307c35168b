// The request's purpose of use against the policy's purpose lists and a
// provision's purposes: is-a over v3-ActReason (ETREAT and COC are TREAT,
// BTG is ETREAT), from a table built once (CodeTree), no allocation.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "consent/decision/code_tree.hpp"
#include "consent/decision/policy.hpp"

namespace consent {

struct PurposeClass {
  bool tpo = false;               // is-a a tpo_purposes code
  bool emergency = false;         // is-a an emergency_purposes code
  bool sensitive_permit = false;  // is-a a sensitive.permit_purposes code
};

class PurposeMatcher {
 public:
  PurposeMatcher(const fhir::terminology::CodeSystem& act_reason, const Policy& policy);

  PurposeClass classify(std::string_view purpose) const;
  // purpose is-a one of listed (a provision's purposes; empty = any).
  bool any_of(std::string_view purpose, const std::vector<std::string>& listed) const;

 private:
  PurposeClass compute(std::string_view purpose) const;

  const Policy& policy_;
  CodeTree tree_;
  // Every purpose in the tree with its class, sorted: one lookup per decision.
  std::vector<std::pair<std::string, PurposeClass>> classes_;
};

}  // namespace consent
