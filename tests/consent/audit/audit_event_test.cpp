// The AuditEvent a request leaves: valid R4 (checked by the gateway's R4
// validator against HL7's schema) and shaped as IHE BALP says: rest type,
// the interaction as subtype, client as Source Role ID and gateway as
// Destination Role ID, patients, one entity per version with its basis,
// the query, and the privacy-disclosure subtype when data left.
#include <gtest/gtest.h>

#include <string>

#include "consent/audit/audit_event.hpp"
#include "consent/audit/audit_fields.hpp"
#include "fhir/core/base64.hpp"
#include "fhir/json/parse.hpp"
#include "profiles/type_model.hpp"
#include "profiles/validator.hpp"
#include "tests/support/fixture_paths.hpp"

namespace consent {
namespace {

using fhir::json::Value;

const profiles::TypeModel& model() {
  static const std::shared_ptr<const profiles::TypeModel> kModel = [] {
    auto m = profiles::TypeModel::load(carebridge::test::share_dir() + "/r4/fhir.schema.json");
    EXPECT_TRUE(m.ok());
    return m.ok() ? *m : nullptr;
  }();
  return *kModel;
}

Value parsed_valid(const AuditDescription& d) {
  auto v = fhir::json::parse(audit_event_json(d));
  EXPECT_TRUE(v.ok());
  auto issues = profiles::validate(model(), *v);
  for (const auto& i : issues) ADD_FAILURE() << i.expression << ": " << i.diagnostics;
  return std::move(*v);
}

AuditDescription partner_search() {
  AuditDescription d;
  d.interaction = "search-type";
  d.recorded_ms = 1735689600000;
  d.client_id = "harbor-clinic";
  d.organization = "Organization/demo-harbor";
  d.role = "partner";
  d.purpose = "TREAT";
  d.query = "Condition?patient=p1&code=F11.20";
  d.patients = {"p1"};
  d.entities = {{"Condition/c1/_history/2", "Consent/c-harbor/_history/1 provision", {"p1"}},
                {"Condition/c2/_history/1", "policy:tpo-default", {"p1"}}};
  d.disclosure = true;
  d.gateway = "https://gateway.example.org";
  return d;
}

std::vector<std::string> codes(const Value& codings) {
  std::vector<std::string> out;
  for (const auto& c : codings.items()) out.emplace_back(c.string_at("code"));
  return out;
}

TEST(AuditEventTest, ASearchRecordsEveryVersionItReturnedWithItsBasis) {
  Value ev = parsed_valid(partner_search());
  EXPECT_EQ(ev.find("type")->string_at("code"), "rest");
  EXPECT_EQ(codes(*ev.find("subtype")), (std::vector<std::string>{"search-type", "disclose"}));
  EXPECT_EQ(ev.string_at("action"), "R");
  EXPECT_EQ(ev.string_at("outcome"), "0");
  EXPECT_EQ(ev.string_at("recorded"), "2025-01-01T00:00:00.000Z");
  const auto& entities = ev.find("entity")->items();
  ASSERT_EQ(entities.size(), 4u);  // patient, two versions, the query
  EXPECT_EQ(entities[0].find("what")->string_at("reference"), "Patient/p1");
  EXPECT_EQ(entities[0].find("role")->string_at("code"), "1");
  EXPECT_EQ(entities[1].find("what")->string_at("reference"), "Condition/c1/_history/2");
  EXPECT_EQ(entities[1].find("detail")->items()[0].string_at("valueString"), "Consent/c-harbor/_history/1 provision");
  EXPECT_EQ(entities[3].find("role")->string_at("code"), "24");
  EXPECT_EQ(fhir::base64_decode(entities[3].string_at("query")).value_or(""), "Condition?patient=p1&code=F11.20");
}

TEST(AuditEventTest, AgentsFollowTheBalpConventionAndCarryThePurpose) {
  AuditDescription d = partner_search();
  d.user_id = "http://hl7.org/fhir/sid/us-npi|1234567893";
  d.user_name = "Dr. Rivera";
  Value ev = parsed_valid(d);
  const auto& agents = ev.find("agent")->items();
  ASSERT_EQ(agents.size(), 4u);
  EXPECT_EQ(agents[0].find("type")->find("coding")->items()[0].string_at("code"), "110153");  // the client
  EXPECT_FALSE(agents[0].find("requestor")->as_bool()) << "the user is the requestor";
  EXPECT_EQ(agents[1].find("who")->string_at("reference"), "Organization/demo-harbor");
  EXPECT_TRUE(agents[2].find("requestor")->as_bool());
  EXPECT_EQ(agents[2].find("purposeOfUse")->items()[0].find("coding")->items()[0].string_at("code"), "TREAT");
  EXPECT_EQ(agents[3].find("type")->find("coding")->items()[0].string_at("code"), "110152");  // the gateway
}

TEST(AuditEventTest, ADenialNamesWhatWasAskedAndWhy) {
  AuditDescription d = partner_search();
  d.interaction = "read";
  d.query = "Condition/c9";
  d.outcome = 4;
  d.outcome_text = "withheld: policy:part2-no-consent";
  d.entities = {{"Condition/c9", "policy:part2-no-consent", {}}};
  d.disclosure = false;
  Value ev = parsed_valid(d);
  EXPECT_EQ(ev.string_at("outcome"), "4");
  EXPECT_EQ(ev.string_at("outcomeDesc"), "withheld: policy:part2-no-consent");
  EXPECT_EQ(codes(*ev.find("subtype")), std::vector<std::string>{"read"});
}

TEST(AuditEventTest, BreakingTheGlassIsAPurposeOfTheEvent) {
  AuditDescription d = partner_search();
  d.purpose = "ETREAT";
  d.break_glass = true;
  Value ev = parsed_valid(d);
  std::vector<std::string> purposes;
  for (const auto& p : ev.find("purposeOfEvent")->items()) purposes.push_back(codes(*p.find("coding"))[0]);
  EXPECT_EQ(purposes, (std::vector<std::string>{"ETREAT", "BTG"}));
}

TEST(AuditEventTest, WritesAreCreateUpdateDelete) {
  for (auto [interaction, action] : {std::pair{"create", "C"}, {"update", "U"}, {"patch", "U"}, {"delete", "D"},
                                     {"transaction", "E"}, {"vread", "R"}, {"history-instance", "R"}}) {
    AuditDescription d = partner_search();
    d.interaction = interaction;
    d.disclosure = false;
    EXPECT_EQ(parsed_valid(d).string_at("action"), action) << interaction;
  }
}

TEST(AuditEventTest, TheLogRecordsEveryFactAsAField) {
  AuditDescription d = partner_search();
  AuditEntry e = audit_entry(d);
  EXPECT_EQ(e.recorded_ms, d.recorded_ms);
  auto has = [&e](std::string_view kind, std::string_view value) {
    for (const auto& f : e.fields)
      if (f.kind == kind && f.value == value) return true;
    return false;
  };
  EXPECT_TRUE(has("subtype", "search-type"));
  EXPECT_TRUE(has("subtype", "disclose"));
  EXPECT_TRUE(has("outcome", "0"));
  EXPECT_TRUE(has("agent", "harbor-clinic"));
  EXPECT_TRUE(has("organization", "Organization/demo-harbor"));
  EXPECT_TRUE(has("purpose", "TREAT"));
  EXPECT_TRUE(has("patient", "p1"));
  EXPECT_TRUE(has("entity", "Condition/c1/_history/2 p1 Consent/c-harbor/_history/1 provision"));
}

// What the log stores renders back to the event the description makes
// (entities come back sorted, as they are here).
TEST(AuditEventTest, AStoredRecordRendersTheSameEvent) {
  AuditDescription d = partner_search();
  d.user_name = "Dr.\nMallory";  // free text: the control character becomes a space
  auto fields = audit_fields(audit_entry(d));
  ASSERT_TRUE(fields.ok());
  AuditRecord r{42, d.recorded_ms, fields_text(*fields)};
  auto back = describe_record(r);
  ASSERT_TRUE(back.ok());
  d.user_name = "Dr. Mallory";
  EXPECT_EQ(audit_event_json(*back), audit_event_json(d));
  auto rendered = audit_event_json(r);
  ASSERT_TRUE(rendered.ok());
  EXPECT_EQ(*rendered, audit_event_json(d, "42"));
  EXPECT_FALSE(describe_record(AuditRecord{1, 0, "type\trest"}).ok());
  // Which patient each version is about comes back too (none: "-").
  d.entities.push_back({"Group/g1/_history/1", "policy:custodian", {}});
  d.entities[0].patients = {"p1", "p2"};
  d.patients = {"p1", "p2"};
  fields = audit_fields(audit_entry(d));
  ASSERT_TRUE(fields.ok());
  back = describe_record(AuditRecord{43, d.recorded_ms, fields_text(*fields)});
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->entities.size(), 3u);
  EXPECT_EQ(back->entities[0].patients, (std::vector<std::string>{"p1", "p2"}));
  EXPECT_EQ(back->entities[0].basis, "Consent/c-harbor/_history/1 provision");
  EXPECT_EQ(back->entities[2].reference, "Group/g1/_history/1");
  EXPECT_TRUE(back->entities[2].patients.empty());
}

TEST(AuditEventTest, BreakTheGlassKeepsTheNatureOfTheEmergency) {
  AuditDescription d = partner_search();
  d.purpose = "ETREAT";
  d.break_glass = true;
  d.emergency = "overdose in ED";
  const Value ev = parsed_valid(d);
  const auto& purposes = ev.find("purposeOfEvent")->items();
  ASSERT_EQ(purposes.size(), 2u);
  EXPECT_EQ(purposes[1].find("coding")->items()[0].string_at("code"), "BTG");
  EXPECT_EQ(purposes[1].string_at("text"), "overdose in ED");
}

}  // namespace
}  // namespace consent
