// The measurement-based-care registry through the real server:
// GET /$registry (the population) and GET /Group/{id}/$registry (a
// caseload) as Parameters and as CSV with the issue's exact columns; rows
// from Observations and from QuestionnaireResponses the gateway scored;
// paging; the quality measures; and the same consent enforcement as a
// search (a partner's registry rests only on what it may see).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <string>
#include <vector>

#include "fhir/json/value.hpp"
#include "tests/gateway/care/care_data.hpp"
#include "tests/support/audit_events.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;
using namespace care;

constexpr std::string_view kHeader =
    "patient,instrument,baseline_score,baseline_date,latest_score,latest_date,change_percent,weeks_in_treatment,"
    "response,remission,not_improving,open_flags,last_contact,next_appointment";

// One registry row: part name -> its value as text (repeated parts joined by ';').
using Row = std::map<std::string, std::string>;

std::string value_text(const Value& part) {
  for (const auto& m : part.members()) {
    if (m.first == "valueReference") return std::string(m.second.string_at("reference"));
    if (m.first.rfind("value", 0) == 0) {
      if (m.second.is_bool()) return m.second.as_bool() ? "true" : "false";
      return m.second.text();
    }
  }
  return {};
}

std::vector<Row> rows_of(const Value& parameters) {
  std::vector<Row> out;
  for (const auto& p : parameters.find("parameter")->items()) {
    if (p.string_at("name") != "row") continue;
    Row row;
    for (const auto& part : p.find("part")->items()) {
      std::string& v = row[std::string(part.string_at("name"))];
      v += (v.empty() ? "" : ";") + value_text(part);
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::string total_of(const Value& parameters) {
  for (const auto& p : parameters.find("parameter")->items())
    if (p.string_at("name") == "total") return p.find("valueInteger")->text();
  return {};
}

std::vector<std::string> lines(const std::string& csv) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < csv.size()) {
    std::size_t end = csv.find("\r\n", pos);
    if (end == std::string::npos) end = csv.size();
    out.push_back(csv.substr(pos, end - pos));
    pos = end + 2;
  }
  return out;
}

class CareRegistryTest : public GatewayTest {
 protected:
  void configure(gateway::Settings& s) override { s.flag_sweep_seconds = 0; }

  void SetUp() override {
    GatewayTest::SetUp();
    ehr_ = std::make_unique<TestClient>(client_for({.id = "primary-care", .role = "source",
                                                    .organization = "Organization/primary-care"}));
    // Data up to the end of April 2025, the registry read on 1 May.
    clock_.set_ms(ms("2025-05-01"));
    put("Patient/resp", named_patient("resp", "Responds"));
    put("Observation/r1", phq9("r1", "resp", 18, "2025-02-03"));
    put("Observation/r2", phq9("r2", "resp", 12, "2025-03-03"));
    put("Observation/r3", phq9("r3", "resp", 8, "2025-03-31"));
    put("Observation/r4", phq9("r4", "resp", 4, "2025-04-28"));
    put("Appointment/ra", appointment("ra", "resp", "booked", "2025-05-12T10:00:00Z"));
    put("Patient/stall", named_patient("stall", "Stalls"));
    put("Observation/s1", phq9("s1", "stall", 18, "2025-02-03"));
    put("Observation/s2", phq9("s2", "stall", 17, "2025-03-03"));
    put("Observation/s3", phq9("s3", "stall", 16, "2025-03-31"));
    put("Observation/s4", phq9("s4", "stall", 16, "2025-04-28"));
  }

  void put(const std::string& path, const std::string& body, const TestClient* as = nullptr) {
    auto r = (as ? *as : *ehr_).put(path, body);
    ASSERT_TRUE(r.status == 200 || r.status == 201) << path << ": " << r.body;
  }

  std::vector<Row> registry(const std::string& path, const TestClient* as = nullptr) {
    auto r = (as ? *as : client()).get(path);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    const Value parameters = r.json();
    EXPECT_EQ(parameters.string_at("resourceType"), "Parameters");
    return rows_of(parameters);
  }

  std::unique_ptr<TestClient> ehr_;
};

TEST_F(CareRegistryTest, ARespondingAndAStalledSeriesAsRows) {
  auto rows = registry("$registry");
  ASSERT_EQ(rows.size(), 2u);
  const Row& resp = rows[0];
  EXPECT_EQ(resp.at("patient"), "Patient/resp");
  EXPECT_EQ(resp.at("instrument"), "phq-9");
  EXPECT_EQ(resp.at("baseline_score"), "18");
  EXPECT_EQ(resp.at("baseline_date"), "2025-02-03");
  EXPECT_EQ(resp.at("latest_score"), "4");
  EXPECT_EQ(resp.at("latest_date"), "2025-04-28");
  EXPECT_EQ(resp.at("change_percent"), "-77.8");
  EXPECT_EQ(resp.at("weeks_in_treatment"), "12");  // 3 February to 1 May: 87 days
  EXPECT_EQ(resp.at("response"), "true");
  EXPECT_EQ(resp.at("remission"), "true");
  EXPECT_EQ(resp.at("not_improving"), "false");
  EXPECT_EQ(resp.count("open_flag"), 0u);
  EXPECT_EQ(resp.at("last_contact"), "2025-04-28");
  EXPECT_EQ(resp.at("next_appointment"), "2025-05-12");

  const Row& stall = rows[1];
  EXPECT_EQ(stall.at("patient"), "Patient/stall");
  EXPECT_EQ(stall.at("change_percent"), "-11.1");
  EXPECT_EQ(stall.at("response"), "false");
  EXPECT_EQ(stall.at("remission"), "false");
  EXPECT_EQ(stall.at("not_improving"), "true");
  EXPECT_EQ(stall.at("open_flag"), "not-improving");
  EXPECT_EQ(stall.count("next_appointment"), 0u);
}

TEST_F(CareRegistryTest, TheCsvHasExactlyTheIssuesColumns) {
  auto r = client().get("$registry?_format=csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/csv; charset=utf-8");
  auto l = lines(r.body);
  ASSERT_EQ(l.size(), 3u) << r.body;
  EXPECT_EQ(l[0], kHeader);
  EXPECT_EQ(l[1], "resp,phq-9,18,2025-02-03,4,2025-04-28,-77.8,12,true,true,false,,2025-04-28,2025-05-12");
  EXPECT_EQ(l[2], "stall,phq-9,18,2025-02-03,16,2025-04-28,-11.1,12,false,false,true,not-improving,2025-04-28,");
  // Accept: text/csv asks for the same.
  auto by_accept = client().get("$registry", {{"Accept", "text/csv"}});
  ASSERT_EQ(by_accept.status, 200);
  EXPECT_EQ(by_accept.body, r.body);
}

// A score the gateway derived from a QuestionnaireResponse counts like a
// reported one, with the same total.
TEST_F(CareRegistryTest, AScoredQuestionnaireResponseIsARowLikeAnObservation) {
  put("Patient/qr", named_patient("qr", "Answers"));
  put("QuestionnaireResponse/q1", phq9_response("q1", "qr", "2025-04-01T10:00:00Z"));
  put("Patient/obs", named_patient("obs", "Reports"));
  put("Observation/o1", phq9("o1", "obs", 12, "2025-04-01T10:00:00Z"));
  auto rows = registry("$registry");
  ASSERT_EQ(rows.size(), 4u);
  const Row& from_obs = rows[0];
  const Row& from_qr = rows[1];
  EXPECT_EQ(from_qr.at("patient"), "Patient/qr");
  EXPECT_EQ(from_obs.at("patient"), "Patient/obs");
  EXPECT_EQ(from_qr.at("latest_score"), "12");
  EXPECT_EQ(from_qr.at("latest_score"), from_obs.at("latest_score"));
  EXPECT_EQ(from_qr.at("latest_date"), from_obs.at("latest_date"));
  // Both forms of one score (an EHR sending the response and its total)
  // count once.
  put("Observation/o2", phq9("o2", "qr", 12, "2025-04-01T10:00:00Z"));
  auto again = registry("$registry");
  ASSERT_EQ(again.size(), 4u);
  EXPECT_EQ(again[1].at("baseline_date"), "2025-04-01");
  EXPECT_EQ(again[1].at("weeks_in_treatment"), "4");
}

// Two EHRs send the same (Synthea) patient under their own ids: the
// gateway links the records, and the registry has one row for the person,
// its series made of both records' scores; a flag raised on the series is
// kept on each record.
TEST_F(CareRegistryTest, OnePersonSentByTwoEhrsIsOneRow) {
  auto hospital = client_for({.id = "hospital", .role = "source", .organization = "Organization/hospital"});
  put("Patient/a-1", synthea_patient("a-1"));
  put("Patient/b-1", synthea_patient("b-1"), &hospital);
  put("Observation/a-s1", phq9("a-s1", "a-1", 20, "2025-02-03"));
  put("Observation/b-s2", phq9("b-s2", "b-1", 19, "2025-04-28"), &hospital);
  auto rows = registry("$registry");
  ASSERT_EQ(rows.size(), 3u);
  const Row& person = rows[0];
  EXPECT_EQ(person.at("patient"), "Patient/a-1");
  EXPECT_EQ(person.at("baseline_score"), "20");
  EXPECT_EQ(person.at("latest_score"), "19");
  EXPECT_EQ(person.at("not_improving"), "true");
  EXPECT_EQ(person.at("open_flag"), "not-improving");
  auto flags = client().get("Flag?subject=Patient/b-1");
  ASSERT_EQ(flags.status, 200);
  EXPECT_EQ(flag_codes(resources_of(flags.json(), "Flag"), "active"), std::vector<std::string>{"not-improving"});
  // A caseload naming the other record gets the same row, under its name.
  put("Group/team-b", group("team-b", {"b-1"}));
  auto caseload = registry("Group/team-b/$registry");
  ASSERT_EQ(caseload.size(), 1u);
  EXPECT_EQ(caseload[0].at("patient"), "Patient/b-1");
  EXPECT_EQ(caseload[0].at("baseline_score"), "20");
}

TEST_F(CareRegistryTest, ACaseloadIsAGroupsMembersPageByPage) {
  put("Patient/third", named_patient("third", "Third"));
  put("Group/caseload", group("caseload", {"stall", "third", "resp"}));
  auto all = client().get("Group/caseload/$registry");
  ASSERT_EQ(all.status, 200) << all.body;
  const Value parameters = all.json();
  EXPECT_EQ(total_of(parameters), "3");
  auto rows = rows_of(parameters);
  ASSERT_EQ(rows.size(), 3u);
  // The Group's order; a member with no scores has one row, no instrument.
  EXPECT_EQ(rows[0].at("patient"), "Patient/stall");
  EXPECT_EQ(rows[1].at("patient"), "Patient/third");
  EXPECT_EQ(rows[1].count("instrument"), 0u);
  EXPECT_EQ(rows[1].at("response"), "false");
  EXPECT_EQ(rows[2].at("patient"), "Patient/resp");
  // The whole caseload carries its quality measures; a page does not.
  bool measures = false;
  for (const auto& p : parameters.find("parameter")->items()) measures = measures || p.string_at("name") == "measure";
  EXPECT_TRUE(measures);
  auto page = client().get("Group/caseload/$registry?_count=1&_offset=1");
  ASSERT_EQ(page.status, 200) << page.body;
  const Value page_params = page.json();
  EXPECT_EQ(total_of(page_params), "3");
  auto page_rows = rows_of(page_params);
  ASSERT_EQ(page_rows.size(), 1u);
  EXPECT_EQ(page_rows[0].at("patient"), "Patient/third");
  for (const auto& p : page_params.find("parameter")->items()) EXPECT_NE(p.string_at("name"), "measure");
}

TEST_F(CareRegistryTest, ResponseAndRemissionRatesAmongTheMeasures) {
  auto r = client().get("$registry");
  ASSERT_EQ(r.status, 200);
  const Value parameters = r.json();
  std::map<std::string, std::pair<std::string, std::string>> measures;  // code -> numerator, denominator
  for (const auto& p : parameters.find("parameter")->items()) {
    if (p.string_at("name") != "measure") continue;
    std::string code, num, den;
    for (const auto& part : p.find("part")->items()) {
      if (part.string_at("name") == "code") code = value_text(part);
      if (part.string_at("name") == "numerator") num = value_text(part);
      if (part.string_at("name") == "denominator") den = value_text(part);
    }
    measures[code] = {num, den};
  }
  // Both baselines were 87 days ago: both count at 30 and 60 days; at 60
  // days (4 April) resp's latest was 8 (a 56% drop), stall's 16.
  ASSERT_TRUE(measures.count("response-60"));
  EXPECT_EQ(measures["response-60"], (std::pair<std::string, std::string>{"1", "2"}));
  EXPECT_EQ(measures["remission-60"], (std::pair<std::string, std::string>{"0", "2"}));
  EXPECT_EQ(measures["response-90"].second, "0");  // nobody 90 days in yet
  ASSERT_TRUE(measures.count("no-show-rate"));
}

// The registry passes the same consent enforcement as a search: a
// partner's rows rest only on data it may see. A Part 2 program's score
// neither moves the partner's row nor raises a flag it sees, and a Patient
// it may not see has no row at all.
TEST_F(CareRegistryTest, APartnersRegistryRestsOnlyOnWhatItMaySee) {
  auto program = client_for({.id = "recovery", .role = "source", .organization = "Organization/recovery-program",
                             .part2_program = true});
  put("QuestionnaireResponse/p2", phq9_response("p2", "resp", "2025-04-30T10:00:00Z", "LA6571-9"), &program);
  put("Patient/hidden", named_patient("hidden", "Hidden"), &program);
  put("Observation/h1", phq9("h1", "hidden", 20, "2025-04-01"), &program);

  auto admin_rows = registry("$registry");
  ASSERT_EQ(admin_rows.size(), 3u);
  EXPECT_EQ(admin_rows[1].at("patient"), "Patient/resp");
  EXPECT_EQ(admin_rows[1].at("latest_date"), "2025-04-30");
  // 15 twelve weeks after 18 is not improving, too.
  EXPECT_EQ(admin_rows[1].at("open_flag"), "not-improving;safety-item");

  auto partner = client_for({.id = "harbor", .role = "care-manager", .organization = "Organization/harbor"});
  auto rows = registry("$registry", &partner);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("patient"), "Patient/resp");
  EXPECT_EQ(rows[0].at("latest_date"), "2025-04-28");
  EXPECT_EQ(rows[0].at("latest_score"), "4");
  EXPECT_EQ(rows[0].count("open_flag"), 0u);
  EXPECT_EQ(rows[1].at("patient"), "Patient/stall");
  // The CSV says the same, and nothing of the hidden patient.
  auto csv = partner.get("$registry?_format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.find("hidden"), std::string::npos);
  EXPECT_EQ(csv.body.find("safety-item"), std::string::npos);
  // A caseload naming the hidden patient: its row is left out, not shown empty.
  put("Group/mixed", group("mixed", {"hidden", "resp"}));
  auto caseload = partner.get("Group/mixed/$registry");
  ASSERT_EQ(caseload.status, 200);
  const Value params = caseload.json();
  EXPECT_EQ(total_of(params), "1");
  ASSERT_EQ(rows_of(params).size(), 1u);
  EXPECT_EQ(caseload.body.find("hidden"), std::string::npos);
}

TEST_F(CareRegistryTest, EachRegistryReadIsAuditedAsADisclosureOfItsPatients) {
  auto partner = client_for({.id = "harbor", .role = "care-manager", .organization = "Organization/harbor"});
  ASSERT_EQ(partner.get("$registry").status, 200);
  auto compliance = client_as("compliance");
  clock_.advance_ms(1000);  // the accounting runs to now, exclusive
  auto accounting = compliance.get("Patient/resp/$disclosures?_format=csv");
  ASSERT_EQ(accounting.status, 200) << accounting.body;
  EXPECT_NE(accounting.body.find("Organization/harbor (harbor)"), std::string::npos) << accounting.body;
  EXPECT_NE(accounting.body.find("Patient/resp/_history/1"), std::string::npos) << accounting.body;
}

// A store whose care facts are missing or were made under other rules
// (here: wiped, as a store from before the care model is) has them made
// again at start, before the gateway serves from it.
TEST_F(CareRegistryTest, CareFactsAreRebuiltAtStartWhenTheirStampDiffers) {
  client_.reset();
  gateway_.reset();
  const std::string db = (dir_.path() / "store.db").string();
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "DELETE FROM care_fact; DELETE FROM store_meta WHERE key = 'care_facts'", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  gateway::Settings s;
  s.listen = "127.0.0.1:0";
  s.db_path = db;
  s.share_dir = share_dir();
  configure(s);
  gateway_ = std::make_unique<RunningGateway>(s, &clock_);
  client_ = std::make_unique<TestClient>(gateway_->base_url(), gateway_->register_and_token("admin"));
  auto rows = registry("$registry");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("latest_score"), "4");
  EXPECT_EQ(rows[1].at("not_improving"), "true");
  EXPECT_EQ(rows[1].at("open_flag"), "not-improving");
}

TEST_F(CareRegistryTest, TheCapabilityStatementNamesBothForms) {
  auto r = anonymous().get("metadata");
  ASSERT_EQ(r.status, 200);
  const Value cs = r.json();
  const Value& rest = cs.find("rest")->items()[0];
  std::vector<std::string> system_ops;
  for (const auto& op : rest.find("operation")->items()) system_ops.emplace_back(op.string_at("name"));
  EXPECT_EQ(system_ops, std::vector<std::string>{"registry"});
  bool on_group = false;
  for (const auto& res : rest.find("resource")->items()) {
    if (res.string_at("type") != "Group") continue;
    for (const auto& op : res.find("operation")->items()) on_group = on_group || op.string_at("name") == "registry";
  }
  EXPECT_TRUE(on_group);
}

TEST_F(CareRegistryTest, BadRequestsGetClearOutcomes) {
  auto unknown = client().get("$registry?patient=resp");
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_NE(unknown.body.find("patient"), std::string::npos);
  EXPECT_EQ(client().get("$registry?_count=-1").status, 400);
  EXPECT_EQ(client().get("Group/none/$registry").status, 404);
  EXPECT_EQ(client().get("Patient/resp/$registry").status, 404);
  // A token that may not search Observations may not read scores this way.
  auto narrow = client_as("partner", "system/Patient.rs");
  EXPECT_EQ(narrow.get("$registry").status, 403);
}

}  // namespace
}  // namespace carebridge::test
