// The map stage end to end, through the real server: a QuestionnaireResponse
// written by a source becomes a derived Observation (found by derived-from)
// with a Provenance, in the same transaction; it carries the response's
// labels (a Part 2 program's score is withheld like the response), follows
// the response's updates as new versions of one Observation, and goes when
// the response goes. An incomplete response derives nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fhir/json/value.hpp"
#include "fhir/resource/resource.hpp"
#include "gateway/app/runtime.hpp"
#include "gateway/write/map_stage.hpp"
#include "tests/support/bundle_builder.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;

constexpr std::string_view kLaw = "http://terminology.hl7.org/CodeSystem/v3-ActUSPrivacyLaw";
const std::string kQrId = "phq-9-example-1";
const std::string kPatient = R"({"resourceType":"Patient","id":"bh-patient-example","name":[{"family":"Wolff"}]})";

std::string fixture_qr() {
  return read_file(fixtures_dir() + "/behavioral/hl7-us-bh-profiles/QuestionnaireResponse-phq-9-example-1.json");
}

// The fixture, changed: id, and each item's answer coding by linkId
// ("" removes the item's answer).
std::string qr_with(const std::string& id, const std::vector<std::pair<std::string, std::string>>& answers = {}) {
  auto r = fhir::Resource::parse(fixture_qr());
  EXPECT_TRUE(r.ok());
  if (!r.ok()) return {};
  r->set_id(id);
  for (auto& item : r->root().find("item")->items())
    for (const auto& [link_id, code] : answers) {
      if (item.string_at("linkId") != link_id) continue;
      if (code.empty()) {
        item.erase("answer");
      } else {
        item.find("answer")->items()[0].find("valueCoding")->set("code", Value::make_string(code));
      }
    }
  return r->to_json();
}

bool has_label(const Value& r, std::string_view system, std::string_view code) {
  const Value* meta = r.find("meta");
  const Value* sec = meta ? meta->find("security") : nullptr;
  if (sec == nullptr) return false;
  for (const auto& c : sec->items())
    if (c.string_at("system") == system && c.string_at("code") == code) return true;
  return false;
}

std::string reference_at(const Value& r, std::string_view element, std::string_view inner = {}) {
  const Value* list = r.find(element);
  if (list == nullptr || list->items().empty()) return {};
  const Value& first = list->items()[0];
  const Value* ref = inner.empty() ? &first : first.find(inner);
  return ref ? std::string(ref->string_at("reference")) : std::string();
}

class MapStageTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    ehr_ = std::make_unique<TestClient>(client_for({.id = "ehr", .role = "source"}));
    ASSERT_EQ(ehr_->put("Patient/bh-patient-example", kPatient).status, 201);
  }

  // The Observations derived from a response, as c may see them.
  std::vector<Value> derived(const TestClient& c, const std::string& qr_id) {
    auto r = c.get("Observation?derived-from=QuestionnaireResponse/" + qr_id);
    EXPECT_EQ(r.status, 200) << r.body;
    return resources_of(r.json(), "Observation");
  }

  std::unique_ptr<TestClient> ehr_;
};

TEST_F(MapStageTest, APhq9ResponseBecomesADerivedObservationWithItsOwnTotal) {
  auto put = ehr_->put("QuestionnaireResponse/" + kQrId, fixture_qr());
  ASSERT_EQ(put.status, 201) << put.body;
  // The answer is the response alone: the derived data is a side effect.
  EXPECT_EQ(put.json().string_at("resourceType"), "QuestionnaireResponse");

  auto found = derived(*ehr_, kQrId);
  ASSERT_EQ(found.size(), 1u);
  const Value& obs = found[0];
  const std::string id(obs.string_at("id"));
  EXPECT_EQ(id, gateway::derived_observation_id(kQrId, "phq-9"));
  EXPECT_EQ(id.size(), 27u);
  EXPECT_EQ(id.rfind("cb-", 0), 0u);
  EXPECT_EQ(obs.string_at("status"), "final");
  // The response's own total item (44261-6) says 12; so do its answers.
  EXPECT_EQ(obs.find("valueQuantity")->find("value")->text(), "12");
  EXPECT_EQ(obs.find("valueQuantity")->string_at("code"), "{score}");
  EXPECT_EQ(obs.find("code")->find("coding")->items()[0].string_at("code"), "44261-6");
  EXPECT_EQ(obs.find("category")->items()[0].find("coding")->items()[0].string_at("code"), "survey");
  EXPECT_EQ(obs.find("subject")->string_at("reference"), "Patient/bh-patient-example");
  EXPECT_EQ(obs.string_at("effectiveDateTime"), "2024-02-01T20:50:32.718Z");
  EXPECT_EQ(reference_at(obs, "derivedFrom"), "QuestionnaireResponse/" + kQrId + "/_history/1");
  const auto& tags = obs.find("meta")->find("tag")->items();
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].string_at("system"), "urn:carebridge:derived");
  EXPECT_EQ(tags[0].string_at("code"), "score");
  // Nine items (the first is 2), then the safety item's flag: not positive.
  const auto& comps = obs.find("component")->items();
  ASSERT_EQ(comps.size(), 10u);
  EXPECT_EQ(comps[0].find("code")->find("coding")->items()[0].string_at("code"), "44250-9");
  EXPECT_EQ(comps[0].find("valueInteger")->text(), "2");
  EXPECT_EQ(comps[8].find("code")->find("coding")->items()[0].string_at("code"), "44260-8");
  EXPECT_EQ(comps[8].find("valueInteger")->text(), "0");
  ASSERT_NE(comps[9].find("valueBoolean"), nullptr);
  EXPECT_FALSE(comps[9].find("valueBoolean")->as_bool());

  // Its Provenance, by _revinclude on target.
  auto with_prov = ehr_->get("Observation?derived-from=QuestionnaireResponse/" + kQrId +
                             "&_revinclude=Provenance:target");
  ASSERT_EQ(with_prov.status, 200) << with_prov.body;
  auto provs = resources_of(with_prov.json(), "Provenance");
  ASSERT_EQ(provs.size(), 1u) << with_prov.body;
  const Value& prov = provs[0];
  EXPECT_EQ(prov.string_at("id"), gateway::derived_provenance_id(kQrId, "phq-9"));
  EXPECT_EQ(reference_at(prov, "target"), "Observation/" + id + "/_history/1");
  EXPECT_EQ(reference_at(prov, "entity", "what"), "QuestionnaireResponse/" + kQrId + "/_history/1");
  EXPECT_EQ(prov.find("entity")->items()[0].string_at("role"), "source");
  EXPECT_EQ(prov.find("activity")->find("coding")->items()[0].string_at("code"), "DERIVE");
  EXPECT_EQ(prov.find("agent")->items()[0].find("who")->string_at("display"), "CareBridge");
  EXPECT_FALSE(prov.string_at("recorded").empty());
}

// A score is the gateway's to write: a client neither overwrites a derived
// Observation nor writes one carrying the derived tag itself (409), and
// the score stands as derived.
TEST_F(MapStageTest, NoClientWritesDerivedData) {
  ASSERT_EQ(ehr_->put("QuestionnaireResponse/" + kQrId, fixture_qr()).status, 201);
  const std::string id = gateway::derived_observation_id(kQrId, "phq-9");
  const std::string forged = R"({"resourceType":"Observation","id":")" + id + R"(","status":"final",
    "code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},"subject":{"reference":"Patient/bh-patient-example"},
    "valueQuantity":{"value":0}})";
  EXPECT_EQ(ehr_->put("Observation/" + id, forged).status, 409);
  EXPECT_EQ(ehr_->del("Observation/" + id).status, 409);
  const std::string tagged = R"({"resourceType":"Observation","status":"final","meta":{"tag":[
    {"system":"urn:carebridge:derived","code":"score"}]},"code":{"text":"PHQ-9"},"valueQuantity":{"value":0}})";
  EXPECT_EQ(ehr_->post("Observation", tagged).status, 409);
  auto found = derived(*ehr_, kQrId);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].find("valueQuantity")->find("value")->text(), "12");
}

TEST_F(MapStageTest, ATransactionAnswersOneEntryPerRequestEntry) {
  BundleBuilder b("transaction");
  b.put("Patient/bh-patient-example", kPatient).put("QuestionnaireResponse/" + kQrId, fixture_qr());
  auto r = ehr_->post("", b.json());
  ASSERT_EQ(r.status, 200) << r.body;
  Value bundle = r.json();
  EXPECT_EQ(bundle.find("entry")->items().size(), 2u) << r.body;
  EXPECT_EQ(derived(*ehr_, kQrId).size(), 1u);
}

TEST_F(MapStageTest, APart2ProgramsScoreIsWithheldLikeItsResponse) {
  auto program = client_for({.id = "recovery", .role = "source", .organization = "Organization/recovery-program",
                             .part2_program = true});
  ASSERT_EQ(program.put("QuestionnaireResponse/phq-p2", qr_with("phq-p2")).status, 201);
  ASSERT_EQ(ehr_->put("QuestionnaireResponse/phq-plain", qr_with("phq-plain")).status, 201);
  const std::string p2_obs = "Observation/" + gateway::derived_observation_id("phq-p2", "phq-9");
  const std::string plain_obs = "Observation/" + gateway::derived_observation_id("phq-plain", "phq-9");

  // The custodian sees it, labeled as the response is.
  auto read = client().get(p2_obs);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_TRUE(has_label(read.json(), kLaw, "42CFRPart2")) << read.body;
  EXPECT_EQ(program.get(p2_obs).status, 200);
  auto prov = client().get("Provenance/" + gateway::derived_provenance_id("phq-p2", "phq-9"));
  ASSERT_EQ(prov.status, 200);
  EXPECT_TRUE(has_label(prov.json(), kLaw, "42CFRPart2")) << prov.body;
  // A partner without consent: the plain score, never the Part 2 one.
  auto harbor = client_for({.id = "harbor", .organization = "Organization/harbor"});
  EXPECT_EQ(harbor.get(plain_obs).status, 200);
  EXPECT_FALSE(has_label(harbor.get(plain_obs).json(), kLaw, "42CFRPart2"));
  EXPECT_EQ(harbor.get("QuestionnaireResponse/phq-p2").status, 404);
  EXPECT_EQ(harbor.get(p2_obs).status, 404);
  EXPECT_TRUE(derived(harbor, "phq-p2").empty());
  EXPECT_EQ(derived(harbor, "phq-plain").size(), 1u);
  EXPECT_EQ(derived(*ehr_, "phq-p2").size(), 1u);
}

TEST_F(MapStageTest, AnUpdatedResponseMakesANewVersionOfTheSameObservation) {
  ASSERT_EQ(ehr_->put("QuestionnaireResponse/" + kQrId, fixture_qr()).status, 201);
  // Item 1 from "More than half the days" (2) to "Nearly every day" (3).
  auto upd = ehr_->put("QuestionnaireResponse/" + kQrId, qr_with(kQrId, {{"/44250-9", "LA6571-9"}}));
  ASSERT_EQ(upd.status, 200) << upd.body;
  auto found = derived(*ehr_, kQrId);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].string_at("id"), gateway::derived_observation_id(kQrId, "phq-9"));
  EXPECT_EQ(found[0].find("meta")->string_at("versionId"), "2");
  EXPECT_EQ(found[0].find("valueQuantity")->find("value")->text(), "13");
  EXPECT_EQ(reference_at(found[0], "derivedFrom"), "QuestionnaireResponse/" + kQrId + "/_history/2");
  auto hist = ehr_->get("Observation/" + gateway::derived_observation_id(kQrId, "phq-9") + "/_history");
  ASSERT_EQ(hist.status, 200);
  EXPECT_EQ(hist.json().find("total")->text(), "2");
}

TEST_F(MapStageTest, AnIncompleteResponseDerivesNothing) {
  auto put = ehr_->put("QuestionnaireResponse/partial", qr_with("partial", {{"/44258-2", ""}}));
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_TRUE(derived(*ehr_, "partial").empty());
  EXPECT_EQ(client().get("Observation/" + gateway::derived_observation_id("partial", "phq-9")).status, 404);
  EXPECT_EQ(client().get("Provenance/" + gateway::derived_provenance_id("partial", "phq-9")).status, 404);
  // A complete response made incomplete keeps no score of its old answers.
  ASSERT_EQ(ehr_->put("QuestionnaireResponse/" + kQrId, fixture_qr()).status, 201);
  ASSERT_EQ(derived(*ehr_, kQrId).size(), 1u);
  ASSERT_EQ(ehr_->put("QuestionnaireResponse/" + kQrId, qr_with(kQrId, {{"/44258-2", ""}})).status, 200);
  EXPECT_TRUE(derived(*ehr_, kQrId).empty());
}

TEST_F(MapStageTest, ADeletedResponseDeletesItsScoreAndKeepsTheProvenance) {
  ASSERT_EQ(ehr_->put("QuestionnaireResponse/" + kQrId, fixture_qr()).status, 201);
  ASSERT_EQ(derived(*ehr_, kQrId).size(), 1u);
  ASSERT_EQ(ehr_->del("QuestionnaireResponse/" + kQrId).status, 204);
  EXPECT_TRUE(derived(*ehr_, kQrId).empty());
  const std::string obs = "Observation/" + gateway::derived_observation_id(kQrId, "phq-9");
  EXPECT_EQ(client().get(obs).status, 410);
  EXPECT_EQ(client().get(obs + "/_history/1").status, 200);
  EXPECT_EQ(client().get("Provenance/" + gateway::derived_provenance_id(kQrId, "phq-9")).status, 200);
}

// A bad instrument table stops the start, naming the file: a gateway that
// scored with half a table would store wrong scores as derived data.
TEST(MapStageStartTest, ABadInstrumentTableStopsTheStart) {
  TempDir dir;
  namespace fs = std::filesystem;
  const fs::path share = dir.path() / "share";
  fs::create_directories(share / "mappers");
  fs::create_directory_symlink(fs::path(share_dir()) / "r4", share / "r4");
  fs::create_directory_symlink(fs::path(share_dir()) / "consent", share / "consent");
  {
    std::ofstream bad(share / "mappers" / "instruments.json");
    bad << R"({"version": "broken", "instruments": [{"id": "phq-9"})";  // cut short
  }
  gateway::Settings s;
  s.db_path = (dir.path() / "store.db").string();
  s.share_dir = share.string();
  auto rt = gateway::Runtime::open(s);
  ASSERT_FALSE(rt.ok());
  EXPECT_EQ(rt.issue().severity, fhir::Severity::fatal) << rt.issue().diagnostics;
  EXPECT_NE(rt.issue().diagnostics.find("instruments.json"), std::string::npos) << rt.issue().diagnostics;
  EXPECT_FALSE(fs::exists(s.db_path)) << "refused before the store was opened";
}

}  // namespace
}  // namespace carebridge::test
