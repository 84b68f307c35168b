// CodeSystem: codes and their nesting (R4 CodeSystem.concept.concept, read
// as is-a), from a small hand-made system and from HL7's v3-ActReason as
// the build ships it, whose PurposeOfUse concept has 59 codes below it.
#include "fhir/terminology/code_system.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "fhir/json/parse.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace fhir::terminology {
namespace {

CodeSystem parsed(const std::string& text) {
  auto json = json::parse(text);
  EXPECT_TRUE(json.ok());
  auto cs = CodeSystem::from_json(*json);
  EXPECT_TRUE(cs.ok()) << (cs.ok() ? "" : cs.issue().diagnostics);
  return cs.ok() ? *cs : CodeSystem();
}

// A > B > C, A > D, and E on its own.
const char* kTree = R"({"resourceType":"CodeSystem","url":"http://example.org/cs","concept":[
  {"code":"A","display":"Alpha","concept":[
    {"code":"B","display":"Beta","concept":[{"code":"C"}]},
    {"code":"D","display":"Delta"}]},
  {"code":"E","display":"Epsilon"}]})";

TEST(CodeSystemTest, KnowsItsCodesAndDisplays) {
  CodeSystem cs = parsed(kTree);
  EXPECT_EQ(cs.url(), "http://example.org/cs");
  for (const char* code : {"A", "B", "C", "D", "E"}) EXPECT_TRUE(cs.contains(code)) << code;
  for (const char* code : {"", "a", "F", "Alpha"}) EXPECT_FALSE(cs.contains(code)) << code;
  EXPECT_EQ(cs.display("B"), "Beta");
  EXPECT_EQ(cs.display("C"), "");
  EXPECT_EQ(cs.display("nope"), "");
}

TEST(CodeSystemTest, IsAFollowsTheNesting) {
  CodeSystem cs = parsed(kTree);
  EXPECT_TRUE(cs.is_a("C", "C"));
  EXPECT_TRUE(cs.is_a("C", "B"));
  EXPECT_TRUE(cs.is_a("C", "A"));
  EXPECT_TRUE(cs.is_a("D", "A"));
  EXPECT_FALSE(cs.is_a("A", "C"));  // not upwards
  EXPECT_FALSE(cs.is_a("D", "B"));  // not sideways
  EXPECT_FALSE(cs.is_a("E", "A"));
  EXPECT_FALSE(cs.is_a("X", "A"));
  EXPECT_FALSE(cs.is_a("A", "X"));
}

TEST(CodeSystemTest, DescendantsInFileOrderWithoutTheAncestor) {
  CodeSystem cs = parsed(kTree);
  EXPECT_EQ(cs.descendants("A"), (std::vector<std::string>{"B", "C", "D"}));
  EXPECT_EQ(cs.descendants("B"), (std::vector<std::string>{"C"}));
  EXPECT_TRUE(cs.descendants("C").empty());
  EXPECT_TRUE(cs.descendants("nope").empty());
}

TEST(CodeSystemTest, RefusesWhatIsNotACodeSystem) {
  for (const char* bad : {
           R"({"resourceType":"ValueSet","url":"x"})",
           R"([])",
           R"({"resourceType":"CodeSystem","concept":{"code":"A"}})",
           R"({"resourceType":"CodeSystem","concept":[{"display":"no code"}]})",
           R"({"resourceType":"CodeSystem","concept":[{"code":"A","concept":[{"code":""}]}]})",
       }) {
    SCOPED_TRACE(bad);
    auto json = json::parse(bad);
    ASSERT_TRUE(json.ok());
    auto cs = CodeSystem::from_json(*json);
    ASSERT_FALSE(cs.ok());
    EXPECT_EQ(cs.issue().code, "structure");
  }
  EXPECT_FALSE(CodeSystem::load("/nonexistent/CodeSystem.json").ok());
  carebridge::test::TempDir dir;
  std::ofstream(dir.path() / "junk.json") << "{not json";
  EXPECT_FALSE(CodeSystem::load((dir.path() / "junk.json").string()).ok());
}

TEST(CodeSystemTest, ActReasonPurposeOfUse) {
  auto cs = CodeSystem::load(carebridge::test::share_dir() + "/r4/CodeSystem-v3-ActReason.json");
  ASSERT_TRUE(cs.ok()) << cs.issue().diagnostics;
  EXPECT_EQ(cs->url(), "http://terminology.hl7.org/CodeSystem/v3-ActReason");
  auto purposes = cs->descendants("PurposeOfUse");
  EXPECT_EQ(purposes.size(), 59u);
  EXPECT_EQ(purposes.front(), "HMARKT");
  // Break the glass is emergency treatment, which is treatment.
  EXPECT_TRUE(cs->is_a("BTG", "ETREAT"));
  EXPECT_TRUE(cs->is_a("BTG", "TREAT"));
  EXPECT_TRUE(cs->is_a("BTG", "PurposeOfUse"));
  EXPECT_TRUE(cs->is_a("CLINTRCHNPC", "HRESCH"));
  EXPECT_FALSE(cs->is_a("HPAYMT", "TREAT"));
  EXPECT_FALSE(cs->is_a("PurposeOfUse", "TREAT"));
  // An ActReason code outside PurposeOfUse.
  EXPECT_TRUE(cs->contains("ACCREQNA"));
  EXPECT_FALSE(cs->is_a("ACCREQNA", "PurposeOfUse"));
  EXPECT_EQ(cs->display("TREAT"), "treatment");
}

}  // namespace
}  // namespace fhir::terminology
