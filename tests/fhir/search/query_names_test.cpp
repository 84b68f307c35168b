#include <gtest/gtest.h>

#include "fhir/search/query_names.hpp"
#include "tests/fhir/search/r4_definitions.hpp"

namespace fhir::search {
namespace {

class QueryNamesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    params_ = test::r4_params();
    ASSERT_NE(params_, nullptr);
  }

  ResolvedName ok(std::string_view type, std::string_view name) {
    auto r = resolve_name(*params_, type, name);
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.issue().diagnostics);
    if (!r.ok()) return {};
    EXPECT_TRUE(r->resolved) << name << ": " << r->unsupported;
    return r->resolved ? *r->resolved : ResolvedName{};
  }

  std::string unsupported(std::string_view type, std::string_view name) {
    auto r = resolve_name(*params_, type, name);
    EXPECT_TRUE(r.ok()) << name;
    if (!r.ok()) return {};
    EXPECT_FALSE(r->resolved) << name;
    EXPECT_FALSE(r->unsupported.empty()) << name;
    return r->unsupported;
  }

  const SearchParam* def(std::string_view type, std::string_view code) { return params_->find(type, code)->param; }

  const SearchParams* params_ = nullptr;
};

TEST_F(QueryNamesTest, PlainParametersAndCommonOnes) {
  auto name = ok("Patient", "name");
  EXPECT_EQ(name.param, def("Patient", "name"));
  EXPECT_EQ(name.modifier, Modifier::none);
  EXPECT_TRUE(name.chain.empty());
  EXPECT_TRUE(name.has.empty());
  for (const char* common : {"_id", "_lastUpdated", "_tag", "_security", "_profile", "_source"})
    EXPECT_EQ(ok("Observation", common).param->code, common);
  // A system-level search without _type: the common parameters only.
  EXPECT_EQ(ok("", "_id").param->type, ParamType::token);
  EXPECT_NE(unsupported("", "name").find("unknown parameter"), std::string::npos);
}

TEST_F(QueryNamesTest, ServedModifiersPerType) {
  struct Case {
    const char* type;
    const char* name;
    Modifier modifier;
  };
  const Case cases[] = {
      {"Patient", "name:exact", Modifier::exact},
      {"Patient", "name:contains", Modifier::contains},
      {"Patient", "name:missing", Modifier::missing},
      {"Observation", "code:text", Modifier::text},
      {"Observation", "code:not", Modifier::not_},
      {"Patient", "identifier:of-type", Modifier::of_type},
      {"Observation", "subject:identifier", Modifier::identifier},
      {"ValueSet", "url:above", Modifier::above},
      {"ValueSet", "url:below", Modifier::below},
      {"Observation", "date:missing", Modifier::missing},
      {"Observation", "code-value-quantity:missing", Modifier::missing},
      {"RiskAssessment", "probability:missing", Modifier::missing},
  };
  for (const auto& c : cases) EXPECT_EQ(ok(c.type, c.name).modifier, c.modifier) << c.name;
  auto typed = ok("Observation", "subject:Patient");
  EXPECT_EQ(typed.modifier, Modifier::type);
  EXPECT_EQ(typed.type_modifier, "Patient");
}

TEST_F(QueryNamesTest, UnservedModifiersAndParameters) {
  EXPECT_NE(unsupported("Observation", "code:in").find("modifier ':in'"), std::string::npos);
  unsupported("Observation", "code:not-in");
  unsupported("Observation", "code:above");  // needs a terminology server
  unsupported("Observation", "subject:below");
  unsupported("Patient", "name:text");  // not an R4 string modifier
  unsupported("Patient", "birthdate:exact");
  unsupported("Patient", "gender:nonsense");
  unsupported("Observation", "subject:Medication");  // not a target
  unsupported("Observation", "nope");
  unsupported("Location", "near");  // special
  unsupported("Patient", "_text");  // R4 gives no expression
  unsupported("Patient", "_content");
  unsupported("Patient", "_query");
  unsupported("Patient", ":exact");
}

TEST_F(QueryNamesTest, ForwardChains) {
  auto c = ok("Observation", "subject:Patient.name");
  ASSERT_EQ(c.chain.size(), 1u);
  EXPECT_EQ(c.chain[0].reference_param, def("Observation", "subject"));
  EXPECT_EQ(c.chain[0].target_type, "Patient");
  EXPECT_EQ(c.param, def("Patient", "name"));

  // Observation.patient may be a Patient or a Group; only Patient has name.
  auto narrowed = ok("Observation", "patient.name:exact");
  ASSERT_EQ(narrowed.chain.size(), 1u);
  EXPECT_EQ(narrowed.chain[0].target_type, "Patient");
  EXPECT_EQ(narrowed.modifier, Modifier::exact);
  EXPECT_EQ(ok("Observation", "subject.birthdate").chain[0].target_type, "Patient");

  auto two = ok("Observation", "subject:Patient.organization.name");
  ASSERT_EQ(two.chain.size(), 2u);
  EXPECT_EQ(two.chain[1].reference_param, def("Patient", "organization"));
  EXPECT_EQ(two.chain[1].target_type, "Organization");
  EXPECT_EQ(two.param, def("Organization", "name"));

  auto identifier = ok("Observation", "subject:Patient.identifier");
  EXPECT_EQ(identifier.param, def("Patient", "identifier"));
}

TEST_F(QueryNamesTest, AmbiguousChainIsAlways400) {
  // Patient and Location both have `name`.
  auto r = resolve_name(*params_, "Observation", "subject.name");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.issue().severity, Severity::error);
  EXPECT_EQ(r.issue().code, "invalid");
  EXPECT_EQ(r.issue().http_status, 400);
  EXPECT_EQ(r.issue().expression, "subject.name");
  EXPECT_NE(r.issue().diagnostics.find("subject:Type"), std::string::npos);
  // The full name as sent, from deep inside a chain too.
  auto deep = resolve_name(*params_, "Encounter", "subject:Patient.general-practitioner.name");
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.issue().expression, "subject:Patient.general-practitioner.name");
}

// Observation `patient` is `subject.where(resolve() is Patient)`: though the
// definition's targets are Patient and Group, only a Patient is reachable.
TEST_F(QueryNamesTest, ChainTargetNarrowedByTheExpression) {
  auto r = resolve_name(*params_, "Observation", "patient.identifier");
  ASSERT_TRUE(r.ok()) << r.issue().diagnostics;
  ASSERT_TRUE(r->resolved.has_value()) << r->unsupported;
  ASSERT_EQ(r->resolved->chain.size(), 1u);
  EXPECT_EQ(r->resolved->chain[0].target_type, "Patient");
  // `subject` has no such narrowing: still ambiguous for `identifier`.
  EXPECT_FALSE(resolve_name(*params_, "Observation", "subject.identifier").ok());
}

TEST_F(QueryNamesTest, BrokenChainsAreUnsupported) {
  unsupported("Observation", "subject:Foo.name");
  unsupported("Observation", "code.name");  // not a reference
  unsupported("Observation", "nope.name");
  unsupported("Observation", "subject:Patient.nope");
  unsupported("Observation", "encounter.nope");  // no target has it
  unsupported("Observation", ".name");
  unsupported("Observation", "subject:Patient.");
  unsupported("Observation", "subject:missing.name");
  // kMaxLinks joins at most.
  ok("Patient", "link:Patient.link:Patient.link:Patient.link:Patient.name");
  EXPECT_NE(unsupported("Patient", "link:Patient.link:Patient.link:Patient.link:Patient.link:Patient.name")
                .find("chained links"),
            std::string::npos);
}

TEST_F(QueryNamesTest, ReverseChains) {
  auto has = ok("Patient", "_has:Observation:patient:code");
  ASSERT_EQ(has.has.size(), 1u);
  EXPECT_EQ(has.has[0].source_type, "Observation");
  EXPECT_EQ(has.has[0].reference_param, def("Observation", "patient"));
  EXPECT_EQ(has.param, def("Observation", "code"));
  EXPECT_TRUE(has.chain.empty());

  EXPECT_EQ(ok("Patient", "_has:Observation:patient:code:text").modifier, Modifier::text);

  auto nested = ok("Patient", "_has:Observation:patient:_has:Provenance:target:agent");
  ASSERT_EQ(nested.has.size(), 2u);
  EXPECT_EQ(nested.has[1].source_type, "Provenance");
  EXPECT_EQ(nested.has[1].reference_param, def("Provenance", "target"));
  EXPECT_EQ(nested.param, def("Provenance", "agent"));

  // _has, then a forward chain from the source type.
  auto mixed = ok("Patient", "_has:Observation:subject:performer:Practitioner.name");
  ASSERT_EQ(mixed.has.size(), 1u);
  ASSERT_EQ(mixed.chain.size(), 1u);
  EXPECT_EQ(mixed.chain[0].target_type, "Practitioner");
}

TEST_F(QueryNamesTest, BrokenReverseChainsAreUnsupported) {
  unsupported("Patient", "_has:Observation:patient");
  unsupported("Patient", "_has:Observation");
  unsupported("Patient", "_has:Observation:patient:");
  unsupported("Patient", "_has:observation:patient:code");
  unsupported("Patient", "_has:Observation:code:code");  // not a reference
  EXPECT_NE(unsupported("Patient", "_has:Observation:encounter:code").find("does not refer to Patient"),
            std::string::npos);
  unsupported("Patient", "_has:Observation:patient:nope");
  unsupported("", "_has:Observation:patient:code");  // refers to what?
  unsupported("Observation", "subject:Patient._has:Observation:patient:code");
}

}  // namespace
}  // namespace fhir::search
