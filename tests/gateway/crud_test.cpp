// create, read, vread, update, delete over real HTTP against the real
// gateway and a real SQLite file.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "fhir/json/write.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

const char* kPatient =
    R"({"resourceType":"Patient","active":true,"name":[{"family":"Chalmers","given":["Peter","James"]}],"birthDate":"1974-12-25"})";

class CrudTest : public GatewayTest {};

TEST_F(CrudTest, CreateAssignsIdVersionAndHeaders) {
  auto r = client().post("Patient", kPatient);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("etag"), "W/\"1\"");
  EXPECT_FALSE(r.header("last-modified").empty());
  auto body = r.json();
  std::string id(body.string_at("id"));
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(r.header("location"), client().base_url() + "/Patient/" + id + "/_history/1");
  const auto* meta = body.find("meta");
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->string_at("versionId"), "1");
  EXPECT_EQ(meta->string_at("lastUpdated"), "2025-01-01T00:00:00.000Z");
  EXPECT_TRUE(r.header("content-type").find("application/fhir+json") != std::string::npos);
}

TEST_F(CrudTest, CreateIgnoresClientId) {
  auto r = client().post("Patient", R"({"resourceType":"Patient","id":"mine"})");
  ASSERT_EQ(r.status, 201);
  EXPECT_NE(r.json().string_at("id"), "mine");
  EXPECT_EQ(client().get("Patient/mine").status, 404);
}

TEST_F(CrudTest, ReadReturnsWhatWasStored) {
  auto created = client().post("Patient", kPatient);
  std::string id(created.json().string_at("id"));
  auto r = client().get("Patient/" + id);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("etag"), "W/\"1\"");
  EXPECT_EQ(r.body, created.body);
}

// R4 allows _summary and _elements on read; the result is tagged SUBSETTED.
TEST_F(CrudTest, ReadWithSummaryAndElements) {
  std::ifstream in(fixtures_dir() + "/r4-examples/Patient-example.json");
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_EQ(client().put("Patient/example", text.str()).status, 201);
  auto keys = [](const HttpResult& r) {
    std::set<std::string> out;
    const auto json = r.json();  // members() points into it
    for (const auto& [k, v] : json.members()) out.insert(k);
    return out;
  };
  auto subsetted = [](const HttpResult& r) {
    const auto json = r.json();
    const auto* tags = json.find("meta")->find("tag");
    return tags != nullptr && tags->items().size() == 1 && tags->items()[0].string_at("code") == "SUBSETTED";
  };
  auto elements = client().get("Patient/example?_elements=name,birthDate");
  ASSERT_EQ(elements.status, 200) << elements.body;
  EXPECT_EQ(keys(elements), (std::set<std::string>{"resourceType", "id", "meta", "name", "birthDate", "_birthDate"}));
  EXPECT_TRUE(subsetted(elements));
  auto summary = client().get("Patient/example/_history/1?_summary=true");
  ASSERT_EQ(summary.status, 200) << summary.body;
  EXPECT_EQ(keys(summary).count("text"), 0u);
  EXPECT_EQ(keys(summary).count("contact"), 0u);  // not a summary element
  EXPECT_EQ(keys(summary).count("name"), 1u);
  EXPECT_TRUE(subsetted(summary));
  // _summary=false is the whole resource, untagged.
  auto whole = client().get("Patient/example?_summary=false");
  EXPECT_EQ(keys(whole).count("contact"), 1u);
  EXPECT_FALSE(subsetted(whole));
  EXPECT_EQ(client().get("Patient/example?_summary=maybe").status, 400);
}

TEST_F(CrudTest, UpdateAsCreateThenNewVersion) {
  auto r1 = client().put("Patient/p1", R"({"resourceType":"Patient","id":"p1","active":true})");
  ASSERT_EQ(r1.status, 201) << r1.body;
  EXPECT_EQ(r1.header("etag"), "W/\"1\"");
  clock_.advance_ms(1000);
  auto r2 = client().put("Patient/p1", R"({"resourceType":"Patient","id":"p1","active":false})");
  ASSERT_EQ(r2.status, 200) << r2.body;
  EXPECT_EQ(r2.header("etag"), "W/\"2\"");
  EXPECT_EQ(r2.header("location"), client().base_url() + "/Patient/p1/_history/2");

  auto v1 = client().get("Patient/p1/_history/1");
  ASSERT_EQ(v1.status, 200);
  EXPECT_TRUE(v1.json().find("active")->as_bool());
  EXPECT_EQ(v1.header("etag"), "W/\"1\"");
  auto v2 = client().get("Patient/p1/_history/2");
  EXPECT_FALSE(v2.json().find("active")->as_bool());
  EXPECT_EQ(client().get("Patient/p1/_history/3").status, 404);
  EXPECT_EQ(client().get("Patient/p1").header("etag"), "W/\"2\"");
}

TEST_F(CrudTest, IfMatchOnUpdate) {
  client().put("Patient/p1", R"({"resourceType":"Patient","id":"p1"})");
  auto stale = client().put("Patient/p1", R"({"resourceType":"Patient","id":"p1","active":true})",
                            {{"If-Match", "W/\"2\""}});
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(stale.json().string_at("resourceType"), "OperationOutcome");
  EXPECT_EQ(client().get("Patient/p1").header("etag"), "W/\"1\"");  // unchanged
  auto ok = client().put("Patient/p1", R"({"resourceType":"Patient","id":"p1","active":true})",
                         {{"If-Match", "W/\"1\""}});
  EXPECT_EQ(ok.status, 200);
  auto bad = client().put("Patient/p1", R"({"resourceType":"Patient","id":"p1"})",
                          {{"If-Match", "banana"}});
  EXPECT_EQ(bad.status, 400);
}

TEST_F(CrudTest, IfMatchOnDelete) {
  client().put("Patient/p1", R"({"resourceType":"Patient","id":"p1"})");
  EXPECT_EQ(client().del("Patient/p1", {{"If-Match", "W/\"7\""}}).status, 412);
  EXPECT_EQ(client().get("Patient/p1").status, 200);
  EXPECT_EQ(client().del("Patient/p1", {{"If-Match", "W/\"1\""}}).status, 204);
}

TEST_F(CrudTest, DeleteIsLogicalAndReadAnswersGone) {
  client().put("Patient/p1", R"({"resourceType":"Patient","id":"p1"})");
  auto d = client().del("Patient/p1");
  EXPECT_EQ(d.status, 204);
  EXPECT_EQ(d.header("etag"), "W/\"2\"");
  auto r = client().get("Patient/p1");
  EXPECT_EQ(r.status, 410);
  EXPECT_EQ(r.json().string_at("resourceType"), "OperationOutcome");
  // The old version is still there for vread and history.
  EXPECT_EQ(client().get("Patient/p1/_history/1").status, 200);
  EXPECT_EQ(client().get("Patient/p1/_history/2").status, 410);
  // Deleting again changes nothing.
  EXPECT_EQ(client().del("Patient/p1").status, 204);
  EXPECT_EQ(client().get("Patient/p1/_history/3").status, 404);
  // An update brings it back as a new version.
  auto back = client().put("Patient/p1", R"({"resourceType":"Patient","id":"p1"})");
  EXPECT_EQ(back.status, 201);
  EXPECT_EQ(back.header("etag"), "W/\"3\"");
}

TEST_F(CrudTest, DeleteOfWhatNeverExistedSucceedsAndChangesNothing) {
  // R4 http.html#delete: "or if the resource does not exist at all".
  auto r = client().del("Patient/nobody");
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.header("etag").empty());
  EXPECT_EQ(client().get("Patient/nobody").status, 404);
  EXPECT_EQ(client().get("Patient/_history").json().find("total")->text(), "0");
}

TEST_F(CrudTest, PreferReturn) {
  auto minimal = client().post("Patient", kPatient, {{"Prefer", "return=minimal"}});
  EXPECT_EQ(minimal.status, 201);
  EXPECT_TRUE(minimal.body.empty());
  EXPECT_FALSE(minimal.header("location").empty());
  auto oo = client().post("Patient", kPatient, {{"Prefer", "return=OperationOutcome"}});
  EXPECT_EQ(oo.status, 201);
  EXPECT_EQ(oo.json().string_at("resourceType"), "OperationOutcome");
  auto rep = client().put("Patient/x", R"({"resourceType":"Patient","id":"x"})",
                          {{"Prefer", "return=representation"}});
  EXPECT_EQ(rep.json().string_at("resourceType"), "Patient");
  auto del = client().del("Patient/x", {{"Prefer", "return=OperationOutcome"}});
  EXPECT_EQ(del.status, 200);
  EXPECT_EQ(del.json().string_at("resourceType"), "OperationOutcome");
}

TEST_F(CrudTest, EveryR4TypeIsServed) {
  // Synthea sends types well beyond the clinical core.
  for (const char* type : {"Claim", "ExplanationOfBenefit", "Device", "ImagingStudy",
                           "SupplyDelivery", "Basic", "MolecularSequence"}) {
    std::string body = std::string(R"({"resourceType":")") + type + R"(","id":"x1"})";
    auto r = client().put(std::string(type) + "/x1", body);
    EXPECT_EQ(r.status, 201) << type << ": " << r.body;
    EXPECT_EQ(client().get(std::string(type) + "/x1").status, 200) << type;
  }
}

TEST_F(CrudTest, FidelityOfDecimalsOrderAndUnicode) {
  std::string body =
      R"({"resourceType":"Observation","id":"o1","status":"final","code":{"text":"Größe — 身長 🩺"},)"
      R"("valueQuantity":{"value":1.50,"unit":"m"},"extension":[{"url":"http://x.org/e","valueDecimal":200.00}],)"
      R"("_status":{"extension":[{"url":"http://x.org/s","valueString":"ok"}]}})";
  ASSERT_EQ(client().put("Observation/o1", body).status, 201);
  auto r = client().get("Observation/o1");
  EXPECT_NE(r.body.find(R"("value":1.50)"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("valueDecimal":200.00)"), std::string::npos);
  EXPECT_NE(r.body.find("Größe — 身長 🩺"), std::string::npos);
  // Element order as sent: code before valueQuantity before extension.
  EXPECT_LT(r.body.find("\"code\""), r.body.find("\"valueQuantity\""));
  EXPECT_LT(r.body.find("\"valueQuantity\""), r.body.find("\"extension\""));
}

TEST_F(CrudTest, MetadataIsGeneratedFromRoutes) {
  auto r = client().get("metadata");
  ASSERT_EQ(r.status, 200);
  auto cs = r.json();
  EXPECT_EQ(cs.string_at("resourceType"), "CapabilityStatement");
  EXPECT_EQ(cs.string_at("fhirVersion"), "4.0.1");
  const auto& rest = cs.find("rest")->items().at(0);
  const auto& resources = rest.find("resource")->items();
  EXPECT_GT(resources.size(), 140u);
  bool has_claim = false;
  for (const auto& res : resources) {
    if (res.string_at("type") != "Claim") continue;
    has_claim = true;
    std::vector<std::string> codes;
    for (const auto& i : res.find("interaction")->items()) codes.emplace_back(i.string_at("code"));
    for (const char* c : {"read", "vread", "update", "delete", "history-instance", "history-type", "create"})
      EXPECT_NE(std::find(codes.begin(), codes.end(), c), codes.end()) << c;
  }
  EXPECT_TRUE(has_claim);
}

}  // namespace
}  // namespace carebridge::test
