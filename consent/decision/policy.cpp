#include "consent/decision/policy.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "consent/labels/security_label.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"

namespace consent {
namespace {

using fhir::json::Value;

constexpr std::array<std::string_view, static_cast<std::size_t>(RuleId::count)> kRuleNames = {"custodian",
                                                                                              "emergency",
                                                                                              "consent-permit",
                                                                                              "consent-deny",
                                                                                              "part2-consent",
                                                                                              "part2-no-consent",
                                                                                              "psychotherapy-notes",
                                                                                              "sensitive-treatment",
                                                                                              "sensitive-other-purpose",
                                                                                              "tpo-default",
                                                                                              "not-tpo",
                                                                                              "not-partner"};

fhir::Issue invalid(std::string why, std::string expression) {
  return fhir::make_issue(fhir::err::kInvalidValue, "consent policy: " + why, std::move(expression));
}

// A required array of strings.
fhir::Status strings(const Value& doc, std::string_view key, std::vector<std::string>& out) {
  const Value* v = doc.find(key);
  if (v == nullptr || !v->is_array())
    return invalid(std::string(key) + " must be an array of strings", std::string(key));
  for (const auto& s : v->items()) {
    if (!s.is_string() || s.text().empty())
      return invalid(std::string(key) + " must be an array of strings", std::string(key));
    out.push_back(s.text());
  }
  return fhir::ok_status();
}

// A required boolean: a policy switch is never left to a default in code.
fhir::Status flag(const Value& doc, std::string_view key, bool& out) {
  const Value* v = doc.find(key);
  if (v == nullptr || !v->is_bool()) return invalid(std::string(key) + " must be true or false", std::string(key));
  out = v->as_bool();
  return fhir::ok_status();
}

}  // namespace

std::string_view rule_id_name(RuleId id) { return kRuleNames[static_cast<std::size_t>(id)]; }

bool Policy::listed(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

fhir::Result<std::shared_ptr<const Policy>> Policy::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fhir::make_issue(fhir::err::kInternal, "cannot read consent policy " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto doc = fhir::json::parse(ss.str());
  if (!doc) return doc.take_issue();
  return from_json(*doc);
}

fhir::Result<std::shared_ptr<const Policy>> Policy::from_json(const Value& doc) {
  if (!doc.is_object()) return invalid("not a JSON object", "");
  auto p = std::make_shared<Policy>();
  p->version_ = std::string(doc.string_at("version"));
  if (p->version_.empty()) return invalid("version is required", "version");

  const std::pair<std::string_view, std::vector<std::string>*> lists[] = {
      {"tpo_purposes", &p->tpo_purposes_},
      {"emergency_purposes", &p->emergency_purposes_},
      {"partner_roles", &p->partner_roles_},
      {"custodian_roles", &p->custodian_roles_},
      {"consent_reader_roles", &p->consent_reader_roles_},
      {"part2_scope_labels", &p->part2_scope_labels_}};
  for (auto [key, out] : lists)
    if (auto st = strings(doc, key, *out); !st) return st.take_issue();
  const std::pair<std::string_view, bool*> flags[] = {
      {"general_designation_allowed", &p->general_designation_allowed_},
      {"optin_without_data_scope_covers_part2", &p->optin_without_data_scope_covers_part2_},
      {"emergency_overrides_consent_deny", &p->emergency_overrides_consent_deny_},
      {"emergency_opens_psychotherapy_notes", &p->emergency_opens_psychotherapy_notes_}};
  for (auto [key, out] : flags)
    if (auto st = flag(doc, key, *out); !st) return st.take_issue();

  const Value* sensitive = doc.find("sensitive");
  if (sensitive == nullptr || !sensitive->is_object()) return invalid("sensitive must be an object", "sensitive");
  if (auto st = strings(*sensitive, "labels", p->sensitive_labels_); !st) return st.take_issue();
  if (auto st = strings(*sensitive, "permit_purposes", p->sensitive_permit_purposes_); !st) return st.take_issue();
  p->sensitive_confidentiality_rank_ = confidentiality_rank(sensitive->string_at("confidentiality_at_or_above"));
  if (p->sensitive_confidentiality_rank_ < 0)
    return invalid("sensitive.confidentiality_at_or_above must be a v3-Confidentiality code",
                   "sensitive.confidentiality_at_or_above");

  const Value* rules = doc.find("rules");
  if (rules == nullptr || !rules->is_array()) return invalid("rules must be an array", "rules");
  std::array<bool, kRuleNames.size()> seen{};
  for (std::size_t i = 0; i < rules->items().size(); ++i) {
    const Value& r = rules->items()[i];
    std::string where = "rules[" + std::to_string(i) + "]";
    auto at = std::find(kRuleNames.begin(), kRuleNames.end(), r.string_at("id"));
    if (at == kRuleNames.end())
      return invalid("unknown rule id '" + std::string(r.string_at("id")) + "'", where + ".id");
    auto index = static_cast<std::size_t>(at - kRuleNames.begin());
    if (seen[index]) return invalid("rule '" + std::string(*at) + "' is given twice", where + ".id");
    if (r.string_at("legal_basis").empty() || r.string_at("why").empty())
      return invalid("rule '" + std::string(*at) + "' needs a legal_basis and a why", where);
    seen[index] = true;
    p->rules_[index] = {std::string(*at), std::string(r.string_at("legal_basis")), std::string(r.string_at("why"))};
  }
  for (std::size_t i = 0; i < seen.size(); ++i)
    if (!seen[i]) return invalid("rule '" + std::string(kRuleNames[i]) + "' is missing", "rules");
  return std::shared_ptr<const Policy>(std::move(p));
}

}  // namespace consent
