// GET /Patient/{id}/$disclosures, the accounting of disclosures, over the
// real server in a scripted scenario: a partner reads patient A's
// Observation, searches Observations returning A's and B's, is refused a
// withheld Part 2 Condition of A's, and the custodian source reads A's
// Observation. A's accounting lists exactly A's disclosed resources (the
// read, and A's half of the search) with recipient, purpose and basis,
// none of B's, and neither the refusal nor the custodian's read. Also the
// CSV form and its RFC 4180 quoting, the period, and who may ask.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "consent/audit/audit_log.hpp"
#include "fhir/core/instant.hpp"
#include "gateway/app/runtime.hpp"
#include "gateway/audit/disclosures_csv.hpp"
#include "gateway/http/csv_text.hpp"
#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;

std::int64_t at(const char* instant) { return *fhir::parse_instant(instant); }

// The resources (role 4) and patients (role 1) an AuditEvent names.
std::vector<std::string> named(const Value& ev, std::string_view role) {
  std::vector<std::string> out;
  for (const auto& e : ev.find("entity")->items())
    if (e.find("role")->string_at("code") == role) out.emplace_back(e.find("what")->string_at("reference"));
  return out;
}

std::vector<std::string> subtypes(const Value& ev) {
  std::vector<std::string> out;
  for (const auto& c : ev.find("subtype")->items()) out.emplace_back(c.string_at("code"));
  return out;
}

const char* const kCsvAccept = "text/csv, application/fhir+json;q=0.1";

class DisclosuresTest : public GatewayTest {
 protected:
  void SetUp() override {
    clock_.set_ms(at("2024-06-01T00:00:00Z"));
    GatewayTest::SetUp();
    ehr_ = std::make_unique<TestClient>(client_for({.id = "ehr", .role = "source"}));
    ASSERT_EQ(ehr_->put("Patient/pa", R"({"resourceType":"Patient","id":"pa"})").status, 201);
    ASSERT_EQ(ehr_->put("Patient/pb", R"({"resourceType":"Patient","id":"pb"})").status, 201);
    ASSERT_EQ(ehr_->put("Observation/oa", R"({"resourceType":"Observation","id":"oa","status":"final",
      "code":{"text":"weight"},"subject":{"reference":"Patient/pa"}})").status, 201);
    ASSERT_EQ(ehr_->put("Observation/ob", R"({"resourceType":"Observation","id":"ob","status":"final",
      "code":{"text":"weight"},"subject":{"reference":"Patient/pb"}})").status, 201);
    auto program = client_for({.id = "recovery", .role = "source", .part2_program = true});
    ASSERT_EQ(program.put("Condition/oud", R"({"resourceType":"Condition","id":"oud","subject":{"reference":"Patient/pa"},
      "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F11.20"}]}})").status, 201);
    auto harbor = client_for({.id = "harbor", .organization = "Organization/harbor"});

    clock_.set_ms(at("2025-01-10T00:00:00Z"));
    ASSERT_EQ(harbor.get("Observation/oa").status, 200);
    clock_.set_ms(at("2025-02-10T00:00:00Z"));
    auto both = harbor.get("Observation?patient=pa,pb");
    ASSERT_EQ(both.status, 200);
    Value searchset = both.json();
    ASSERT_EQ(searchset.find("total")->text(), "2");
    clock_.set_ms(at("2025-03-10T00:00:00Z"));
    ASSERT_EQ(harbor.get("Condition/oud").status, 404);  // withheld: Part 2 without consent
    ASSERT_EQ(ehr_->get("Observation/oa").status, 200);   // the custodian's own read
    clock_.set_ms(at("2025-06-01T00:00:00Z"));
    compliance_ = std::make_unique<TestClient>(client_for(
        {.id = "compliance-office", .role = "compliance", .organization = "Organization/cb", .purpose = "HOPERAT"}));
  }
  Value accounting(const std::string& patient, const std::string& query = {}) {
    auto res = compliance_->get("Patient/" + patient + "/$disclosures" + query);
    EXPECT_EQ(res.status, 200) << res.body;
    return res.json();
  }
  std::vector<Value> events(const Value& bundle) {
    std::vector<Value> out;
    if (const Value* entries = bundle.find("entry"))
      for (const auto& e : entries->items()) out.push_back(*e.find("resource"));
    return out;
  }
  std::unique_ptr<TestClient> ehr_;
  std::unique_ptr<TestClient> compliance_;
};

TEST_F(DisclosuresTest, TheBundleListsExactlyThisPatientsDisclosedResources) {
  auto res = compliance_->get("Patient/pa/$disclosures");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.body.find("Observation/ob"), std::string::npos) << "B's resource in A's accounting";
  EXPECT_EQ(res.body.find("Patient/pb"), std::string::npos) << "B named in A's accounting";
  EXPECT_EQ(res.body.find("Condition/oud"), std::string::npos) << "a refusal is no disclosure";
  Value bundle = res.json();
  EXPECT_EQ(bundle.string_at("resourceType"), "Bundle");
  EXPECT_EQ(bundle.string_at("type"), "collection");
  auto list = events(bundle);
  ASSERT_EQ(list.size(), 2u) << res.body;  // not the custodian's read
  EXPECT_EQ(subtypes(list[0]), (std::vector<std::string>{"read", "disclose"}));
  EXPECT_EQ(subtypes(list[1]), (std::vector<std::string>{"search-type", "disclose"}));
  for (const auto& ev : list) {
    EXPECT_EQ(named(ev, "4"), std::vector<std::string>{"Observation/oa/_history/1"});
    EXPECT_EQ(named(ev, "1"), std::vector<std::string>{"Patient/pa"});
  }
  EXPECT_EQ(list[0].string_at("recorded"), "2025-01-10T00:00:00.000Z");
  EXPECT_EQ(list[1].string_at("recorded"), "2025-02-10T00:00:00.000Z");
  const Value& entry = bundle.find("entry")->items()[0];
  EXPECT_EQ(entry.string_at("fullUrl"),
            compliance_->base_url() + "/AuditEvent/" + std::string(list[0].string_at("id")));
}

TEST_F(DisclosuresTest, TheOtherPatientSeesOnlyTheirHalfOfTheSearch) {
  auto list = events(accounting("pb"));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(named(list[0], "4"), std::vector<std::string>{"Observation/ob/_history/1"});
  EXPECT_EQ(named(list[0], "1"), std::vector<std::string>{"Patient/pb"});
  EXPECT_EQ(events(accounting("nobody")).size(), 0u);
}

TEST_F(DisclosuresTest, CsvHasOneRowPerDisclosedResource) {
  auto res = compliance_->get("Patient/pa/$disclosures", {{"Accept", kCsvAccept}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(res.body,
            "date,recipient,purpose,resource,basis\r\n"
            "2025-01-10T00:00:00.000Z,Organization/harbor (harbor),TREAT,Observation/oa/_history/1,policy:tpo-default\r\n"
            "2025-02-10T00:00:00.000Z,Organization/harbor (harbor),TREAT,Observation/oa/_history/1,policy:tpo-default\r\n");
  auto b = compliance_->get("Patient/pb/$disclosures?end=2026", {{"Accept", kCsvAccept}});
  EXPECT_EQ(b.body,
            "date,recipient,purpose,resource,basis\r\n"
            "2025-02-10T00:00:00.000Z,Organization/harbor (harbor),TREAT,Observation/ob/_history/1,policy:tpo-default\r\n");
}

// The same printout asked for the two other ways: _format=csv, and a plain
// Accept: text/csv (the parse stage lets CSV through for $disclosures only).
TEST_F(DisclosuresTest, CsvByFormatParameterOrPlainAccept) {
  auto by_format = compliance_->get("Patient/pa/$disclosures?_format=csv");
  ASSERT_EQ(by_format.status, 200) << by_format.body;
  EXPECT_EQ(by_format.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(by_format.body.rfind("date,recipient,purpose,resource,basis\r\n", 0), 0u) << by_format.body;
  auto by_accept = compliance_->get("Patient/pa/$disclosures", {{"Accept", "text/csv"}});
  ASSERT_EQ(by_accept.status, 200) << by_accept.body;
  EXPECT_EQ(by_accept.body, by_format.body);
  // Elsewhere CSV is still not acceptable.
  EXPECT_EQ(compliance_->get("AuditEvent?_format=csv").status, 406);
}

TEST_F(DisclosuresTest, StartAndEndBoundAHalfOpenPeriod) {
  EXPECT_EQ(events(accounting("pa", "?start=2025-02")).size(), 1u);
  EXPECT_EQ(subtypes(events(accounting("pa", "?end=2025-02"))[0])[0], "read");
  EXPECT_EQ(events(accounting("pa", "?start=2025-01-10T00:00:00Z&end=2025-01-10T00:00:00.001Z")).size(), 1u)
      << "start is in, end is out";
  EXPECT_EQ(events(accounting("pa", "?start=2025-01-10T00:00:00.001Z&end=2025-02-10")).size(), 0u);
  EXPECT_EQ(events(accounting("pa", "?start=2025-02-10&end=2025-02-11")).size(), 1u);
  for (const char* bad : {"?start=2025-13", "?start=2025-03&end=2025-02", "?patient=pb", "?start=ge2025"}) {
    auto res = compliance_->get(std::string("Patient/pa/$disclosures") + bad);
    EXPECT_EQ(res.status, 400) << bad << "\n" << res.body;
  }
}

TEST_F(DisclosuresTest, ByDefaultTheSixYearsBeforeTheRequest) {
  clock_.set_ms(at("2031-01-10T00:00:00Z"));  // the read is exactly six years old
  EXPECT_EQ(events(accounting("pa")).size(), 2u);
  clock_.set_ms(at("2031-01-10T00:00:00.001Z"));  // and now a millisecond older
  auto list = events(accounting("pa"));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(subtypes(list[0])[0], "search-type");
  EXPECT_EQ(events(accounting("pa", "?start=2020")).size(), 2u);
}

TEST_F(DisclosuresTest, OnlyComplianceAsksAndOnlyOnPatient) {
  auto harbor = client_for({.id = "harbor", .organization = "Organization/harbor"});
  for (const TestClient* c : std::initializer_list<const TestClient*>{&harbor, ehr_.get(), &client()}) {
    auto res = c->get("Patient/pa/$disclosures");
    EXPECT_EQ(res.status, 403) << res.body;
    EXPECT_EQ(res.body.find("Observation"), std::string::npos) << res.body;
  }
  EXPECT_EQ(compliance_->get("Observation/oa/$disclosures").status, 404);
  auto narrow = client_for({.id = "compliance-narrow", .role = "compliance", .scopes = "system/Consent.rs"});
  EXPECT_EQ(narrow.get("Patient/pa/$disclosures").status, 403) << "AuditEvent scope needed";
}

TEST_F(DisclosuresTest, AskingIsAuditedAndIsNoDisclosure) {
  ASSERT_EQ(events(accounting("pa")).size(), 2u);
  auto res = compliance_->get("AuditEvent?agent=compliance-office");
  ASSERT_EQ(res.status, 200) << res.body;
  Value trail = res.json();
  ASSERT_EQ(trail.find("total")->text(), "1");
  const Value& ev = *trail.find("entry")->items()[0].find("resource");
  EXPECT_EQ(subtypes(ev), std::vector<std::string>{"operation"});
  EXPECT_EQ(named(ev, "1"), std::vector<std::string>{"Patient/pa"});
  EXPECT_EQ(events(accounting("pa")).size(), 2u) << "the accounting does not list itself";
}

TEST_F(DisclosuresTest, NoTrailNoAccounting) {
  gateway_->runtime().app().audit->close();
  for (const bool csv : {false, true}) {
    Headers h;
    if (csv) h.emplace_back("Accept", kCsvAccept);
    auto res = compliance_->get("Patient/pa/$disclosures", h);
    EXPECT_EQ(res.status, 503);
    EXPECT_EQ(res.body.find("Observation/oa"), std::string::npos) << res.body;
    EXPECT_EQ(res.header("content-type").find("text/csv"), std::string::npos);
  }
}

// RFC 4180 §2: fields with a comma, a quote or a line break are quoted,
// quotes doubled; the rest go as they are.
TEST(DisclosuresCsv, QuotesFieldsPerRfc4180) {
  EXPECT_EQ(gateway::csv_field("policy:tpo-default"), "policy:tpo-default");
  EXPECT_EQ(gateway::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(gateway::csv_field("say \"yes\""), "\"say \"\"yes\"\"\"");
  EXPECT_EQ(gateway::csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(gateway::csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(gateway::csv_field(""), "");

  gateway::Disclosure d;
  d.seq = 7;
  d.event.recorded_ms = at("2026-11-24T13:25:12.123Z");
  d.event.client_id = "north, east";
  d.event.organization = "Organization/n";
  d.event.purpose = "TREAT";
  d.event.entities = {{"Observation/o/_history/2", "Consent/c/_history/1 provision \"permit\"", {"pa"}},
                      {"Condition/c/_history/1", "policy:tpo-default", {"pa"}}};
  EXPECT_EQ(gateway::disclosures_csv({d}),
            "date,recipient,purpose,resource,basis\r\n"
            "2026-11-24T13:25:12.123Z,\"Organization/n (north, east)\",TREAT,Observation/o/_history/2,"
            "\"Consent/c/_history/1 provision \"\"permit\"\"\"\r\n"
            "2026-11-24T13:25:12.123Z,\"Organization/n (north, east)\",TREAT,Condition/c/_history/1,"
            "policy:tpo-default\r\n");
}

TEST(DisclosureView, NarrowsToOnePatient) {
  consent::AuditDescription d;
  d.patients = {"pa", "pb"};
  d.query = "Observation?patient=pa,pb";
  d.entities = {{"Observation/oa/_history/1", "policy:tpo-default", {"pa"}},
                {"Observation/ob/_history/1", "policy:tpo-default", {"pb"}},
                {"Group/g/_history/1", "policy:tpo-default", {"pa", "pb"}}};
  consent::AuditDescription for_a = d;
  ASSERT_TRUE(gateway::narrow_to_patient(for_a, "pa"));
  EXPECT_EQ(for_a.patients, std::vector<std::string>{"pa"});
  EXPECT_EQ(for_a.query, "");
  ASSERT_EQ(for_a.entities.size(), 2u);
  EXPECT_EQ(for_a.entities[0].reference, "Observation/oa/_history/1");
  EXPECT_EQ(for_a.entities[1].reference, "Group/g/_history/1");
  EXPECT_EQ(for_a.entities[1].patients, std::vector<std::string>{"pa"});
  consent::AuditDescription for_c = d;
  EXPECT_FALSE(gateway::narrow_to_patient(for_c, "pc"));
}

}  // namespace
}  // namespace carebridge::test
