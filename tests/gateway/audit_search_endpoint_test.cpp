// GET /AuditEvent and GET /AuditEvent/{id} over the real server: the
// audit log searched by R4's AuditEvent parameters (each one narrows), a
// searchset with total and paging links, compliance only, strict about
// parameters, and audited itself.
//
// The trail: two partners read at known times in early 2025 (the writes
// before them happen in 2024, and the compliance officer's own searches
// in June 2025), so a criterion tested together with the early-2025
// window sees only the partners' reads.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "consent/audit/audit_log.hpp"
#include "fhir/core/base64.hpp"
#include "fhir/core/instant.hpp"
#include "gateway/app/runtime.hpp"
#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;

constexpr const char* kWindow = "&date=ge2025-01-01&date=lt2025-04";

std::int64_t at(const char* instant) { return *fhir::parse_instant(instant); }

// "harbor read Condition/flu/_history/1": the client that asked, the
// interaction, the first resource named.
std::string summary(const Value& ev) {
  std::string who;
  for (const auto& a : ev.find("agent")->items())
    if (const Value* w = a.find("who"))
      if (const Value* id = w->find("identifier"); id != nullptr && id->string_at("system") == "urn:carebridge:client")
        who = std::string(id->string_at("value"));
  std::string what;
  if (const Value* entities = ev.find("entity"))
    for (const auto& e : entities->items())
      if (e.find("role")->string_at("code") == "4") {
        what = std::string(e.find("what")->string_at("reference"));
        break;
      }
  return who + " " + std::string(ev.find("subtype")->items()[0].string_at("code")) + " " + what;
}

std::vector<std::string> summaries(const Value& bundle) {
  std::vector<std::string> out;
  if (const Value* entries = bundle.find("entry"))
    for (const auto& e : entries->items()) out.push_back(summary(*e.find("resource")));
  return out;
}

std::string link(const Value& bundle, std::string_view relation) {
  for (const auto& l : bundle.find("link")->items())
    if (l.string_at("relation") == relation) return std::string(l.string_at("url"));
  return {};
}

class AuditSearchEndpointTest : public GatewayTest {
 protected:
  void SetUp() override {
    clock_.set_ms(at("2024-06-01T00:00:00Z"));
    GatewayTest::SetUp();
    ASSERT_EQ(client().put("Patient/p1", R"({"resourceType":"Patient","id":"p1"})").status, 201);
    ASSERT_EQ(client().put("Patient/p2", R"({"resourceType":"Patient","id":"p2"})").status, 201);
    ASSERT_EQ(client().put("Condition/flu", R"({"resourceType":"Condition","id":"flu","subject":{"reference":"Patient/p1"},
      "code":{"coding":[{"system":"http://snomed.info/sct","code":"6142004"}]}})").status, 201);
    ASSERT_EQ(client().put("Observation/o2", R"({"resourceType":"Observation","id":"o2","status":"final",
      "code":{"text":"weight"},"subject":{"reference":"Patient/p2"}})").status, 201);
    auto program = client_for({.id = "recovery", .role = "source", .part2_program = true});
    ASSERT_EQ(program.put("Condition/oud", R"({"resourceType":"Condition","id":"oud","subject":{"reference":"Patient/p1"},
      "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F11.20"}]}})").status, 201);
    auto harbor = client_for({.id = "harbor", .organization = "Organization/harbor"});
    auto northside = client_for({.id = "northside", .organization = "Organization/northside", .purpose = "HPAYMT"});
    clock_.set_ms(at("2025-01-01T00:00:00Z"));
    ASSERT_EQ(harbor.get("Condition/flu").status, 200);
    clock_.set_ms(at("2025-02-10T12:00:00Z"));
    ASSERT_EQ(harbor.get("Observation/o2").status, 200);
    ASSERT_EQ(harbor.get("Condition/oud").status, 404);  // Part 2, no consent: withheld
    clock_.set_ms(at("2025-03-05T08:00:00Z"));
    ASSERT_EQ(northside.get("Condition/flu").status, 200);
    clock_.set_ms(at("2025-06-01T00:00:00Z"));
    compliance_ = std::make_unique<TestClient>(client_for(
        {.id = "compliance-office", .role = "compliance", .organization = "Organization/cb", .purpose = "HOPERAT"}));
  }
  Value search(const std::string& query) {
    auto res = compliance_->get("AuditEvent?" + query);
    EXPECT_EQ(res.status, 200) << query << "\n" << res.body;
    return res.json();
  }
  std::vector<std::string> found(const std::string& query) { return summaries(search(query)); }
  void expect_invalid(const std::string& query) {
    auto res = compliance_->get("AuditEvent?" + query);
    EXPECT_EQ(res.status, 400) << query << "\n" << res.body;
    Value outcome = res.json();
    EXPECT_EQ(outcome.string_at("resourceType"), "OperationOutcome") << query;
  }
  std::unique_ptr<TestClient> compliance_;
};

const std::string kFlu = "harbor read Condition/flu/_history/1";
const std::string kO2 = "harbor read Observation/o2/_history/1";
const std::string kOud = "harbor read Condition/oud";  // refused: what was asked, no version
const std::string kNorthFlu = "northside read Condition/flu/_history/1";
using List = std::vector<std::string>;

TEST_F(AuditSearchEndpointTest, TheWindowHoldsThePartnersReadsInOrder) {
  Value bundle = search(std::string("type=rest") + kWindow);
  EXPECT_EQ(bundle.string_at("resourceType"), "Bundle");
  EXPECT_EQ(bundle.string_at("type"), "searchset");
  EXPECT_EQ(bundle.find("total")->text(), "4");
  EXPECT_EQ(summaries(bundle), (List{kFlu, kO2, kOud, kNorthFlu}));
  const Value& entry = bundle.find("entry")->items()[0];
  const std::string id(entry.find("resource")->string_at("id"));
  EXPECT_EQ(entry.string_at("fullUrl"), compliance_->base_url() + "/AuditEvent/" + id);
  EXPECT_EQ(entry.find("search")->string_at("mode"), "match");
  EXPECT_EQ(entry.find("resource")->string_at("resourceType"), "AuditEvent");
}

TEST_F(AuditSearchEndpointTest, PatientNarrows) {
  EXPECT_EQ(found(std::string("patient=p1") + kWindow), (List{kFlu, kOud, kNorthFlu}));
  EXPECT_EQ(found(std::string("patient=Patient/p2") + kWindow), (List{kO2}));
  EXPECT_EQ(found(std::string("patient=p2,p1") + kWindow).size(), 4u);
  EXPECT_EQ(found(std::string("patient=nobody") + kWindow), List{});
}

TEST_F(AuditSearchEndpointTest, AgentNarrowsByClientOrOrganization) {
  EXPECT_EQ(found(std::string("agent=harbor") + kWindow), (List{kFlu, kO2, kOud}));
  EXPECT_EQ(found(std::string("agent=urn:carebridge:client|northside") + kWindow), (List{kNorthFlu}));
  EXPECT_EQ(found(std::string("agent=Organization/northside") + kWindow), (List{kNorthFlu}));
  EXPECT_EQ(found(std::string("agent=harbor&agent=Organization/northside") + kWindow), List{});  // AND
}

TEST_F(AuditSearchEndpointTest, EntityWithoutVersionIsAnyVersionWithOneIsExact) {
  EXPECT_EQ(found(std::string("entity=Condition/flu") + kWindow), (List{kFlu, kNorthFlu}));
  EXPECT_EQ(found(std::string("entity=Condition/flu/_history/1") + kWindow), (List{kFlu, kNorthFlu}));
  EXPECT_EQ(found(std::string("entity=Condition/flu/_history/2") + kWindow), List{});
  EXPECT_EQ(found(std::string("entity=Condition/fl") + kWindow), List{}) << "a prefix of an id is another id";
  EXPECT_EQ(found(std::string("entity=Condition/oud") + kWindow), (List{kOud}));
}

TEST_F(AuditSearchEndpointTest, OutcomePurposeTypeAndSubtypeNarrow) {
  EXPECT_EQ(found(std::string("outcome=4") + kWindow), (List{kOud}));
  EXPECT_EQ(found(std::string("outcome=http://hl7.org/fhir/audit-event-outcome|0") + kWindow),
            (List{kFlu, kO2, kNorthFlu}));
  EXPECT_EQ(found(std::string("purpose=HPAYMT") + kWindow), (List{kNorthFlu}));
  EXPECT_EQ(found(std::string("purpose=http://terminology.hl7.org/CodeSystem/v3-ActReason|TREAT") + kWindow),
            (List{kFlu, kO2, kOud}));
  EXPECT_EQ(found(std::string("subtype=disclose") + kWindow), (List{kFlu, kO2, kNorthFlu})) << "a refusal discloses nothing";
  EXPECT_EQ(found(std::string("subtype=http://hl7.org/fhir/restful-interaction|read") + kWindow).size(), 4u);
  EXPECT_EQ(found(std::string("subtype=vread") + kWindow), List{});
  EXPECT_EQ(found(std::string("type=http://terminology.hl7.org/CodeSystem/audit-event-type|rest") + kWindow).size(),
            4u);
}

TEST_F(AuditSearchEndpointTest, DateTakesPartialDatesAsTheirWholePeriod) {
  const std::string partners = "agent=harbor,northside&";
  EXPECT_EQ(found(partners + "date=2025-02"), (List{kO2, kOud}));
  EXPECT_EQ(found(partners + "date=2025").size(), 4u);
  EXPECT_EQ(found(partners + "date=2025-03-05"), (List{kNorthFlu}));
  EXPECT_EQ(found(partners + "date=2025-02-10T12:00:00Z"), (List{kO2, kOud}));
  EXPECT_EQ(found(partners + "date=2025-02-10T12:00:00.000Z"), (List{kO2, kOud})) << "to the millisecond";
  EXPECT_EQ(found(partners + "date=le2025-02-10T12:00:00.000Z"), (List{kFlu, kO2, kOud}));
  EXPECT_EQ(found(partners + "date=lt2025-02-10T12:00:00.000Z"), (List{kFlu}));
  EXPECT_EQ(found(partners + "date=gt2025-02-10T12:00:00.000Z"), (List{kNorthFlu}));
  EXPECT_EQ(found(partners + "date=lt2025-02"), (List{kFlu}));
  EXPECT_EQ(found(partners + "date=gt2025-02-10"), (List{kNorthFlu})) << "gt a day: after its end";
  EXPECT_EQ(found(partners + "date=ge2025-02-10&date=le2025-03-04"), (List{kO2, kOud}));
  EXPECT_EQ(found(partners + "date=2024"), List{});
}

TEST_F(AuditSearchEndpointTest, CountPagesWithANextLinkThatKeepsTheCriteria) {
  Value first = search("agent=harbor,northside&_count=3");
  EXPECT_EQ(first.find("total")->text(), "4");
  EXPECT_EQ(summaries(first), (List{kFlu, kO2, kOud}));
  EXPECT_EQ(link(first, "previous"), "");
  const std::string next = link(first, "next");
  ASSERT_NE(next, "");
  auto res = compliance_->get(next);
  ASSERT_EQ(res.status, 200) << res.body;
  Value second = res.json();
  EXPECT_EQ(summaries(second), (List{kNorthFlu}));
  EXPECT_EQ(second.find("total")->text(), "4");
  EXPECT_EQ(link(second, "next"), "");
  EXPECT_NE(link(second, "previous"), "");
  EXPECT_EQ(summaries(search("agent=harbor,northside&_count=2&_offset=1")), (List{kO2, kOud}));
  Value counted = search("agent=harbor,northside&_count=0");
  EXPECT_EQ(counted.find("total")->text(), "4");
  EXPECT_EQ(counted.find("entry"), nullptr);
  EXPECT_EQ(search("agent=harbor,northside").find("entry")->items().size(), 4u);  // default _count 50
}

TEST_F(AuditSearchEndpointTest, ParametersItCannotServeAre400) {
  expect_invalid("recorded=2025");      // not an AuditEvent parameter here
  expect_invalid("patient:missing=true");  // no modifiers
  expect_invalid("patient=p1&patient=p2");  // an AND of one list
  expect_invalid("patient=Group/1");
  expect_invalid("entity=flu");  // a type is needed
  expect_invalid("date=ne2025");
  expect_invalid("date=2025,2026");
  expect_invalid("date=2025-13");
  expect_invalid("purpose=http://example.org|TREAT");
  expect_invalid("subtype=http://hl7.org/fhir/restful-interaction|disclose");
  expect_invalid("agent=harbor,Organization/harbor");
  expect_invalid("_count=-1");
  expect_invalid("_offset=x");
  expect_invalid("_sort=-date");
}

TEST_F(AuditSearchEndpointTest, ReadByIdAndA404) {
  Value bundle = search(std::string("entity=Condition/oud") + kWindow);
  const Value& listed = *bundle.find("entry")->items()[0].find("resource");
  const std::string id(listed.string_at("id"));
  auto res = compliance_->get("AuditEvent/" + id);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.json(), listed);
  for (const char* missing : {"AuditEvent/999999", "AuditEvent/0", "AuditEvent/01", "AuditEvent/abc"}) {
    auto miss = compliance_->get(missing);
    EXPECT_EQ(miss.status, 404) << missing;
    Value outcome = miss.json();
    EXPECT_EQ(outcome.string_at("resourceType"), "OperationOutcome") << missing;
  }
}

TEST_F(AuditSearchEndpointTest, OnlyComplianceReadsTheTrail) {
  auto harbor = client_for({.id = "harbor", .organization = "Organization/harbor"});
  auto ehr = client_for({.id = "ehr", .role = "source"});
  for (const TestClient* c : std::initializer_list<const TestClient*>{&harbor, &ehr, &client()}) {  // partner, source, admin
    for (const char* path : {"AuditEvent?patient=p1", "AuditEvent/1", "Patient/p1/$disclosures"}) {
      auto res = c->get(path);
      EXPECT_EQ(res.status, 403) << path << "\n" << res.body;
      Value outcome = res.json();
      EXPECT_EQ(outcome.string_at("resourceType"), "OperationOutcome");
      EXPECT_EQ(res.body.find("Condition"), std::string::npos) << res.body;
    }
  }
  // Each attempt is on the trail, refused.
  Value refused = search("agent=harbor&date=2025-06&outcome=4");
  EXPECT_EQ(summaries(refused), (List{"harbor search-type ", "harbor read ", "harbor operation "}));
}

TEST_F(AuditSearchEndpointTest, ReadingTheTrailIsAuditedAndIsNoDisclosure) {
  search("patient=p1");
  auto own = found("agent=compliance-office");
  ASSERT_EQ(own, (List{"compliance-office search-type "}));
  Value bundle = search("agent=compliance-office");
  const Value& ev = *bundle.find("entry")->items()[0].find("resource");
  EXPECT_EQ(ev.string_at("outcome"), "0");
  EXPECT_EQ(ev.find("subtype")->items().size(), 1u) << "not a disclosure";
  const Value& patient = ev.find("entity")->items()[0];
  EXPECT_EQ(patient.find("what")->string_at("reference"), "Patient/p1");
  const Value& query = ev.find("entity")->items()[1];
  EXPECT_EQ(fhir::base64_decode(query.string_at("query")).value_or(""), "AuditEvent?patient=p1");
  // The later searches and a read are on the trail as well, and none of
  // them is a disclosure.
  ASSERT_EQ(compliance_->get("AuditEvent/1").status, 200);
  const std::string search_type = "compliance-office search-type ";
  EXPECT_EQ(found("agent=compliance-office"),
            (List{search_type, search_type, search_type, "compliance-office read AuditEvent/1"}));
  EXPECT_EQ(found("agent=compliance-office&subtype=disclose"), List{});
}

TEST_F(AuditSearchEndpointTest, NoTrailNoAnswer) {
  gateway_->runtime().app().audit->close();  // the log takes no more records
  auto res = compliance_->get(std::string("AuditEvent?patient=p1") + kWindow);
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.body.find("Condition/flu"), std::string::npos) << res.body;
}

class AuditOffTest : public GatewayTest {
 protected:
  void configure(gateway::Settings& s) override { s.audit = 0; }
};

TEST_F(AuditOffTest, TheTrailIsOff) {
  auto compliance = client_for({.id = "compliance-office", .role = "compliance"});
  for (const char* path : {"AuditEvent", "AuditEvent/1", "Patient/p1/$disclosures"}) {
    auto res = compliance.get(path);
    EXPECT_EQ(res.status, 503) << path;
    EXPECT_NE(res.body.find("audit trail is off"), std::string::npos) << res.body;
  }
}

}  // namespace
}  // namespace carebridge::test
