// The outcome of a consent decision. Verdict is what the engine computes
// (pointers into the Policy and the compiled consents, so deciding
// allocates nothing); Decision is its explanation for `$consent-decision`,
// the AuditEvent and the README.
#pragma once

#include <string>
#include <vector>

namespace consent {

enum class Effect { permit, deny, needs_content };

const char* effect_code(Effect e);  // "permit", "deny", "needs-content"

struct CompiledConsent;
struct Provision;
struct PolicyRule;

struct Verdict {
  Effect effect = Effect::deny;
  // Which consent and provision decided (both null when a policy rule did).
  const CompiledConsent* consent = nullptr;
  const Provision* provision = nullptr;
  // The policy rule that decided, or that gives a consent decision its
  // legal basis (consent-permit, consent-deny, part2-consent, ...).
  const PolicyRule* rule = nullptr;
  // Permitted only because the purpose is an emergency one (ETREAT, BTG):
  // the gateway must alert and record the 42 CFR 2.51(c) fields.
  bool break_glass = false;
};

struct Decision {
  Effect effect = Effect::deny;
  // "Consent/ID/_history/V provision.provision[1]" or "policy:<rule id>".
  std::string basis;
  std::string legal_basis;  // "42 CFR 2.31, 2.33", "patient consent (45 CFR 164.522(a))", ...
  bool break_glass = false;
  // One line per consent that did not count (another patient, inactive,
  // expired, not computable, root criteria not met) and why, and which rule
  // finally applied.
  std::vector<std::string> notes;
};

}  // namespace consent
