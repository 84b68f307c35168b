// The gateway's consent policy, as data (consent/policy/consent-policy.json):
// the defaults that apply when no consent decides (G7), what Part 2 data
// and psychotherapy notes need from a consent (G8), the emergency rule
// (G9) and the roles exempt from consent. Each rule the engine can cite
// carries its id, its legal basis and why, so a decision's explanation
// quotes the file.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"

namespace consent {

struct PolicyRule {
  std::string id;
  std::string legal_basis;
  std::string why;
};

// The rules the engine cites; each must be in the file.
enum class RuleId {
  custodian,                // role exempt from consent (source, admin)
  emergency,                // ETREAT/BTG: break glass (42 CFR 2.51)
  consent_permit,           // a patient consent permits
  consent_deny,             // a patient consent denies (restriction)
  part2_consent,            // a consent that meets 42 CFR 2.31 permits Part 2 data
  part2_no_consent,         // Part 2 data without such a consent: deny
  psychotherapy_notes,      // PSYTHPN without a consent scoping it: deny
  sensitive_treatment,      // other sensitive data, treatment purpose: permit
  sensitive_other_purpose,  // other sensitive data, any other purpose: deny
  tpo_default,              // non-sensitive data, TPO purpose: permit
  not_tpo,                  // purpose is not TPO and no consent permits: deny
  not_partner,              // requester's role is not a registered partner: deny
  count
};

std::string_view rule_id_name(RuleId id);

class Policy {
 public:
  static fhir::Result<std::shared_ptr<const Policy>> load(const std::string& path);
  static fhir::Result<std::shared_ptr<const Policy>> from_json(const fhir::json::Value& doc);

  const std::string& version() const { return version_; }
  const PolicyRule& rule(RuleId id) const { return rules_[static_cast<std::size_t>(id)]; }

  // v3-ActReason codes; a purpose counts if it is-a one of them.
  const std::vector<std::string>& tpo_purposes() const { return tpo_purposes_; }
  const std::vector<std::string>& emergency_purposes() const { return emergency_purposes_; }
  const std::vector<std::string>& sensitive_permit_purposes() const { return sensitive_permit_purposes_; }
  // v3-ActCode sensitivity codes (with everything under them) that make
  // data sensitive, and the confidentiality from which data is sensitive.
  const std::vector<std::string>& sensitive_labels() const { return sensitive_labels_; }
  int sensitive_confidentiality_rank() const { return sensitive_confidentiality_rank_; }
  // Sensitivity codes that scope Part 2 data in a consent (besides 42CFRPart2 itself).
  const std::vector<std::string>& part2_scope_labels() const { return part2_scope_labels_; }

  bool is_partner(std::string_view role) const { return listed(partner_roles_, role); }
  bool is_custodian(std::string_view role) const { return listed(custodian_roles_, role); }

  // Roles that may receive Consent resources at all (who sees whose
  // consents is itself sensitive).
  const std::vector<std::string>& consent_reader_roles() const { return consent_reader_roles_; }
  bool general_designation_allowed() const { return general_designation_allowed_; }
  bool optin_without_data_scope_covers_part2() const { return optin_without_data_scope_covers_part2_; }
  bool emergency_overrides_consent_deny() const { return emergency_overrides_consent_deny_; }
  bool emergency_opens_psychotherapy_notes() const { return emergency_opens_psychotherapy_notes_; }

 private:
  static bool listed(const std::vector<std::string>& list, std::string_view v);

  std::string version_;
  std::array<PolicyRule, static_cast<std::size_t>(RuleId::count)> rules_;
  std::vector<std::string> tpo_purposes_, emergency_purposes_, sensitive_permit_purposes_;
  std::vector<std::string> sensitive_labels_, part2_scope_labels_;
  std::vector<std::string> partner_roles_, custodian_roles_, consent_reader_roles_;
  int sensitive_confidentiality_rank_ = 4;  // R
  bool general_designation_allowed_ = true;
  bool optin_without_data_scope_covers_part2_ = false;
  bool emergency_overrides_consent_deny_ = true;
  bool emergency_opens_psychotherapy_notes_ = false;
};

}  // namespace consent
