// Shared by the consent decision tests: the shipped terminology and policy
// (from the build's share dir), the official R4 Consent examples (the
// repo's copy in tests/fixtures/r4-examples), and small builders.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "consent/decision/compiled_consent.hpp"
#include "consent/decision/decision_engine.hpp"
#include "consent/decision/policy.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/terminology/code_system.hpp"
#include "tests/support/fixture_paths.hpp"

namespace consent::test {

using fhir::json::Value;

inline const fhir::terminology::CodeSystem& code_system(const std::string& name) {
  static std::map<std::string, fhir::terminology::CodeSystem> loaded;
  auto it = loaded.find(name);
  if (it == loaded.end()) {
    auto cs = fhir::terminology::CodeSystem::load(carebridge::test::share_dir() + "/r4/" + name);
    EXPECT_TRUE(cs.ok()) << name << ": " << (cs.ok() ? "" : cs.issue().diagnostics);
    it = loaded.emplace(name, cs.ok() ? std::move(*cs) : fhir::terminology::CodeSystem()).first;
  }
  return it->second;
}
inline const fhir::terminology::CodeSystem& act_reason() { return code_system("CodeSystem-v3-ActReason.json"); }
inline const fhir::terminology::CodeSystem& act_code() { return code_system("CodeSystem-v3-ActCode.json"); }

inline Value parse(const std::string& text) {
  auto v = fhir::json::parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? std::move(*v) : Value();
}

inline Value policy_json() {
  return parse(carebridge::test::read_file(carebridge::test::share_dir() + "/consent/consent-policy.json"));
}

inline std::shared_ptr<const Policy> make_policy(const Value& doc) {
  auto p = Policy::from_json(doc);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.issue().diagnostics);
  return p.ok() ? *p : nullptr;
}

// The shipped policy with one switch changed.
inline std::shared_ptr<const Policy> policy_with(std::string_view key, Value v) {
  Value doc = policy_json();
  doc.set(key, std::move(v));
  return make_policy(doc);
}

inline std::shared_ptr<const Policy> shipped_policy() {
  static const auto kPolicy = make_policy(policy_json());
  return kPolicy;
}

inline const DecisionEngine& engine() {
  static const DecisionEngine kEngine(shipped_policy(), act_reason(), act_code());
  return kEngine;
}

inline Value example(const std::string& file) {
  return parse(carebridge::test::read_file(carebridge::test::fixtures_dir() + "/r4-examples/" + file));
}

inline CompiledConsent compile(const Value& consent, std::int64_t version = 1) {
  auto c = compile_consent(consent, consent.string_at("id"), version);
  EXPECT_TRUE(c.ok());
  return c.ok() ? std::move(*c) : CompiledConsent();
}

// "consent-example-notOrg" -> the compiled R4 example.
inline CompiledConsent r4_consent(const std::string& name) { return compile(example("Consent-" + name + ".json")); }

inline std::int64_t at(const char* instant) {
  auto t = fhir::parse_instant(instant);
  EXPECT_TRUE(t.has_value()) << instant;
  return t.value_or(0);
}
// After every R4 example's period (they expire by 2016) and before none.
inline const std::int64_t kNow = at("2026-06-01T12:00:00Z");

inline Requester partner(const std::string& org, const std::string& purpose = "TREAT") {
  Requester r;
  r.organization = org;
  r.role = "partner";
  r.purpose = purpose;
  return r;
}

inline LabelSet labels(std::initializer_list<Label> list) {
  LabelSet s;
  for (const auto& l : list) s.add(l);
  return s;
}
inline Label conf(const char* code) { return {std::string(kConfidentialitySystem), code}; }
inline Label act(const char* code) { return {std::string(kActCodeSystem), code}; }
inline Label part2_law() { return {std::string(kPrivacyLawSystem), "42CFRPart2"}; }

inline LabelSet normal() { return labels({conf("N")}); }
// What the labeler gives a Part 2 program's SUD record.
inline LabelSet part2() { return labels({conf("R"), part2_law(), act("SUD"), act("ETH"), act("NORDSCLCD")}); }

inline ResourceFacts facts(const std::string& type, const std::string& id, std::vector<std::string> patients,
                           LabelSet l = normal(), const Value* content = nullptr) {
  return {type, id, std::move(patients), std::move(l), content};
}

// A store stand-in: references to identifiers, groups to members.
class FakeDirectory final : public Directory {
 public:
  std::map<std::string, std::vector<Identifier>, std::less<>> ids;
  std::map<std::string, std::vector<std::string>, std::less<>> groups;
  std::vector<Identifier> identifiers_of(std::string_view ref) const override {
    auto it = ids.find(ref);
    return it == ids.end() ? std::vector<Identifier>{} : it->second;
  }
  std::vector<std::string> group_members(std::string_view ref) const override {
    auto it = groups.find(ref);
    return it == groups.end() ? std::vector<std::string>{} : it->second;
  }
};

inline std::vector<Identifier> identifiers_in(const Value& resource) {
  std::vector<Identifier> out;
  if (const Value* list = resource.find("identifier"))
    for (const auto& i : list->items())
      out.push_back({std::string(i.string_at("system")), std::string(i.string_at("value"))});
  return out;
}

inline Decision decide(const Requester& r, const ResourceFacts& f, std::vector<const CompiledConsent*> consents,
                       const Directory& d = EmptyDirectory(), std::int64_t now = kNow,
                       const DecisionEngine& e = engine()) {
  Decision out = e.decide(r, f, consents, d, now);
  // The fast path and the explained one must agree.
  Verdict v = e.evaluate(r, f, consents, d, now);
  EXPECT_EQ(v.effect, out.effect);
  EXPECT_EQ(v.break_glass, out.break_glass);
  return out;
}

inline std::string notes_text(const Decision& d) {
  std::string s;
  for (const auto& n : d.notes) s += n + "\n";
  return s;
}

// A Consent about Patient/p1 with the given policyRule and provision JSON.
inline Value consent_json(const std::string& id, const std::string& policy_rule, const std::string& provision,
                          const std::string& status = "active") {
  std::string rule =
      policy_rule.empty()
          ? ""
          : R"("policyRule": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": ")" +
                policy_rule + R"("}]},)";
  return parse(
      R"({"resourceType": "Consent", "id": ")" + id + R"(", "status": ")" + status +
      R"(", "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
      "code": "patient-privacy"}]},
      "patient": {"reference": "Patient/p1"}, )" +
      rule + R"( "provision": )" + provision + "}");
}

// Provision JSON fragments.
inline std::string actor(const std::string& ref, const std::string& role = "IRCP") {
  return R"({"role": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": ")" +
         role + R"("}]}, "reference": {"reference": ")" + ref + R"("}})";
}
inline std::string label_json(const std::string& system, const std::string& code) {
  return R"({"system": ")" + system + R"(", "code": ")" + code + R"("})";
}
inline std::string act_label(const std::string& code) { return label_json(std::string(kActCodeSystem), code); }
inline std::string purpose(const std::string& code) {
  return R"({"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": ")" + code + R"("})";
}

}  // namespace consent::test
