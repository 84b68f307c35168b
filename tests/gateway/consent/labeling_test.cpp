// The labeling stage end to end, through the real server: labels from codes,
// from a Part 2 source, from what a resource refers to clinically, and from
// the source itself; kept beside the stored bytes (no new version, ETags
// and If-Match undisturbed) and merged into meta.security on the way out,
// with the 42 CFR 2.32 notice on Part 2 records.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "fhir/json/value.hpp"
#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;

constexpr std::string_view kConf = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
constexpr std::string_view kActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
constexpr std::string_view kLaw = "http://terminology.hl7.org/CodeSystem/v3-ActUSPrivacyLaw";
// R4 keeps the refrain codes in v3-ActCode (later THO releases split them out).
constexpr std::string_view kRefrain = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
constexpr std::string_view kNotice = "http://hl7.org/fhir/uv/security-label-ds4p/StructureDefinition/extension-display";

std::set<std::string> labels_of(const Value& r) {
  std::set<std::string> out;
  const Value* meta = r.find("meta");
  const Value* sec = meta ? meta->find("security") : nullptr;
  if (sec == nullptr) return out;
  for (const auto& c : sec->items()) out.insert(std::string(c.string_at("system")) + "#" + std::string(c.string_at("code")));
  return out;
}

std::string label(std::string_view system, std::string_view code) { return std::string(system) + "#" + std::string(code); }

int confidentiality_count(const Value& r) {
  int n = 0;
  for (const auto& l : labels_of(r)) n += l.rfind(std::string(kConf), 0) == 0;
  return n;
}

std::string notice_text(const Value& r) {
  const Value* meta = r.find("meta");
  const Value* ext = meta ? meta->find("extension") : nullptr;
  if (ext == nullptr) return {};
  for (const auto& e : ext->items())
    if (e.string_at("url") == kNotice) {
      const Value* a = e.find("valueAnnotation");
      return a ? std::string(a->string_at("text")) : std::string();
    }
  return {};
}

const std::string kPatient = R"({"resourceType":"Patient","id":"p1","name":[{"family":"Rivera"}]})";

std::string condition(const std::string& id, const std::string& system, const std::string& code,
                      const std::string& extra = {}) {
  return R"({"resourceType":"Condition","id":")" + id + R"(","subject":{"reference":"Patient/p1"},)" + extra +
         R"("code":{"coding":[{"system":")" + system + R"(","code":")" + code + R"("}]}})";
}

class LabelingTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    ASSERT_EQ(client().put("Patient/p1", kPatient).status, 201);
  }
};

TEST_F(LabelingTest, PlainDataIsNormalAndThePatientIsNeverLabeledThroughReferences) {
  ASSERT_EQ(client().put("Condition/flu", condition("flu", "http://snomed.info/sct", "6142004")).status, 201);
  auto flu = client().get("Condition/flu").json();
  EXPECT_EQ(labels_of(flu), std::set<std::string>{label(kConf, "N")});
  auto p = client().get("Patient/p1").json();
  EXPECT_EQ(labels_of(p), std::set<std::string>{label(kConf, "N")});
  EXPECT_TRUE(notice_text(flu).empty());
}

TEST_F(LabelingTest, AnSudDiagnosisIsRestrictedSubstanceUseWithoutANewVersion) {
  auto put = client().put("Condition/oud", condition("oud", "http://hl7.org/fhir/sid/icd-10-cm", "F11.20"));
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(put.header("etag"), "W/\"1\"");
  auto got = client().get("Condition/oud");
  EXPECT_EQ(got.header("etag"), "W/\"1\"");
  auto r = got.json();
  auto l = labels_of(r);
  EXPECT_TRUE(l.count(label(kConf, "R"))) << got.body;
  EXPECT_TRUE(l.count(label(kActCode, "ETH")));
  EXPECT_EQ(confidentiality_count(r), 1);
  EXPECT_EQ(r.find("meta")->string_at("versionId"), "1");
  EXPECT_FALSE(l.count(label(kLaw, "42CFRPart2"))) << "not from a Part 2 program";
  // The source's If-Match still names its version; history has one entry.
  auto upd = client().put("Condition/oud", condition("oud", "http://hl7.org/fhir/sid/icd-10-cm", "F11.21"),
                          {{"If-Match", "W/\"1\""}});
  EXPECT_EQ(upd.status, 200) << upd.body;
  auto hist = client().get("Condition/oud/_history").json();
  EXPECT_EQ(hist.find("total")->text(), "2");
}

TEST_F(LabelingTest, APart2ProgramsRecordsCarryTheLawTheRefrainAndTheNotice) {
  TestClientSpec spec;
  spec.role = "source";
  spec.organization = "Organization/recovery-program";
  spec.part2_program = true;
  auto program = client_for(spec);
  auto put = program.put("Condition/p2", condition("p2", "http://snomed.info/sct", "6142004"));
  ASSERT_EQ(put.status, 201) << put.body;
  for (const auto& path : {std::string("Condition/p2"), std::string("Condition/p2/_history/1")}) {
    auto r = client().get(path).json();
    auto l = labels_of(r);
    EXPECT_TRUE(l.count(label(kLaw, "42CFRPart2"))) << path;
    EXPECT_TRUE(l.count(label(kRefrain, "NORDSCLCD"))) << path;
    EXPECT_TRUE(l.count(label(kConf, "R"))) << path;
    EXPECT_NE(notice_text(r).find("42 CFR part 2"), std::string::npos) << path;
    EXPECT_NE(notice_text(r).find("2.31"), std::string::npos) << path;
  }
  // The notice travels in searches too, on the resource itself.
  auto bundle = client().get("Condition?_id=p2").json();
  const auto& entries = bundle.find("entry")->items();
  bool found = false;
  for (const auto& e : entries)
    if (const Value* res = e.find("resource"); res && res->string_at("resourceType") == "Condition")
      found = !notice_text(*res).empty();
  EXPECT_TRUE(found);
}

TEST_F(LabelingTest, LabelsFlowAlongClinicalReferencesButNotThroughHubs) {
  ASSERT_EQ(client().put("Condition/oud", condition("oud", "http://hl7.org/fhir/sid/icd-10-cm", "F11.20")).status, 201);
  const std::string obs = R"({"resourceType":"Observation","id":"o1","status":"final",
    "code":{"text":"note"},"subject":{"reference":"Patient/p1"},"focus":[{"reference":"Condition/oud"}]})";
  ASSERT_EQ(client().put("Observation/o1", obs).status, 201);
  auto l = labels_of(client().get("Observation/o1").json());
  EXPECT_TRUE(l.count(label(kActCode, "ETH")));
  EXPECT_TRUE(l.count(label(kConf, "R")));
  // Another Observation of the same patient, not pointing at the diagnosis.
  const std::string other = R"({"resourceType":"Observation","id":"o2","status":"final",
    "code":{"text":"weight"},"subject":{"reference":"Patient/p1"}})";
  ASSERT_EQ(client().put("Observation/o2", other).status, 201);
  EXPECT_EQ(labels_of(client().get("Observation/o2").json()), std::set<std::string>{label(kConf, "N")});
}

TEST_F(LabelingTest, AProvenanceTakesTheLabelsOfTheTargetsItNames) {
  // A Provenance lists the ids of what it covers: were it less protected
  // than them, it would tell a requester that withheld records exist.
  ASSERT_EQ(client().put("Condition/oud", condition("oud", "http://hl7.org/fhir/sid/icd-10-cm", "F11.20")).status, 201);
  const std::string prov = R"({"resourceType":"Provenance","id":"pv","recorded":"2025-01-01T00:00:00Z",
    "target":[{"reference":"Condition/oud"},{"reference":"Patient/p1"}],
    "agent":[{"who":{"display":"an EHR"}}]})";
  ASSERT_EQ(client().put("Provenance/pv", prov).status, 201);
  auto l = labels_of(client().get("Provenance/pv").json());
  EXPECT_TRUE(l.count(label(kActCode, "ETH")));
  EXPECT_TRUE(l.count(label(kConf, "R")));
}

TEST_F(LabelingTest, SourceLabelsAreKeptAndNeverLowered) {
  const std::string sent = R"({"resourceType":"Condition","id":"v1","subject":{"reference":"Patient/p1"},
    "meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"V"},
                        {"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"PSYTHPN"}]},
    "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F11.20"}]}})";
  ASSERT_EQ(client().put("Condition/v1", sent).status, 201);
  auto r = client().get("Condition/v1").json();
  auto l = labels_of(r);
  EXPECT_TRUE(l.count(label(kConf, "V"))) << "V stays, though the rules say R";
  EXPECT_FALSE(l.count(label(kConf, "R")));
  EXPECT_TRUE(l.count(label(kActCode, "PSYTHPN")));
  EXPECT_TRUE(l.count(label(kActCode, "ETH")));
  EXPECT_EQ(confidentiality_count(r), 1);
}

TEST_F(LabelingTest, WritesAnswerWithTheLabeledResource) {
  auto put = client().put("Condition/oud", condition("oud", "http://hl7.org/fhir/sid/icd-10-cm", "F11.20"),
                          {{"Prefer", "return=representation"}});
  ASSERT_EQ(put.status, 201);
  EXPECT_TRUE(labels_of(put.json()).count(label(kActCode, "ETH")));
}

}  // namespace
}  // namespace carebridge::test
