// DS4P labels against the policy and against a provision's securityLabel
// (G6). Built once from v3-ActCode and the Policy; every check is a table
// lookup, no allocation.
//
// - Confidentiality in a permit provision is a clearance: it covers data at
//   that level or lower (R4 Consent.provision.securityLabel: "a high water
//   mark"). In a deny provision it covers that level or higher: read
//   literally, a deny of R would withhold N data too, which LEAP's expected
//   results (scenarios B, E) do not do.
// - Sensitivity codes match by is-a over ActCode (SUD covers ETHUD and
//   OPIOIDUD, SPI covers SUD, PSY, PSYTHPN, MH, BH); ETH is read as SUD (ETH
//   is not under SUD in ActCode, but Consent2Share and older partners use it
//   for the same data). Deprecated v3-Confidentiality ETH/PSY/HIV/SDV were
//   mapped to ActCode when the consent was compiled.
// - 42CFRPart2 matches in v3-ActUSPrivacyLaw and v3-ActCode alike.
#pragma once

#include <string_view>

#include "consent/decision/code_tree.hpp"
#include "consent/decision/compiled_consent.hpp"
#include "consent/decision/policy.hpp"
#include "consent/labels/security_label.hpp"

namespace consent {

struct DataClass {
  bool part2 = false;      // 42CFRPart2: needs a 42 CFR 2.31 consent
  bool psythpn = false;    // psychotherapy notes: needs a consent scoping them
  bool sensitive = false;  // other sensitive data (policy "sensitive")
};

class LabelMatcher {
 public:
  LabelMatcher(const fhir::terminology::CodeSystem& act_code, const Policy& policy);

  DataClass classify(const LabelSet& labels) const;
  // effective: the provision's own type, or the one it inherits.
  bool matches(const ProvisionLabel& label, ProvisionType effective, const LabelSet& labels) const;
  // The label names Part 2 or SUD data (G8 (c)).
  bool scopes_part2(const ProvisionLabel& label) const;
  bool scopes_psythpn(const ProvisionLabel& label) const;

 private:
  bool sensitivity_is_a(std::string_view code, std::string_view ancestor) const;
  bool has_sensitivity_under(const LabelSet& labels, std::string_view ancestor) const;

  CodeTree tree_;
  const Policy& policy_;
};

}  // namespace consent
