// The consent decision: may this requester receive this resource version?
// Pure and const: safe for concurrent calls; evaluate() allocates nothing
// unless a consent's actor criteria ask the Directory, so it can run per
// candidate row inside a query (no JSON is read unless a provision needs
// the content).
//
// Order of rules (README "Consent decisions", research notes 4.9):
//  1. custodian roles (policy custodian_roles) are exempt: permit.
//  2. For each patient whose compartment holds the resource, its consents
//     decide with deny-overrides (G5): any applicable consent that denies
//     -> deny; else if one needs the content -> needs_content; else a
//     permit whose path meets what the data needs (G8: Part 2 data needs a
//     named recipient, or a recipient-less TPO permit when general
//     designation is allowed, and a provision scoping Part 2/SUD data;
//     psychotherapy notes need a provision scoping PSYTHPN; other sensitive
//     data needs some data scope) -> permit.
//  3. Else the defaults (G7): non-partner roles deny; Part 2 deny;
//     PSYTHPN deny; other sensitive data permit for the policy's treatment
//     purposes, else deny; non-sensitive data permit for TPO, else deny.
//  4. Emergency purposes (is-a ETREAT/BTG) open to partners what 2 and 3
//     deny, a patient's deny included (policy switch), but never
//     psychotherapy notes unless the policy says so (G9); break_glass is
//     set whenever that was needed.
// A resource in several patients' compartments must be permitted for each
// (deny wins). Non-patient data has no consents: the defaults decide.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "consent/decision/compiled_consent.hpp"
#include "consent/decision/decision.hpp"
#include "consent/decision/decision_inputs.hpp"
#include "consent/decision/label_match.hpp"
#include "consent/decision/policy.hpp"
#include "consent/decision/purpose_match.hpp"

namespace consent {

class DecisionEngine {
 public:
  DecisionEngine(std::shared_ptr<const Policy> policy, const fhir::terminology::CodeSystem& act_reason,
                 const fhir::terminology::CodeSystem& act_code);

  // consents: those about the resource's patients (the engine still checks
  // patient, status, scope and period itself).
  Verdict evaluate(const Requester& requester, const ResourceFacts& facts,
                   std::span<const CompiledConsent* const> consents, const Directory& directory,
                   std::int64_t now_ms) const;
  // evaluate() plus its explanation, for $consent-decision and audit.
  Decision decide(const Requester& requester, const ResourceFacts& facts,
                  std::span<const CompiledConsent* const> consents, const Directory& directory,
                  std::int64_t now_ms) const;
  // Some active consent has a provision that reads the resource (code,
  // dataPeriod, data, class by profile or MIME type): decide() without
  // content may answer needs_content, so load the resource first.
  static bool needs_content(std::span<const CompiledConsent* const> consents);

  const Policy& policy() const { return *policy_; }
  // The purpose is-a one of the policy's emergency purposes (BTG, ETREAT).
  bool is_emergency(std::string_view purpose) const { return purposes_.classify(purpose).emergency; }

 private:
  Verdict run(const Requester& requester, const ResourceFacts& facts, std::span<const CompiledConsent* const> consents,
              const Directory& directory, std::int64_t now_ms, std::vector<std::string>* notes) const;

  std::shared_ptr<const Policy> policy_;
  LabelMatcher labels_;
  PurposeMatcher purposes_;
};

}  // namespace consent
