#include <gtest/gtest.h>

#include "fhir/search/query_include.hpp"
#include "tests/fhir/search/r4_definitions.hpp"

namespace fhir::search {
namespace {

class QueryIncludeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    params_ = test::r4_params();
    ASSERT_NE(params_, nullptr);
  }

  IncludeSpec ok(std::string_view value, bool iterate = false) {
    auto r = parse_include(*params_, "_include", iterate, value, {});
    EXPECT_TRUE(r.ok()) << value << ": " << (r.ok() ? "" : r.issue().diagnostics);
    return r.ok() ? *r : IncludeSpec{};
  }

  void bad(std::string_view value, const ResourceTypeCheck& check = {}) {
    auto r = parse_include(*params_, "_revinclude:iterate", true, value, check);
    ASSERT_FALSE(r.ok()) << value;
    EXPECT_EQ(r.issue().severity, Severity::error);
    EXPECT_EQ(r.issue().code, "invalid");
    EXPECT_EQ(r.issue().http_status, 400);
    EXPECT_EQ(r.issue().expression, "_revinclude:iterate");
    if (value.size() > 3) {
      EXPECT_EQ(r.issue().diagnostics.find(std::string(value)), std::string::npos) << r.issue().diagnostics;
    }
  }

  const SearchParams* params_ = nullptr;
};

TEST_F(QueryIncludeTest, SourceAndParameter) {
  auto s = ok("CarePlan:goal");
  EXPECT_EQ(s.source_type, "CarePlan");
  EXPECT_EQ(s.param, params_->find("CarePlan", "goal")->param);
  EXPECT_EQ(s.target_type, "");
  EXPECT_FALSE(s.iterate);
  EXPECT_FALSE(s.wildcard);
  auto targeted = ok("Observation:subject:Patient", true);
  EXPECT_EQ(targeted.target_type, "Patient");
  EXPECT_TRUE(targeted.iterate);
  EXPECT_EQ(ok("Provenance:target").param->code, "target");
}

TEST_F(QueryIncludeTest, Wildcards) {
  auto all = ok("*");
  EXPECT_TRUE(all.wildcard);
  EXPECT_EQ(all.source_type, "");
  EXPECT_EQ(all.param, nullptr);
  auto of_type = ok("MedicationRequest:*", true);
  EXPECT_TRUE(of_type.wildcard);
  EXPECT_EQ(of_type.source_type, "MedicationRequest");
}

TEST_F(QueryIncludeTest, Malformed) {
  for (const char* v : {"CarePlan", "carePlan:goal", "CarePlan:", "CarePlan:nope", "CarePlan:status",
                        "Observation:subject:Medication", "Observation:subject:", ":goal", "CarePlan:*:Goal", "**"})
    bad(v);
  bad("CarePlan:goal", [](std::string_view t) { return t == "Patient"; });
}

}  // namespace
}  // namespace fhir::search
