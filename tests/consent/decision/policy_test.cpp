// The shipped policy file and every way a policy file can be refused.
#include "tests/consent/decision/decision_fixture.hpp"

namespace consent::test {
namespace {

TEST(PolicyTest, TheShippedPolicyHasEveryRuleWithItsLegalBasis) {
  auto p = shipped_policy();
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->version().empty());
  for (int i = 0; i < static_cast<int>(RuleId::count); ++i) {
    const PolicyRule& r = p->rule(static_cast<RuleId>(i));
    EXPECT_EQ(r.id, rule_id_name(static_cast<RuleId>(i)));
    EXPECT_FALSE(r.legal_basis.empty()) << r.id;
    EXPECT_FALSE(r.why.empty()) << r.id;
  }
  EXPECT_EQ(p->rule(RuleId::part2_consent).legal_basis, "42 CFR 2.31, 2.33");
  EXPECT_NE(p->rule(RuleId::emergency).legal_basis.find("2.51"), std::string::npos);
  EXPECT_NE(p->rule(RuleId::psychotherapy_notes).legal_basis.find("164.508(a)(2)"), std::string::npos);
  EXPECT_NE(p->rule(RuleId::tpo_default).legal_basis.find("164.506"), std::string::npos);
  EXPECT_NE(p->rule(RuleId::consent_deny).legal_basis.find("164.522"), std::string::npos);
  EXPECT_NE(p->rule(RuleId::part2_no_consent).legal_basis.find("2.12"), std::string::npos);
  EXPECT_EQ(p->tpo_purposes(), (std::vector<std::string>{"TREAT", "HPAYMT", "HOPERAT"}));
  EXPECT_TRUE(p->is_partner("partner"));
  EXPECT_TRUE(p->is_partner("care-manager"));
  EXPECT_FALSE(p->is_partner("compliance"));
  EXPECT_TRUE(p->is_custodian("source"));
  EXPECT_TRUE(p->is_custodian("admin"));
  EXPECT_TRUE(p->general_designation_allowed());
  EXPECT_FALSE(p->optin_without_data_scope_covers_part2());
  EXPECT_FALSE(p->emergency_opens_psychotherapy_notes());
}

void expect_refused(const Value& doc, const std::string& expression, const std::string& words) {
  auto p = Policy::from_json(doc);
  ASSERT_FALSE(p.ok()) << words;
  EXPECT_EQ(p.issue().severity, fhir::Severity::error);
  EXPECT_EQ(p.issue().code, "value");
  EXPECT_EQ(p.issue().expression, expression);
  EXPECT_NE(p.issue().diagnostics.find(words), std::string::npos) << p.issue().diagnostics;
}

TEST(PolicyTest, AMissingRuleIsRefused) {
  Value doc = policy_json();
  auto& rules = doc.find("rules")->items();
  rules.erase(rules.begin() + 4);  // part2-consent
  expect_refused(doc, "rules", "'part2-consent' is missing");
}

TEST(PolicyTest, AnUnknownOrRepeatedRuleIsRefused) {
  Value doc = policy_json();
  doc.find("rules")->items()[0].set("id", Value::make_string("be-nice"));
  expect_refused(doc, "rules[0].id", "unknown rule id 'be-nice'");
  doc = policy_json();
  doc.find("rules")->items()[1] = doc.find("rules")->items()[0];
  expect_refused(doc, "rules[1].id", "given twice");
}

TEST(PolicyTest, ARuleWithoutLegalBasisIsRefused) {
  Value doc = policy_json();
  doc.find("rules")->items()[2].erase("legal_basis");
  expect_refused(doc, "rules[2]", "legal_basis");
}

TEST(PolicyTest, SwitchesMustBeGivenAsBooleans) {
  Value doc = policy_json();
  doc.erase("optin_without_data_scope_covers_part2");
  expect_refused(doc, "optin_without_data_scope_covers_part2", "true or false");
  doc = policy_json();
  doc.set("general_designation_allowed", Value::make_string("yes"));
  expect_refused(doc, "general_designation_allowed", "true or false");
}

TEST(PolicyTest, ListsAndTheSensitiveBlockAreChecked) {
  Value doc = policy_json();
  doc.set("tpo_purposes", Value::make_string("TREAT"));
  expect_refused(doc, "tpo_purposes", "array of strings");
  doc = policy_json();
  doc.find("sensitive")->set("confidentiality_at_or_above", Value::make_string("secret"));
  expect_refused(doc, "sensitive.confidentiality_at_or_above", "v3-Confidentiality");
  doc = policy_json();
  doc.erase("version");
  expect_refused(doc, "version", "version");
}

TEST(PolicyTest, AnUnreadableFileIsAFatalIssue) {
  auto p = Policy::load("/nonexistent/consent-policy.json");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.issue().severity, fhir::Severity::fatal);
  EXPECT_TRUE(Policy::load(carebridge::test::share_dir() + "/consent/consent-policy.json").ok());
}

}  // namespace
}  // namespace consent::test
