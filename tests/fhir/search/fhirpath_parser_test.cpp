#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fhir/json/value.hpp"
#include "fhir/search/fhirpath_expression.hpp"

namespace fhir::search::fhirpath {
namespace {

TEST(FhirpathParserTest, CompilesTheConstructsSearchParametersUse) {
  for (const char* text : {
           "Patient.name",
           "Observation.value as Quantity",
           "(Observation.value as Quantity) | (Observation.value as SampledData)",
           "Condition.onset.as(Age) | Condition.onset.as(Range)",
           "Observation.value.ofType(FHIR.Quantity)",
           "Account.subject.where(resolve() is Patient)",
           "Patient.telecom.where(system='email')",
           "Patient.deceased.exists() and Patient.deceased != false",
           "Bundle.entry[0].resource",
           "%resource.referenceSeq.chromosome",
           "value.as(DateTime) | value.as(Period)",
           "Patient.extension('http://x/ext').value",
           "Patient.name.first().given | Patient.name.last().family",
           "Patient.where(active = true or active.empty()).id",
           "Patient.name.select(given)",
           "$this.name.where($this.use = 'official').exists().not()",
           "Observation.`value`",
           "{}",
           "Patient.name // a comment",
       }) {
    auto e = compile(text);
    EXPECT_TRUE(e.ok()) << text << ": " << (e.ok() ? "" : e.issue().diagnostics);
  }
}

TEST(FhirpathParserTest, RefusesWhatItCannotEvaluateAtCompileTime) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const auto& c : {
           Case{"Patient.name.count()", "unsupported function count()"},
           Case{"Patient.birthDate < @2000", "unexpected character '@'"},
           Case{"Patient.name.given + 'x'", "unsupported or unexpected '+'"},
           Case{"Patient.active implies true", "unsupported or unexpected 'implies'"},
           Case{"Patient.name.where(", "unexpected end of expression"},
           Case{"Patient.name.where()", "wrong number of arguments to where()"},
           Case{"Patient.extension(url)", "extension() needs a string literal"},
           Case{"%patient.name", "unknown variable %patient"},
           Case{"Patient.name.given = 'unterminated", "unterminated quoted text"},
           Case{"", "unexpected end of expression"},
       }) {
    auto e = compile(c.text);
    ASSERT_FALSE(e.ok()) << c.text;
    EXPECT_EQ(e.issue().severity, Severity::error);
    EXPECT_EQ(e.issue().code, "value");
    EXPECT_EQ(e.issue().expression, c.text);
    EXPECT_NE(e.issue().diagnostics.find(c.message), std::string::npos) << e.issue().diagnostics;
  }
}

TEST(FhirpathParserTest, ReportsThePosition) {
  auto e = compile("Patient.name.foo()");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.issue().diagnostics.find("position 13"), std::string::npos) << e.issue().diagnostics;
}

TEST(FhirpathParserTest, KeepsTheText) {
  auto e = compile("Patient.name");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->text(), "Patient.name");
  EXPECT_FALSE(e->is_empty());
  EXPECT_TRUE(compile("{}")->is_empty());
  EXPECT_TRUE(Expression().is_empty());
}

TEST(FhirpathParserTest, RefusesHostileSizes) {
  std::string nested(100, '(');
  nested += "Patient.name" + std::string(100, ')');
  auto deep = compile(nested);
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.issue().diagnostics.find("nested too deeply"), std::string::npos);

  std::string chain = "Patient";
  for (int i = 0; i < 2000; ++i) chain += ".name";
  auto longer = compile(chain);
  ASSERT_FALSE(longer.ok());
  EXPECT_NE(longer.issue().diagnostics.find("longer than"), std::string::npos);
  EXPECT_LE(longer.issue().expression.size(), 200u);
}

// A deterministic stand-in for a fuzz run: every R4-like expression cut and
// corrupted at many points must compile or fail cleanly, and whatever
// compiles must evaluate without crashing.
TEST(FhirpathParserTest, SurvivesCorruptedExpressions) {
  const std::vector<std::string> seeds = {
      "(Observation.value as Quantity) | (Observation.component.value as SampledData)",
      "Patient.telecom.where(system='email') | Person.telecom.where(system='email')",
      "Patient.deceased.exists() and Patient.deceased != false",
      "Account.subject.where(resolve() is Patient).extension('http://x').value.ofType(FHIR.string)[0]",
      "%resource.contained.where($this.id = 'a' or id != 'b').first().last().select(code).empty().not()",
  };
  const std::string junk = "()[]{}.,|=!~<>+-*/&%$'`\\ \"az09";
  auto r = json::Value::make_object();
  r.set("resourceType", json::Value::make_string("Patient"));
  unsigned state = 12345;
  auto next = [&state] { return state = state * 1103515245u + 12345u; };
  int compiled = 0;
  for (const auto& seed : seeds) {
    for (std::size_t cut = 0; cut <= seed.size(); ++cut) {
      for (int k = 0; k < 8; ++k) {
        std::string text = seed.substr(0, cut);
        text += junk[next() % junk.size()];
        text += seed.substr(std::min(seed.size(), cut + next() % 3));
        auto e = compile(text);
        if (!e.ok()) continue;
        ++compiled;
        (void)e->evaluate(r);
        (void)e->for_resource_type("Patient").evaluate(r);
      }
    }
  }
  EXPECT_GT(compiled, 0);
}

}  // namespace
}  // namespace fhir::search::fhirpath
