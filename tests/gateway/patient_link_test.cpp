// One patient across source systems (issue 9), through the real server:
// Patient records of the same person sent by two EHRs are linked on ingest
// (by a shared strong identifier, or by demographics above the link
// threshold; weaker matches are queued for review), shown as Patient.link
// (seealso) on every path out without new versions, never naming a linked
// record the requester may not see; a Consent about one record governs the
// linked records; Patient/$everything spans them; Patient/$match scores
// candidates; `carebridge patients link|unlink` count in the running
// server. Data: the consent scenarios' Synthea patient A (Ebony DuBuque),
// as the general hospital sends her, and as other systems render her.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fhir/json/parse.hpp"
#include "fhir/json/value.hpp"
#include "fhir/json/write.hpp"
#include "fhir/store/store.hpp"
#include "gateway/app/runtime.hpp"
#include "gateway/config/settings.hpp"
#include "mappers/identity/matching_rules.hpp"
#include "tests/gateway/consent/scenario_data.hpp"
#include "tests/support/audit_events.hpp"
#include "tests/support/bundle_builder.hpp"
#include "tests/support/server_process.hpp"

namespace carebridge::test::scenario {
namespace {

using fhir::json::Value;

// Patient A as other systems hold her (kPatientA is the general hospital's).
// A second EHR: same demographics, written its own way. Its id sorts
// before the hospital's, so the person is named by it (ConsentIndex person
// keys) and her consents, about the hospital's record, are filed under it.
const std::string kA2 = "c2-ebony";
const std::string kMoved = "ehr3-ebony";    // she married and moved: linked only by her SSN
// Her twin sister: same family name and birth date. Her id sorts first, so
// an answer in id order is not in score order.
const std::string kTwin = "b4-marisol";
const std::string kEncounterA2 = "ehr2-enc-1";
const std::string kConditionA2 = "ehr2-cond-1";
constexpr std::string_view kMatchGrade = "http://hl7.org/fhir/StructureDefinition/match-grade";

Value str(std::string s) { return Value::make_string(std::move(s)); }

Value patient_a() {
  auto bundle = fhir::json::parse(scenario_file("synthea-a-hospital.json"));
  EXPECT_TRUE(bundle.ok());
  if (!bundle.ok()) return {};
  for (const auto& e : bundle->find("entry")->items())
    if (const Value* r = e.find("resource"); r != nullptr && r->string_at("resourceType") == "Patient") return *r;
  ADD_FAILURE() << "no Patient in synthea-a-hospital.json";
  return {};
}

Value identifier(const std::string& system, const std::string& value) {
  Value i = Value::make_object();
  i.set("system", str(system));
  i.set("value", str(value));
  return i;
}

Value one(Value v) {
  Value a = Value::make_array();
  a.push_back(std::move(v));
  return a;
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// Patient A as a second EHR sends her: its own id and MRN, no SSN, names
// in capitals plus a nickname, the phone and address typed its own way.
Value second_ehr_rendering(const std::string& id) {
  Value p = patient_a();
  p.set("id", str(id));
  p.set("identifier", one(identifier("urn:oid:2.16.840.1.113883.3.9999.2", "MRN0417")));
  Value& names = *p.find("name");
  for (auto& n : names.items()) {
    n.set("family", str(upper(n.find("family")->text())));
    for (auto& g : n.find("given")->items()) g = str(upper(g.text()));
  }
  Value nickname = Value::make_object();
  nickname.set("use", str("nickname"));
  nickname.set("given", one(str("Eb")));
  names.push_back(std::move(nickname));
  p.find("telecom")->items()[0].set("value", str("(555) 868-9576"));
  p.find("address")->items()[0].set("line", one(str("115 STOLTENBERG ROW UNIT 59")));
  return p;
}

// Patient A after she married and moved: another family name, address and
// phone; ssn: her SSN as this system keeps it ("" for none).
Value moved_rendering(const std::string& id, const std::string& ssn) {
  Value p = patient_a();
  p.set("id", str(id));
  Value ids = one(identifier("urn:oid:2.16.840.1.113883.3.9999.3", "P-77120"));
  if (!ssn.empty()) ids.push_back(identifier("http://hl7.org/fhir/sid/us-ssn", ssn));
  p.set("identifier", std::move(ids));
  p.find("name")->items()[0].set("family", str("Marsh"));
  p.find("telecom")->items()[0].set("value", str("518-555-0101"));
  Value& address = p.find("address")->items()[0];
  address.set("line", one(str("9 Elm Street")));
  address.set("city", str("Albany"));
  address.set("postalCode", str("12207"));
  return p;
}

// Her twin: the same family name, birth date and gender, another given
// name, no address or phone on file.
Value twin_rendering(const std::string& id) {
  Value p = patient_a();
  p.set("id", str(id));
  p.set("identifier", one(identifier("urn:oid:2.16.840.1.113883.3.9999.2", "MRN0418")));
  p.find("name")->items()[0].set("given", one(str("Marisol")));
  p.erase("telecom");
  p.erase("address");
  return p;
}

// The references of a Patient's seealso links.
std::set<std::string> seealso(const Value& patient) {
  std::set<std::string> out;
  if (const Value* links = patient.find("link"))
    for (const auto& l : links->items()) {
      EXPECT_EQ(l.string_at("type"), "seealso") << fhir::json::write(l);
      if (const Value* other = l.find("other")) out.insert(std::string(other->string_at("reference")));
    }
  return out;
}

// Every Patient in a Bundle, by id.
std::map<std::string, Value> patients_in(const Value& bundle) {
  std::map<std::string, Value> out;
  if (const Value* entries = bundle.find("entry"))
    for (const auto& e : entries->items())
      if (const Value* r = e.find("resource"); r != nullptr && r->string_at("resourceType") == "Patient")
        out.emplace(std::string(r->string_at("id")), *r);
  return out;
}

std::set<std::string> refs(std::initializer_list<std::string> ids) {
  std::set<std::string> out;
  for (const auto& id : ids) out.insert("Patient/" + id);
  return out;
}

std::string condition_of(const std::string& id, const std::string& patient) {
  return R"({"resourceType":"Condition","id":")" + id + R"(","clinicalStatus":{"coding":[{"system":)"
         R"("http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"code":{"coding":[{)"
         R"("system":"http://snomed.info/sct","code":"124171000119105","display":"Chronic intractable migraine"}]},)"
         R"("subject":{"reference":"Patient/)" +
         patient + R"("}})";
}

std::string encounter_of(const std::string& id, const std::string& patient) {
  return R"({"resourceType":"Encounter","id":")" + id + R"(","status":"finished","class":{"system":)"
         R"("http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"subject":{"reference":"Patient/)" +
         patient + R"("}})";
}

// The Part 2 program's SUD visit of patient A (synthea-a-part2.json),
// filed under another record of hers: ids and the patient rewritten.
std::string part2_visit_of(const std::string& patient) {
  std::string text = scenario_file("synthea-a-part2.json");
  for (const std::string& id : {kSudEncounterA, kSudConditionA, kSudNoteA, kPatientA}) {
    const std::string to = id == kPatientA ? patient : id + "-2";
    for (auto at = text.find(id); at != std::string::npos; at = text.find(id, at + to.size()))
      text.replace(at, id.size(), to);
  }
  return text;
}

std::string parameters(const Value& patient, std::optional<bool> only_certain = std::nullopt,
                       std::optional<int> count = std::nullopt) {
  Value params = Value::make_array();
  Value resource = Value::make_object();
  resource.set("name", str("resource"));
  resource.set("resource", patient);
  params.push_back(std::move(resource));
  if (only_certain) {
    Value p = Value::make_object();
    p.set("name", str("onlyCertainMatches"));
    p.set("valueBoolean", Value::make_bool(*only_certain));
    params.push_back(std::move(p));
  }
  if (count) {
    Value p = Value::make_object();
    p.set("name", str("count"));
    p.set("valueInteger", Value::make_number(std::to_string(*count)));
    params.push_back(std::move(p));
  }
  Value out = Value::make_object();
  out.set("resourceType", str("Parameters"));
  out.set("parameter", std::move(params));
  return fhir::json::write(out);
}

struct Scored {
  std::string id;
  double score = 0;
  std::string grade;
  std::string mode;
};

std::vector<Scored> scored(const Value& bundle) {
  std::vector<Scored> out;
  if (const Value* entries = bundle.find("entry"))
    for (const auto& e : entries->items()) {
      const Value* r = e.find("resource");
      const Value* s = e.find("search");
      if (r == nullptr || s == nullptr || r->string_at("resourceType") != "Patient") continue;
      Scored x;
      x.id = std::string(r->string_at("id"));
      x.mode = std::string(s->string_at("mode"));
      if (const Value* score = s->find("score")) x.score = std::strtod(score->text().c_str(), nullptr);
      if (const Value* ext = s->find("extension"))
        for (const auto& ex : ext->items())
          if (ex.string_at("url") == kMatchGrade) x.grade = std::string(ex.string_at("valueCode"));
      out.push_back(std::move(x));
    }
  return out;
}

class PatientLinkTest : public ConsentScenarioTest {
 protected:
  TestClient second_ehr() {
    TestClientSpec spec;
    spec.id = "second-ehr";
    spec.role = "source";
    spec.organization = "Organization/second-ehr";
    return client_for(spec);
  }

  void put_patient(const TestClient& source, const Value& patient, int status = 201) {
    const std::string id(patient.string_at("id"));
    auto r = source.put("Patient/" + id, fhir::json::write(patient));
    ASSERT_EQ(r.status, status) << r.body;
  }

  std::vector<fhir::store::PatientLink> rows(const std::string& state = {}) {
    fhir::store::PatientLinkQuery q;
    q.state = state;
    auto links = gateway_->runtime().app().store->list_patient_links(q);
    EXPECT_TRUE(links.ok());
    return links.ok() ? *links : std::vector<fhir::store::PatientLink>{};
  }

  std::optional<fhir::store::PatientLink> row(const std::string& a, const std::string& b) {
    for (auto& l : rows())
      if ((l.a == a && l.b == b) || (l.a == b && l.b == a)) return l;
    return std::nullopt;
  }

  // `carebridge patients SUB --db <this store> --a a --b b`; exit code.
  int cli(const std::string& sub, const std::string& a, const std::string& b) {
    std::string out;
    const std::string db = (dir_.path() / "store.db").string();
    const int code = run_binary({"patients", sub, "--db", db, "--a", a, "--b", b, "--by", "ann"}, &out);
    EXPECT_EQ(code, 0) << out;
    return code;
  }

  Value read(const TestClient& c, const std::string& path, long status = 200) {
    auto r = c.get(path);
    EXPECT_EQ(r.status, status) << path << ": " << r.body;
    if (r.status != 200) return {};
    return r.json();
  }
};

TEST_F(PatientLinkTest, TwoEhrsSendingOnePersonAreLinkedByDemographicsWithoutNewVersions) {
  put_patient(second_ehr(), second_ehr_rendering(kA2));
  auto l = row(kPatientA, kA2);
  ASSERT_TRUE(l) << "no link row";
  EXPECT_EQ(l->state, "linked");
  EXPECT_EQ(l->decided_by, "auto");
  EXPECT_EQ(l->grade, "certain");
  EXPECT_GE(l->score, 0.95);
  EXPECT_EQ(l->rules_version, gateway_->runtime().app().write.matching->version());
  auto evidence = fhir::json::parse(l->evidence);
  ASSERT_TRUE(evidence.ok()) << l->evidence;
  EXPECT_EQ(evidence->string_at("outcome"), "link");
  EXPECT_NE(l->evidence.find(R"("field":"phone","level":"agree")"), std::string::npos) << l->evidence;
  EXPECT_NE(l->evidence.find(R"("field":"birth_date","level":"agree")"), std::string::npos) << l->evidence;
  // Patient B (another person) and f001 are linked to nobody.
  EXPECT_EQ(rows().size(), 1u);

  // Neither source's record got a new version: the link is not in them.
  for (const auto& id : {kPatientA, kA2}) {
    auto history = read(client(), "Patient/" + id + "/_history");
    EXPECT_EQ(total_of(history), "1") << id;
    auto head = read(client(), "Patient/" + id);
    EXPECT_EQ(head.find("meta")->string_at("versionId"), "1");
  }
  // The same record sent again is matched again, and the unchanged
  // decision is not written again (the link generation stays).
  auto& store = *gateway_->runtime().app().store;
  const auto generation = store.read_meta(fhir::store::kPatientLinkGenerationMeta);
  ASSERT_TRUE(generation.ok() && generation->has_value());
  put_patient(second_ehr(), second_ehr_rendering(kA2), 200);
  EXPECT_EQ(store.read_meta(fhir::store::kPatientLinkGenerationMeta).value(), *generation);
  EXPECT_EQ(row(kPatientA, kA2)->state, "linked");
}

TEST_F(PatientLinkTest, PatientLinkIsShownOnEveryPathOut) {
  put_patient(second_ehr(), second_ehr_rendering(kA2));
  ASSERT_EQ(second_ehr().put("Encounter/" + kEncounterA2, encounter_of(kEncounterA2, kA2)).status, 201);
  auto c = partner(kOrgF001, "TREAT");
  const auto to_a2 = refs({kA2});
  const auto to_a = refs({kPatientA});
  {
    SCOPED_TRACE("read");
    EXPECT_EQ(seealso(read(c, "Patient/" + kPatientA)), to_a2);
    EXPECT_EQ(seealso(read(c, "Patient/" + kA2)), to_a);
  }
  {
    SCOPED_TRACE("vread");
    EXPECT_EQ(seealso(read(c, "Patient/" + kPatientA + "/_history/1")), to_a2);
  }
  {
    SCOPED_TRACE("history");
    auto page = read(c, "Patient/" + kPatientA + "/_history");
    EXPECT_EQ(seealso(patients_in(page)[kPatientA]), to_a2);
  }
  {
    SCOPED_TRACE("search");
    auto page = read(c, "Patient?birthdate=1967-01-04");
    auto found = patients_in(page);
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(seealso(found[kPatientA]), to_a2);
    EXPECT_EQ(seealso(found[kA2]), to_a);
  }
  {
    SCOPED_TRACE("include");
    auto page = read(c, "Encounter?_id=" + kEncounterA2 + "&_include=Encounter:subject");
    EXPECT_EQ(seealso(patients_in(page)[kA2]), to_a);
  }
  {
    SCOPED_TRACE("$everything");
    auto page = read(c, "Patient/" + kPatientA + "/$everything");
    auto found = patients_in(page);
    EXPECT_EQ(seealso(found[kPatientA]), to_a2);
    EXPECT_EQ(seealso(found[kA2]), to_a);
  }
  {
    SCOPED_TRACE("batch GET");
    auto r = c.post("", BundleBuilder("batch").get("Patient/" + kPatientA).get("Patient?_id=" + kA2).json());
    ASSERT_EQ(r.status, 200) << r.body;
    Value b = r.json();
    const auto& entries = b.find("entry")->items();
    ASSERT_EQ(entries.size(), 2u);
    ASSERT_NE(entries[0].find("resource"), nullptr) << r.body;
    EXPECT_EQ(seealso(*entries[0].find("resource")), to_a2);
    ASSERT_NE(entries[1].find("resource"), nullptr) << r.body;
    EXPECT_EQ(seealso(patients_in(*entries[1].find("resource"))[kA2]), to_a);
  }
  {
    SCOPED_TRACE("a record linked to nothing has no link");
    EXPECT_EQ(read(c, "Patient/" + kPatientB).find("link"), nullptr);
  }
}

TEST_F(PatientLinkTest, AStrongIdentifierLinksWhereTheDemographicsAloneDoNot) {
  // Married and moved, and this system keeps no SSN: name, birth date and
  // gender agree, address and phone do not. Below review: no row.
  put_patient(second_ehr(), moved_rendering(kMoved, ""));
  EXPECT_FALSE(row(kPatientA, kMoved));
  EXPECT_EQ(read(client(), "Patient/" + kPatientA).find("link"), nullptr);

  // Its next version carries her SSN (formatted as the hospital's): the
  // update is matched again and linked by the shared identifier.
  put_patient(second_ehr(), moved_rendering(kMoved, "999-90-9512"), 200);
  auto l = row(kPatientA, kMoved);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->state, "linked");
  EXPECT_EQ(l->grade, "certain");
  EXPECT_DOUBLE_EQ(l->score, 1.0);
  EXPECT_NE(l->evidence.find(R"("field":"identifier:ssn","level":"agree")"), std::string::npos) << l->evidence;
  EXPECT_EQ(seealso(read(partner(kOrgF001, "TREAT"), "Patient/" + kPatientA)), refs({kMoved}));

  // A conflicting SSN (another person's) is never a link: the automatic
  // row goes, and so does Patient.link.
  put_patient(second_ehr(), moved_rendering(kMoved, "999-90-9513"), 200);
  EXPECT_FALSE(row(kPatientA, kMoved));
  EXPECT_EQ(read(partner(kOrgF001, "TREAT"), "Patient/" + kPatientA).find("link"), nullptr);
}

TEST_F(PatientLinkTest, AWeakerMatchIsQueuedForReviewAndNeverLinked) {
  put_patient(second_ehr(), twin_rendering(kTwin));
  ASSERT_EQ(second_ehr().put("Condition/" + kConditionA2, condition_of(kConditionA2, kTwin)).status, 201);
  auto l = row(kPatientA, kTwin);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->state, "review");
  EXPECT_EQ(l->decided_by, "auto");
  EXPECT_EQ(l->grade, "possible");
  EXPECT_GE(l->score, 0.5);
  EXPECT_LT(l->score, 0.95);
  EXPECT_TRUE(rows("linked").empty());
  auto c = partner(kOrgF001, "TREAT");
  EXPECT_EQ(read(c, "Patient/" + kPatientA).find("link"), nullptr);
  EXPECT_EQ(read(c, "Patient/" + kTwin).find("link"), nullptr);
  auto everything = c.get("Patient/" + kPatientA + "/$everything");
  ASSERT_EQ(everything.status, 200);
  EXPECT_FALSE(mentions(everything, kTwin)) << everything.body;
  EXPECT_FALSE(mentions(everything, kConditionA2)) << everything.body;
}

TEST_F(PatientLinkTest, APersonsRejectionIsNeverUndoneByMatching) {
  put_patient(second_ehr(), second_ehr_rendering(kA2));
  ASSERT_TRUE(row(kPatientA, kA2));
  ASSERT_EQ(cli("unlink", kA2, kPatientA), 0);
  auto l = row(kPatientA, kA2);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->state, "rejected");
  EXPECT_EQ(l->decided_by, "manual:ann");
  auto c = partner(kOrgF001, "TREAT");
  EXPECT_EQ(read(c, "Patient/" + kPatientA).find("link"), nullptr);

  // The second EHR updates her record: matching would link it again, and
  // does not.
  Value updated = second_ehr_rendering(kA2);
  updated.set("active", Value::make_bool(true));
  put_patient(second_ehr(), updated, 200);
  l = row(kPatientA, kA2);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->state, "rejected");
  EXPECT_EQ(l->decided_by, "manual:ann");
  EXPECT_EQ(read(c, "Patient/" + kPatientA).find("link"), nullptr);
  EXPECT_EQ(read(c, "Patient/" + kA2).find("link"), nullptr);
}

TEST_F(PatientLinkTest, ADeletedRecordLosesItsAutomaticLinks) {
  put_patient(second_ehr(), second_ehr_rendering(kA2));
  ASSERT_TRUE(row(kPatientA, kA2));
  const auto deleted = second_ehr().del("Patient/" + kA2);
  ASSERT_TRUE(deleted.status == 200 || deleted.status == 204) << deleted.body;
  EXPECT_FALSE(row(kPatientA, kA2));
  EXPECT_EQ(read(partner(kOrgF001, "TREAT"), "Patient/" + kPatientA).find("link"), nullptr);
}

TEST_F(PatientLinkTest, ALinkedRecordTheRequesterMayNotSeeIsNeverNamed) {
  // Her record at the Part 2 program: a Part 2 record itself.
  put_patient(part2_program(), second_ehr_rendering(kA2));
  auto l = row(kPatientA, kA2);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->state, "linked");
  // A partner without her consent: not a trace of the other record.
  auto f002 = partner(kOrgF002, "TREAT");
  for (const std::string& path :
       {"Patient/" + kPatientA, "Patient/" + kPatientA + "/_history", std::string("Patient?birthdate=1967-01-04"),
        "Patient/" + kPatientA + "/$everything", std::string("Patient?_id=") + kPatientA}) {
    SCOPED_TRACE(path);
    auto r = f002.get(path);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(mentions(r, kA2)) << r.body;
  }
  auto batch = f002.post("", BundleBuilder("batch").get("Patient/" + kPatientA).json());
  EXPECT_FALSE(mentions(batch, kA2)) << batch.body;
  expect_like_missing(f002.get("Patient/" + kA2), f002.get("Patient/never-written-0000"), kA2);
  // The custodian sees both.
  EXPECT_EQ(seealso(read(client(), "Patient/" + kPatientA)), refs({kA2}));
  // Her consent about the hospital's record opens the Part 2 program's
  // record of her to Organization/f001: now it is named there.
  auto f001 = partner(kOrgF001, "TREAT");
  EXPECT_EQ(read(f001, "Patient/" + kPatientA).find("link"), nullptr);
  put_consent_file("consent-a-part2-f001.json");
  EXPECT_EQ(seealso(read(f001, "Patient/" + kPatientA)), refs({kA2}));
  EXPECT_FALSE(mentions(f002.get("Patient/" + kPatientA), kA2));
}

TEST_F(PatientLinkTest, ADenyOnOneRecordWithholdsTheLinkedRecordsDataUntilUnlinked) {
  put_patient(second_ehr(), second_ehr_rendering(kA2));
  ASSERT_EQ(second_ehr().put("Condition/" + kConditionA2, condition_of(kConditionA2, kA2)).status, 201);
  auto f002 = partner(kOrgF002, "TREAT");
  auto f001 = partner(kOrgF001, "TREAT");
  expect_disclosed(f002, "Condition", kConditionA2, kA2);

  // Her consent names the hospital's record only.
  put_consent_file("consent-a-deny-f002.json");
  expect_withheld(f002, "Condition", kConditionA2, kA2);
  expect_withheld(f002, "Patient", kA2, kA2);
  expect_disclosed(f001, "Condition", kConditionA2, kA2);

  // A person decides the two are not the same patient: the consent
  // governs the hospital's record alone again.
  ASSERT_EQ(cli("unlink", kPatientA, kA2), 0);
  expect_disclosed(f002, "Condition", kConditionA2, kA2);
  EXPECT_EQ(f002.get("Patient/" + kPatientA).status, 404);
}

TEST_F(PatientLinkTest, APart2ConsentOnOneRecordOpensTheLinkedRecordsPart2Data) {
  put_patient(part2_program(), second_ehr_rendering(kA2));
  auto visit = part2_program().post("", part2_visit_of(kA2));
  ASSERT_EQ(visit.status, 200) << visit.body.substr(0, 2000);
  const std::string sud = kSudConditionA + "-2";
  auto f001 = partner(kOrgF001, "TREAT");
  auto f002 = partner(kOrgF002, "TREAT");
  EXPECT_EQ(f001.get("Condition/" + sud).status, 404);

  // Her consent about the hospital's record, to f001 for treatment.
  put_consent_file("consent-a-part2-f001.json");
  expect_disclosed(f001, "Condition", sud, kA2);
  expect_withheld(f002, "Condition", sud, kA2);
  // Her whole record, from either id, spans both sources.
  auto everything = read(f001, "Patient/" + kPatientA + "/$everything");
  EXPECT_TRUE(entry_refs(everything).count("Condition/" + sud));
  EXPECT_TRUE(entry_refs(everything).count("Condition/" + kMigraineA));

  ASSERT_EQ(cli("unlink", kPatientA, kA2), 0);
  expect_withheld(f001, "Condition", sud, kA2);
}

TEST_F(PatientLinkTest, EverythingSpansTheLinkedRecordsFromEitherId) {
  put_patient(second_ehr(), second_ehr_rendering(kA2));
  ASSERT_EQ(second_ehr().put("Condition/" + kConditionA2, condition_of(kConditionA2, kA2)).status, 201);
  auto c = partner(kOrgF001, "TREAT");
  for (const auto& id : {kPatientA, kA2}) {
    SCOPED_TRACE(id);
    auto page = read(c, "Patient/" + id + "/$everything");
    const auto found = entry_refs(page);
    for (const std::string& ref : {"Patient/" + kPatientA, "Patient/" + kA2, "Condition/" + kConditionA2,
                                   "Condition/" + kMigraineA, "Encounter/" + kEncounterA})
      EXPECT_TRUE(found.count(ref)) << ref << "\n" << fhir::json::write(page);
    EXPECT_FALSE(found.count("Patient/" + kPatientB));
  }
  // A compartment search is one record's (R4 CompartmentDefinition).
  auto own = read(c, "Patient/" + kPatientA + "/Condition");
  EXPECT_FALSE(entry_refs(own).count("Condition/" + kConditionA2));
}

TEST_F(PatientLinkTest, MatchScoresCandidatesBestFirstAndWritesNothing) {
  put_patient(second_ehr(), second_ehr_rendering(kA2));
  put_patient(second_ehr(), twin_rendering(kTwin));
  const auto links_before = rows();
  auto c = partner(kOrgF001, "TREAT");
  const std::string history_before = total_of(read(client(), "_history"));
  const std::size_t audit_before = audit_events_of(*gateway_, "partner-f001-TREAT").size();

  // Her as a third system would ask: its own rendering, no id of ours.
  const Value asked = second_ehr_rendering("query");
  auto r = c.post("Patient/$match", parameters(asked));
  ASSERT_EQ(r.status, 200) << r.body;
  Value bundle = r.json();
  EXPECT_EQ(bundle.string_at("type"), "searchset");
  auto list = scored(bundle);
  ASSERT_EQ(list.size(), 3u) << r.body;
  for (std::size_t i = 0; i + 1 < list.size(); ++i) EXPECT_GE(list[i].score, list[i + 1].score) << r.body;
  std::set<std::string> certain;
  for (const auto& s : list) {
    EXPECT_EQ(s.mode, "match");
    if (s.grade == "certain") certain.insert(s.id);
  }
  EXPECT_EQ(certain, (std::set<std::string>{kPatientA, kA2}));
  EXPECT_EQ(list.back().id, kTwin);
  EXPECT_EQ(list.back().grade, "possible");
  EXPECT_LT(list.back().score, list.front().score);
  EXPECT_EQ(total_of(bundle), "3");
  // The linked records name each other there too.
  EXPECT_EQ(seealso(patients_in(bundle)[kPatientA]), refs({kA2}));

  {
    SCOPED_TRACE("count");
    auto one_only = c.post("Patient/$match", parameters(asked, std::nullopt, 1));
    ASSERT_EQ(one_only.status, 200) << one_only.body;
    auto top = scored(one_only.json());
    ASSERT_EQ(top.size(), 1u);
    EXPECT_EQ(top[0].grade, "certain");
  }
  {
    SCOPED_TRACE("onlyCertainMatches: the two records of one person");
    auto sure = c.post("Patient/$match", parameters(asked, true));
    ASSERT_EQ(sure.status, 200) << sure.body;
    std::set<std::string> ids;
    for (const auto& s : scored(sure.json())) ids.insert(s.id);
    EXPECT_EQ(ids, (std::set<std::string>{kPatientA, kA2}));
  }
  {
    SCOPED_TRACE("the twin asks: name, birth date and gender alone are never certain");
    auto all = c.post("Patient/$match", parameters(twin_rendering("query")));
    ASSERT_EQ(all.status, 200) << all.body;
    auto found = scored(all.json());
    ASSERT_FALSE(found.empty()) << all.body;
    EXPECT_EQ(found.front().id, kTwin);
    EXPECT_EQ(found.front().grade, "possible");
    auto sure = c.post("Patient/$match", parameters(twin_rendering("query"), true));
    ASSERT_EQ(sure.status, 200) << sure.body;
    EXPECT_TRUE(scored(sure.json()).empty()) << sure.body;
  }
  // Nothing was written: no rows, no versions; each call was audited.
  EXPECT_EQ(rows().size(), links_before.size());
  EXPECT_EQ(total_of(read(client(), "_history")), history_before);
  EXPECT_EQ(audit_events_of(*gateway_, "partner-f001-TREAT").size(), audit_before + 5);
}

TEST_F(PatientLinkTest, MatchNeverConsidersPatientsTheRequesterMayNotSee) {
  put_patient(part2_program(), second_ehr_rendering(kA2));
  const std::string body = parameters(second_ehr_rendering("query"));
  auto f002 = partner(kOrgF002, "TREAT");
  auto r = f002.post("Patient/$match", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(mentions(r, kA2)) << r.body;
  auto list = scored(r.json());
  ASSERT_EQ(list.size(), 1u) << r.body;
  EXPECT_EQ(list[0].id, kPatientA);
  // With her consent, f001 gets both.
  put_consent_file("consent-a-part2-f001.json");
  auto f001 = partner(kOrgF001, "TREAT");
  auto opened = f001.post("Patient/$match", body);
  ASSERT_EQ(opened.status, 200) << opened.body;
  EXPECT_EQ(scored(opened.json()).size(), 2u) << opened.body;
}

TEST_F(PatientLinkTest, MatchRefusesWhatIsNotItsInput) {
  auto c = partner(kOrgF001, "TREAT");
  const Value asked = second_ehr_rendering("query");
  Value observation = Value::make_object();
  observation.set("resourceType", str("Observation"));
  Value wrong_resource = fhir::json::parse(parameters(asked)).value();
  wrong_resource.find("parameter")->items()[0].set("resource", observation);
  struct Case {
    std::string body;
    std::string expression;
  };
  const std::vector<Case> bad = {
      {R"({"resourceType":"Bundle"})", ""},
      {R"({"resourceType":"Parameters","parameter":[]})", "Parameters.parameter"},
      {fhir::json::write(wrong_resource), "Parameters.parameter.resource"},
      {parameters(asked, std::nullopt, 0), "Parameters.parameter.valueInteger"},
      {R"({"resourceType":"Parameters","parameter":[{"name":"onlyCertainMatches","valueString":"yes"}]})",
       "Parameters.parameter.valueBoolean"},
      {R"({"resourceType":"Parameters","parameter":[{"name":"limit","valueInteger":2}]})", "Parameters.parameter"},
  };
  for (const auto& b : bad) {
    SCOPED_TRACE(b.body);
    auto r = c.post("Patient/$match", b.body);
    EXPECT_EQ(r.status, 400) << r.body;
    Value oo = r.json();
    ASSERT_NE(oo.find("issue"), nullptr) << r.body;
    const Value& issue = oo.find("issue")->items()[0];
    EXPECT_EQ(issue.string_at("severity"), "error");
    if (!b.expression.empty()) {
      const Value* expr = issue.find("expression");
      ASSERT_NE(expr, nullptr) << r.body;
      EXPECT_EQ(expr->items()[0].text(), b.expression);
    }
  }
  EXPECT_EQ(c.post("Patient/$match", "not json").status, 400);
  EXPECT_EQ(c.post("Observation/$match", parameters(asked)).status, 404);
  EXPECT_EQ(c.get("Patient/$match").status, 405);
  // The Patient alone as the body is taken as the resource parameter.
  EXPECT_EQ(c.post("Patient/$match", fhir::json::write(asked)).status, 200);
  // It searches Patients: a token that may not is refused.
  auto observations_only = client_as("partner", "system/Observation.rs");
  EXPECT_EQ(observations_only.post("Patient/$match", parameters(asked)).status, 403);
}

TEST_F(PatientLinkTest, TheCapabilityStatementListsMatch) {
  auto r = anonymous().get("metadata");
  ASSERT_EQ(r.status, 200);
  Value cs = r.json();
  std::string definition;
  for (const auto& res : cs.find("rest")->items()[0].find("resource")->items()) {
    if (res.string_at("type") != "Patient") continue;
    if (const Value* ops = res.find("operation"))
      for (const auto& op : ops->items())
        if (op.string_at("name") == "match") definition = std::string(op.string_at("definition"));
  }
  EXPECT_EQ(definition, "http://hl7.org/fhir/OperationDefinition/Patient-match");
}

TEST_F(PatientLinkTest, CliLinkAndUnlinkCountInTheRunningServer) {
  put_patient(second_ehr(), twin_rendering(kTwin));
  ASSERT_EQ(second_ehr().put("Condition/" + kConditionA2, condition_of(kConditionA2, kTwin)).status, 201);
  ASSERT_TRUE(row(kPatientA, kTwin));
  ASSERT_EQ(row(kPatientA, kTwin)->state, "review");
  auto c = partner(kOrgF001, "TREAT");
  EXPECT_EQ(read(c, "Patient/" + kPatientA).find("link"), nullptr);

  // A person reviews the pair and links it: the server shows it at once.
  ASSERT_EQ(cli("link", kTwin, kPatientA), 0);
  EXPECT_EQ(row(kPatientA, kTwin)->decided_by, "manual:ann");
  EXPECT_EQ(seealso(read(c, "Patient/" + kPatientA)), refs({kTwin}));
  EXPECT_TRUE(entry_refs(read(c, "Patient/" + kPatientA + "/$everything")).count("Condition/" + kConditionA2));

  ASSERT_EQ(cli("unlink", kTwin, kPatientA), 0);
  EXPECT_EQ(read(c, "Patient/" + kPatientA).find("link"), nullptr);
  EXPECT_FALSE(entry_refs(read(c, "Patient/" + kPatientA + "/$everything")).count("Condition/" + kConditionA2));
}

// Without the change follower (it polls once an hour here), only what a
// write does before it is acknowledged counts.
class PatientLinkBeforeAckTest : public PatientLinkTest {
 protected:
  void configure(gateway::Settings& s) override { s.change_poll_ms = 60 * 60 * 1000; }
};

TEST_F(PatientLinkBeforeAckTest, ALinkCountsFromTheVeryNextRequest) {
  put_consent_file("consent-a-deny-f002.json");
  put_patient(second_ehr(), second_ehr_rendering(kA2));
  ASSERT_EQ(second_ehr().put("Condition/" + kConditionA2, condition_of(kConditionA2, kA2)).status, 201);
  // The link the write made decides the very next requests.
  EXPECT_EQ(partner(kOrgF002, "TREAT").get("Condition/" + kConditionA2).status, 404);
  EXPECT_EQ(seealso(read(partner(kOrgF001, "TREAT"), "Patient/" + kPatientA)), refs({kA2}));
  // So does a version that moves the record out of the person.
  put_patient(second_ehr(), twin_rendering(kA2), 200);
  EXPECT_EQ(partner(kOrgF002, "TREAT").get("Condition/" + kConditionA2).status, 200);
  EXPECT_EQ(read(partner(kOrgF001, "TREAT"), "Patient/" + kPatientA).find("link"), nullptr);
}

}  // namespace
}  // namespace carebridge::test::scenario
