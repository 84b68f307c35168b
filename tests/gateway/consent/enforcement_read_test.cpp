// read and vread under consent: a withheld version is answered exactly as
// an id that never existed, conditional reads included (a 304 would say
// the resource is there), and each version is decided on its own labels.
#include <gtest/gtest.h>

#include "tests/gateway/consent/scenario_data.hpp"

namespace carebridge::test::scenario {
namespace {

using EnforcementRead = ConsentScenarioTest;

const std::string kMissing = "Condition/never-written-0000";

TEST_F(EnforcementRead, AWithheldReadIsAnsweredLikeAMissingId) {
  auto c = partner(kOrgF002, "TREAT");
  auto withheld = c.get("Condition/" + kSudConditionA);
  expect_like_missing(withheld, c.get(kMissing), kSudConditionA);
  EXPECT_EQ(withheld.status, 404);
  EXPECT_TRUE(withheld.header("etag").empty()) << withheld.header("etag");
  EXPECT_TRUE(withheld.header("last-modified").empty());
  EXPECT_TRUE(withheld.header("location").empty());
  // The custodian reads it: it exists.
  EXPECT_EQ(client().get("Condition/" + kSudConditionA).status, 200);
}

TEST_F(EnforcementRead, AConditionalReadOfAWithheldVersionIsNotNotModified) {
  auto c = partner(kOrgF002, "TREAT");
  for (const Headers& h : {Headers{{"If-None-Match", "W/\"1\""}},
                           Headers{{"If-Modified-Since", "Wed, 01 Jan 2025 00:00:00 GMT"}}}) {
    auto r = c.get("Condition/" + kSudConditionA, h);
    expect_like_missing(r, c.get(kMissing, h), kSudConditionA);
  }
}

TEST_F(EnforcementRead, AVreadOfAWithheldVersionIsAnsweredLikeAMissingVersion) {
  auto c = partner(kOrgF002, "TREAT");
  expect_like_missing(c.get("Condition/" + kSudConditionA + "/_history/1"), c.get(kMissing + "/_history/1"),
                      kSudConditionA);
  // And a version that never existed of a withheld resource: the same.
  expect_like_missing(c.get("Condition/" + kSudConditionA + "/_history/7"), c.get(kMissing + "/_history/7"),
                      kSudConditionA);
}

TEST_F(EnforcementRead, EachVersionIsDecidedOnItsOwnLabels) {
  // v1 anemia (plain), v2 recoded as opioid dependence (ICD-10-CM F11.20:
  // sensitive), by the hospital.
  std::string v1 = client().get("Condition/" + kAnemiaB).body;
  std::string v2 = v1;
  const std::string code = "\"code\":\"271737000\"";
  ASSERT_NE(v2.find(code), std::string::npos) << v2;
  v2.replace(v2.find(code), code.size(), "\"code\":\"F11.20\"");
  v2.replace(v2.find("http://snomed.info/sct"), 22, "http://hl7.org/fhir/sid/icd-10-cm");
  ASSERT_EQ(hospital().put("Condition/" + kAnemiaB, v2).status, 200);
  auto payer = partner(kOrgF001, "HPAYMT");
  expect_like_missing(payer.get("Condition/" + kAnemiaB), payer.get(kMissing), "F11.20");
  EXPECT_EQ(payer.get("Condition/" + kAnemiaB + "/_history/1").status, 200);
  auto v2r = payer.get("Condition/" + kAnemiaB + "/_history/2");
  expect_like_missing(v2r, payer.get(kMissing + "/_history/2"), "F11.20");
  // Treatment sees both.
  auto treat = partner(kOrgF001, "TREAT");
  EXPECT_EQ(treat.get("Condition/" + kAnemiaB + "/_history/2").status, 200);
  EXPECT_NE(treat.get("Condition/" + kAnemiaB).body.find("F11.20"), std::string::npos);
}

TEST_F(EnforcementRead, APermittedPart2ReadArrivesWhole) {
  put_consent_file("consent-a-part2-f001.json");
  auto r = partner(kOrgF001, "TREAT").get("Condition/" + kSudConditionA);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("6525002"), std::string::npos);
  EXPECT_EQ(r.header("etag"), "W/\"1\"");
}

}  // namespace
}  // namespace carebridge::test::scenario
