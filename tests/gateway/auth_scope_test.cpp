// SMART system scopes against every kind of request (SMART App Launch 2.0
// "Scopes for requesting FHIR resources"): r for read, vread and instance
// history; s for searches, type and system history and the criteria of
// conditional interactions; c, u, d for writes. Reaching past the route's
// own type (system search, _include, Bundle entries, conditional
// references, $everything) is narrowed to, or refused by, the same scopes.
// Real server, real SQLite file, tokens minted for registered clients.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "fhir/json/write.hpp"
#include "tests/support/bundle_builder.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/outcome_checks.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;

constexpr const char* kMrn = "http://example.org/mrn";

std::string patient(const std::string& id, const std::string& mrn) {
  return R"({"resourceType":"Patient","id":")" + id + R"(","identifier":[{"system":")" + kMrn +
         R"(","value":")" + mrn + R"("}],"active":true})";
}

std::string observation(const std::string& id, const std::string& subject, const std::string& performer = {}) {
  std::string out = R"({"resourceType":"Observation",)";
  if (!id.empty()) out += R"("id":")" + id + R"(",)";
  out += R"("status":"final","code":{"text":"x"},"subject":{"reference":")" + subject + R"("})";
  if (!performer.empty()) out += R"(,"performer":[{"reference":")" + performer + R"("}])";
  return out + "}";
}

class AuthScopeTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    // Seeded by the admin client: two patients, a practitioner, and what
    // hangs off the first patient.
    put("Patient/p1", patient("p1", "mrn-1"));
    put("Patient/p2", patient("p2", "mrn-2"));
    put("Practitioner/pr1", R"({"resourceType":"Practitioner","id":"pr1"})");
    put("Observation/o1", observation("o1", "Patient/p1", "Practitioner/pr1"));
    put("Encounter/e1", R"({"resourceType":"Encounter","id":"e1","status":"finished",)"
                        R"("class":{"code":"AMB"},"subject":{"reference":"Patient/p1"}})");
    put("Provenance/prov1", R"({"resourceType":"Provenance","id":"prov1","target":[{"reference":"Observation/o1"}],)"
                            R"("recorded":"2024-01-01T00:00:00Z","agent":[{"who":{"reference":"Practitioner/pr1"}}]})");
  }

  void put(const std::string& path, const std::string& body) {
    auto r = client().put(path, body);
    ASSERT_TRUE(r.status == 201 || r.status == 200) << path << ": " << r.body;
  }

  // A 403 OperationOutcome with IssueType forbidden, and the challenge
  // RFC 6750 §3.1 gives a token that lacks the scope a request needs.
  static void expect_forbidden(const HttpResult& r) {
    Value issue = expect_outcome(r, 403);
    EXPECT_EQ(issue.string_at("code"), "forbidden") << r.body;
    EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"CareBridge\", error=\"insufficient_scope\"");
  }

  // "Type/id" of a Bundle's entries with this search mode ("" for all).
  static std::vector<std::string> refs(const HttpResult& r, const std::string& mode = "match") {
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    Value b = r.json();
    if (const Value* entries = b.find("entry"))
      for (const auto& e : entries->items()) {
        const Value* s = e.find("search");
        if (!mode.empty() && (s == nullptr || s->string_at("mode") != mode)) continue;
        const Value* res = e.find("resource");
        out.push_back(std::string(res->string_at("resourceType")) + "/" + std::string(res->string_at("id")));
      }
    std::sort(out.begin(), out.end());
    return out;
  }

  // The diagnostics of the searchset's outcome entry (search.mode outcome).
  static std::vector<std::string> outcome_notes(const HttpResult& r) {
    std::vector<std::string> out;
    Value b = r.json();
    if (const Value* entries = b.find("entry"))
      for (const auto& e : entries->items()) {
        const Value* s = e.find("search");
        if (s == nullptr || s->string_at("mode") != "outcome") continue;
        const Value* res = e.find("resource");
        EXPECT_EQ(res->string_at("resourceType"), "OperationOutcome");
        for (const auto& issue : res->find("issue")->items()) out.emplace_back(issue.string_at("diagnostics"));
      }
    return out;
  }

  static bool mentions(const std::vector<std::string>& notes, const std::string& text) {
    return std::any_of(notes.begin(), notes.end(),
                       [&](const std::string& n) { return n.find(text) != std::string::npos; });
  }

  // Whether the store holds a current Patient with this MRN (by admin search).
  long patients_with_mrn(const std::string& mrn) {
    return static_cast<long>(refs(client().get(std::string("Patient?identifier=") + kMrn + "|" + mrn)).size());
  }
};

using Refs = std::vector<std::string>;

// --- instance level -----------------------------------------------------------

TEST_F(AuthScopeTest, ReadVreadAndInstanceHistoryNeedR) {
  TestClient c = client_as("partner", "system/Patient.rs system/Observation.s");
  EXPECT_EQ(c.get("Patient/p1").status, 200);
  EXPECT_EQ(c.get("Patient/p1/_history/1").status, 200);
  EXPECT_EQ(c.get("Patient/p1/_history").status, 200);
  // s alone is not r.
  expect_forbidden(c.get("Observation/o1"));
  expect_forbidden(c.get("Observation/o1/_history/1"));
  expect_forbidden(c.get("Observation/o1/_history"));
  // Nor does the answer depend on whether the resource exists.
  expect_forbidden(c.get("Observation/nope"));
  expect_forbidden(c.get("Encounter/e1"));
}

TEST_F(AuthScopeTest, CreateNeedsC) {
  TestClient reader = client_as("source", "system/Patient.rs");
  expect_forbidden(reader.post("Patient", patient("x", "mrn-new")));
  EXPECT_EQ(patients_with_mrn("mrn-new"), 0);
  TestClient writer = client_as("source", "system/Patient.c");
  EXPECT_EQ(writer.post("Patient", patient("x", "mrn-new")).status, 201);
  EXPECT_EQ(patients_with_mrn("mrn-new"), 1);
  // c is per type.
  expect_forbidden(writer.post("Observation", observation({}, "Patient/p1")));
}

TEST_F(AuthScopeTest, UpdateAndPatchNeedU) {
  TestClient creator = client_as("source", "system/Patient.cr");
  expect_forbidden(creator.put("Patient/p1", patient("p1", "mrn-changed")));
  expect_forbidden(creator.request("PATCH", "Patient/p1", R"([{"op":"replace","path":"/active","value":false}])",
                                   {{"Content-Type", "application/json-patch+json"}}));
  // Update-as-create is an update, not a create.
  expect_forbidden(creator.put("Patient/brand-new", patient("brand-new", "mrn-9")));
  EXPECT_EQ(client().get("Patient/p1").json().find("meta")->string_at("versionId"), "1");

  TestClient updater = client_as("source", "system/Patient.u");
  EXPECT_EQ(updater.put("Patient/p1", patient("p1", "mrn-changed")).status, 200);
  auto patched = updater.request("PATCH", "Patient/p1", R"([{"op":"replace","path":"/active","value":false}])",
                                 {{"Content-Type", "application/json-patch+json"}});
  EXPECT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(client().get("Patient/p1").json().find("meta")->string_at("versionId"), "3");
}

TEST_F(AuthScopeTest, DeleteNeedsD) {
  TestClient c = client_as("source", "system/Patient.cru");
  expect_forbidden(c.del("Patient/p2"));
  EXPECT_EQ(client().get("Patient/p2").status, 200);
  TestClient d = client_as("source", "system/Patient.d");
  EXPECT_EQ(d.del("Patient/p2").status, 204);
  EXPECT_EQ(client().get("Patient/p2").status, 410);
}

TEST_F(AuthScopeTest, ConditionalInteractionsNeedSToo) {
  const Headers if_none_exist = {{"If-None-Exist", std::string("identifier=") + kMrn + "|mrn-1"}};
  // Conditional create: c, and s for the criteria.
  TestClient c_only = client_as("source", "system/Patient.c");
  expect_forbidden(c_only.post("Patient", patient("x", "mrn-1"), if_none_exist));
  TestClient cs = client_as("source", "system/Patient.cs");
  EXPECT_EQ(cs.post("Patient", patient("x", "mrn-1"), if_none_exist).status, 200);  // matched p1
  EXPECT_EQ(patients_with_mrn("mrn-1"), 1);

  // Conditional update and delete: u or d, and s.
  const std::string criteria = std::string("Patient?identifier=") + kMrn + "|mrn-2";
  TestClient u_only = client_as("source", "system/Patient.u");
  expect_forbidden(u_only.put(criteria, patient("p2", "mrn-2")));
  TestClient us = client_as("source", "system/Patient.us");
  EXPECT_EQ(us.put(criteria, patient("p2", "mrn-2")).status, 200);
  TestClient d_only = client_as("source", "system/Patient.d");
  expect_forbidden(d_only.del(criteria));
  EXPECT_EQ(client().get("Patient/p2").status, 200);
  TestClient ds = client_as("source", "system/Patient.ds");
  EXPECT_EQ(ds.del(criteria).status, 204);
  EXPECT_EQ(client().get("Patient/p2").status, 410);
}

// --- searches -------------------------------------------------------------------

TEST_F(AuthScopeTest, TypeSearchNeedsS) {
  TestClient r_only = client_as("partner", "system/Patient.r");
  expect_forbidden(r_only.get("Patient?active=true"));
  expect_forbidden(r_only.post("Patient/_search", "active=true",
                               {{"Content-Type", "application/x-www-form-urlencoded"}}));
  expect_forbidden(r_only.get("Patient/_history"));  // type history is a search
  TestClient s = client_as("partner", "system/Patient.s");
  EXPECT_EQ(refs(s.get("Patient?active=true")), (Refs{"Patient/p1", "Patient/p2"}));
  EXPECT_EQ(s.get("Patient/_history").status, 200);
}

TEST_F(AuthScopeTest, EmptyPathSegmentsNeverStandForAnId) {
  // "Patient//_history" is not the history of a Patient with an empty id:
  // routed as an instance it would need only r, and serve what type
  // history (s) serves, every Patient's. Nor is "Patient//Observation" a
  // compartment.
  TestClient r_only = client_as("partner", "system/Patient.r");
  for (const char* path : {"Patient//_history", "Patient//Observation"}) {
    SCOPED_TRACE(path);
    auto r = r_only.get(path);
    EXPECT_NE(r.status, 200) << r.body;
    EXPECT_EQ(r.body.find("\"resourceType\":\"Patient\""), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("\"id\":\"p1\""), std::string::npos) << r.body;
  }
  // Even with s on what the compartment would search.
  auto compartment = client_as("partner", "system/Patient.r system/Observation.s").get("Patient//Observation");
  EXPECT_NE(compartment.status, 200) << compartment.body;
}

TEST_F(AuthScopeTest, CompartmentSearchNeedsSOnWhatItSearches) {
  TestClient patients = client_as("partner", "system/Patient.rs");
  expect_forbidden(patients.get("Patient/p1/Observation"));
  TestClient observations = client_as("partner", "system/Observation.s");
  EXPECT_EQ(refs(observations.get("Patient/p1/Observation")), (Refs{"Observation/o1"}));
}

TEST_F(AuthScopeTest, SystemSearchWithTypeNeedsSOnEachType) {
  TestClient c = client_as("partner", "system/Patient.rs");
  expect_forbidden(c.get("?_type=Observation"));
  expect_forbidden(c.get("?_type=Patient,Observation"));
  EXPECT_EQ(refs(c.get("?_type=Patient")), (Refs{"Patient/p1", "Patient/p2"}));
}

TEST_F(AuthScopeTest, SystemSearchWithoutTypeSearchesOnlyPermittedTypes) {
  TestClient patients = client_as("partner", "system/Patient.rs");
  EXPECT_EQ(refs(patients.get("?_lastUpdated=gt2000-01-01")), (Refs{"Patient/p1", "Patient/p2"}));
  EXPECT_EQ(refs(patients.post("_search", "_lastUpdated=gt2000-01-01",
                               {{"Content-Type", "application/x-www-form-urlencoded"}})),
            (Refs{"Patient/p1", "Patient/p2"}));
  TestClient two = client_as("partner", "system/Patient.s system/Encounter.s");
  EXPECT_EQ(refs(two.get("?_lastUpdated=gt2000-01-01")), (Refs{"Encounter/e1", "Patient/p1", "Patient/p2"}));
  // The admin, for contrast, sees everything.
  EXPECT_EQ(refs(client().get("?_lastUpdated=gt2000-01-01")).size(), 6u);
  // A token that may search nothing is refused rather than answered empty.
  TestClient none = client_as("partner", "system/Patient.r");
  expect_forbidden(none.get("?_lastUpdated=gt2000-01-01"));
}

TEST_F(AuthScopeTest, SystemHistoryNeedsSOnEveryType) {
  expect_forbidden(client_as("partner", "system/Patient.rs system/Observation.rs").get("_history"));
  EXPECT_EQ(client_as("partner", "system/*.s").get("_history").status, 200);
}

TEST_F(AuthScopeTest, IncludesOfUnreadableTypesAreLeftOutAndNamed) {
  TestClient c = client_as("partner", "system/Observation.rs system/Patient.r");
  auto r = c.get("Observation?_id=o1&_include=Observation:subject:Patient"
                 "&_include=Observation:performer:Practitioner&_revinclude=Provenance:target");
  EXPECT_EQ(refs(r), (Refs{"Observation/o1"}));
  EXPECT_EQ(refs(r, "include"), (Refs{"Patient/p1"}));
  auto notes = outcome_notes(r);
  EXPECT_TRUE(mentions(notes, "Observation:performer:Practitioner")) << r.body;
  EXPECT_TRUE(mentions(notes, "Provenance:target")) << r.body;
  EXPECT_FALSE(mentions(notes, "Observation:subject")) << r.body;

  // With the scopes, the same search includes all three.
  auto full = client().get("Observation?_id=o1&_include=Observation:subject:Patient"
                           "&_include=Observation:performer:Practitioner&_revinclude=Provenance:target");
  EXPECT_EQ(refs(full, "include"), (Refs{"Patient/p1", "Practitioner/pr1", "Provenance/prov1"}));
  EXPECT_TRUE(outcome_notes(full).empty()) << full.body;
}

TEST_F(AuthScopeTest, IncludesThatMayReachSeveralTypesKeepOnlyReadableOnes) {
  TestClient c = client_as("partner", "system/Observation.rs system/Patient.r");
  // performer may name a Patient (readable) or a Practitioner (not).
  EXPECT_EQ(refs(c.get("Observation?_id=o1&_include=Observation:performer"), "include"), Refs{});
  EXPECT_EQ(refs(c.get("Observation?_id=o1&_include=*"), "include"), (Refs{"Patient/p1"}));
  EXPECT_EQ(refs(client().get("Observation?_id=o1&_include=*"), "include"),
            (Refs{"Patient/p1", "Practitioner/pr1"}));
  // :iterate goes on only from what the first step could include: the
  // Observation is not readable here, so neither is what it refers to.
  TestClient provenance = client_as("partner", "system/Provenance.rs system/Patient.r");
  const std::string iterate = "Provenance?_id=prov1&_include=Provenance:target&_include:iterate=Observation:subject";
  EXPECT_EQ(refs(provenance.get(iterate), "include"), Refs{});
  EXPECT_EQ(refs(client().get(iterate), "include"), (Refs{"Observation/o1", "Patient/p1"}));
}

TEST_F(AuthScopeTest, EverythingReturnsOnlyReadableTypes) {
  TestClient c = client_as("partner", "system/Patient.rs system/Observation.rs");
  EXPECT_EQ(refs(c.get("Patient/p1/$everything"), ""), (Refs{"Observation/o1", "Patient/p1"}));
  EXPECT_EQ(refs(client().get("Patient/p1/$everything"), ""), (Refs{"Encounter/e1", "Observation/o1", "Patient/p1"}));
  // Naming a type it may not read is refused; the Patient itself needs r.
  expect_forbidden(c.get("Patient/p1/$everything?_type=Encounter"));
  expect_forbidden(client_as("partner", "system/Observation.rs").get("Patient/p1/$everything"));
}

// --- Bundles --------------------------------------------------------------------

TEST_F(AuthScopeTest, TransactionWithOneForbiddenEntryFailsWhole) {
  TestClient c = client_as("source", "system/Patient.c");
  BundleBuilder b("transaction");
  b.post("Patient", patient("x", "mrn-tx"), "urn:uuid:2f8a3b1e-0000-4000-8000-000000000001");
  b.post("Observation", observation({}, "urn:uuid:2f8a3b1e-0000-4000-8000-000000000001"));
  Value issue = expect_outcome(c.post("", b.json()), 403);
  EXPECT_EQ(issue.string_at("code"), "forbidden");
  EXPECT_EQ(patients_with_mrn("mrn-tx"), 0) << "nothing of the transaction was written";
  // With c on both types it goes through.
  TestClient both = client_as("source", "system/Patient.c system/Observation.c");
  EXPECT_EQ(both.post("", b.json()).status, 200);
  EXPECT_EQ(patients_with_mrn("mrn-tx"), 1);
}

TEST_F(AuthScopeTest, BatchRefusesOnlyTheForbiddenEntry) {
  TestClient c = client_as("source", "system/Patient.c");
  BundleBuilder b("batch");
  b.post("Patient", patient("x", "mrn-batch"));
  b.post("Observation", observation({}, "Patient/p1"));
  b.del("Patient/p2");
  auto r = c.post("", b.json());
  ASSERT_EQ(r.status, 200) << r.body;
  Value bundle = r.json();
  EXPECT_EQ(bundle.string_at("type"), "batch-response");
  const auto& entries = bundle.find("entry")->items();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].find("response")->string_at("status").substr(0, 3), "201");
  for (std::size_t i : {1u, 2u}) {
    const Value* response = entries[i].find("response");
    EXPECT_EQ(response->string_at("status").substr(0, 3), "403") << fhir::json::write(entries[i]);
    const Value* outcome = response->find("outcome");
    ASSERT_NE(outcome, nullptr);
    EXPECT_EQ(outcome->find("issue")->items()[0].string_at("code"), "forbidden");
  }
  EXPECT_EQ(patients_with_mrn("mrn-batch"), 1);
  EXPECT_EQ(client().get("Patient/p2").status, 200);
}

TEST_F(AuthScopeTest, GetEntriesInABatchNeedROrS) {
  TestClient c = client_as("partner", "system/Patient.rs");
  BundleBuilder b("batch");
  b.get("Patient/p1");
  b.get("Observation/o1");
  b.get("Patient?_id=p2");
  b.get("Observation?subject=Patient/p1");
  b.get("Patient/p1/_history/1");
  auto r = c.post("", b.json());
  ASSERT_EQ(r.status, 200) << r.body;
  const Value bundle = r.json();
  const auto& entries = bundle.find("entry")->items();
  ASSERT_EQ(entries.size(), 5u);
  std::vector<std::string> statuses;
  for (const auto& e : entries) statuses.push_back(std::string(e.find("response")->string_at("status").substr(0, 3)));
  EXPECT_EQ(statuses, (std::vector<std::string>{"200", "403", "200", "403", "200"})) << r.body;
  EXPECT_EQ(entries[0].find("resource")->string_at("id"), "p1");
  EXPECT_EQ(entries[1].find("resource"), nullptr) << "nothing of a forbidden read is returned";
  EXPECT_EQ(entries[3].find("resource"), nullptr);
}

TEST_F(AuthScopeTest, SearchEntriesInABatchNarrowTheirIncludes) {
  TestClient c = client_as("partner", "system/Observation.rs system/Patient.r");
  BundleBuilder b("batch");
  b.get("Observation?_id=o1&_include=Observation:subject:Patient&_include=Observation:performer:Practitioner");
  auto r = c.post("", b.json());
  ASSERT_EQ(r.status, 200) << r.body;
  const Value bundle = r.json();
  const Value& searchset = *bundle.find("entry")->items()[0].find("resource");
  std::set<std::string> types;
  for (const auto& e : searchset.find("entry")->items())
    types.insert(std::string(e.find("resource")->string_at("resourceType")));
  EXPECT_EQ(types, (std::set<std::string>{"Observation", "OperationOutcome", "Patient"})) << r.body;
}

TEST_F(AuthScopeTest, ConditionalReferencesNeedSOnTheReferencedType) {
  const std::string by_mrn = std::string("Patient?identifier=") + kMrn + "|mrn-1";
  BundleBuilder b("transaction");
  b.post("Observation", observation({}, by_mrn));
  // Observation.c, but no search on Patient: the reference would search it.
  TestClient c_only = client_as("source", "system/Observation.c");
  expect_forbidden(c_only.post("", b.json()));
  expect_forbidden(c_only.post("Observation", observation({}, by_mrn)));
  EXPECT_EQ(refs(client().get("Observation")), (Refs{"Observation/o1"})) << "nothing was written";

  TestClient cs = client_as("source", "system/Observation.c system/Patient.s");
  auto r = cs.post("", b.json(), {{"Prefer", "return=representation"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const Value bundle = r.json();
  const Value* written = bundle.find("entry")->items()[0].find("resource");
  ASSERT_NE(written, nullptr) << r.body;
  EXPECT_EQ(written->find("subject")->string_at("reference"), "Patient/p1");
}

TEST_F(AuthScopeTest, ConditionalReferencesAddedByAPatchNeedSToo) {
  // A PATCH entry's resource is only known once patched; a conditional
  // reference it brings in is resolved by a search all the same, which
  // would tell a client without search on Patient whom the criteria match.
  const std::string by_mrn = std::string("Patient?identifier=") + kMrn + "|mrn-2";
  const std::string as_object = R"([{"op":"add","path":"/subject","value":{"reference":")" + by_mrn + R"("}}])";
  const std::string as_string = R"([{"op":"replace","path":"/subject/reference","value":")" + by_mrn + R"("}])";
  auto entry_status = [](const HttpResult& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    Value bundle = r.json();
    return std::string(bundle.find("entry")->items()[0].find("response")->string_at("status").substr(0, 3));
  };
  auto subject = [this] {
    Value o = client().get("Observation/o1").json();
    return std::string(o.find("subject")->string_at("reference"));
  };
  TestClient u_only = client_as("source", "system/Observation.u");
  for (const std::string& patch : {as_object, as_string}) {
    SCOPED_TRACE(patch);
    BundleBuilder b("batch");
    b.patch("Observation/o1", patch);
    EXPECT_EQ(entry_status(u_only.post("", b.json())), "403");
    EXPECT_EQ(subject(), "Patient/p1");
    // Nor can a single PATCH store the criteria for a later Bundle to resolve.
    expect_forbidden(u_only.request("PATCH", "Observation/o1", patch,
                                    {{"Content-Type", "application/json-patch+json"}}));
  }
  // Copying or moving a string into a reference: what it would search is
  // unknown until patched, so only a token that may search everything may.
  BundleBuilder copy("batch");
  copy.patch("Observation/o1", R"([{"op":"copy","from":"/code/text","path":"/subject/reference"}])");
  EXPECT_EQ(entry_status(client_as("source", "system/Observation.u system/Patient.s").post("", copy.json())), "403");

  TestClient us = client_as("source", "system/Observation.u system/Patient.s");
  BundleBuilder b("batch");
  b.patch("Observation/o1", as_object);
  EXPECT_EQ(entry_status(us.post("", b.json())), "200");
  EXPECT_EQ(subject(), "Patient/p2");
}

// A chained criterion searches its target type and _has its source type,
// so each needs s there, in a search, a Bundle's GET entry and the criteria
// of a conditional write alike; otherwise an Observation-only token could
// filter by Patient identifiers, and a Patient-only token by Observation
// codes.
TEST_F(AuthScopeTest, ChainedAndReverseChainedCriteriaNeedSOnWhatTheySearch) {
  const std::string chained = std::string("subject:Patient.identifier=") + kMrn + "|mrn-1";
  TestClient observations = client_as("source", "system/Observation.crs");
  expect_forbidden(observations.get("Observation?" + chained));
  expect_forbidden(observations.post("Observation", observation({}, "Patient/p1"), {{"If-None-Exist", chained}}));
  BundleBuilder b("batch");
  b.get("Observation?" + chained);
  auto r = observations.post("", b.json());
  ASSERT_EQ(r.status, 200) << r.body;
  Value bundle = r.json();
  EXPECT_EQ(bundle.find("entry")->items()[0].find("response")->string_at("status").substr(0, 3), "403");
  expect_forbidden(client_as("partner", "system/Patient.rs").get("Patient?_has:Observation:patient:code:text=x"));
  // With s on both types they are served.
  TestClient both = client_as("partner", "system/Observation.rs system/Patient.s");
  EXPECT_EQ(refs(both.get("Observation?" + chained)), (Refs{"Observation/o1"}));
  TestClient both2 = client_as("partner", "system/Patient.rs system/Observation.s");
  EXPECT_EQ(refs(both2.get("Patient?_has:Observation:patient:code:text=x")), (Refs{"Patient/p1"}));
}

TEST_F(AuthScopeTest, ConditionalReferencesStoredAsSentNeedSWhenAPatchResolvesThem) {
  // A single write (here an update-as-create) keeps a conditional reference
  // as sent: only a Bundle resolves them. This PATCH's values bring in
  // nothing to search, but the Bundle stores the patched resource through
  // its resolver, which would search what the stored text names on behalf
  // of this token.
  const std::string by_mrn = std::string("Patient?identifier=") + kMrn + "|mrn-2";
  ASSERT_EQ(client().put("Observation/o2", observation("o2", by_mrn)).status, 201);
  auto stored = [this] {
    Value o = client().get("Observation/o2").json();
    return std::string(o.find("subject")->string_at("reference")) + " v" +
           std::string(o.find("meta")->string_at("versionId"));
  };
  ASSERT_EQ(stored(), by_mrn + " v1") << "single writes resolve conditional references now: find another way in";
  const std::string patch = R"([{"op":"replace","path":"/status","value":"amended"}])";
  BundleBuilder tx("transaction");
  tx.patch("Observation/o2", patch);
  BundleBuilder batch("batch");
  batch.patch("Observation/o2", patch);

  TestClient u_only = client_as("source", "system/Observation.u");
  expect_forbidden(u_only.post("", tx.json()));
  auto r = u_only.post("", batch.json());
  ASSERT_EQ(r.status, 200) << r.body;
  Value bundle = r.json();
  EXPECT_EQ(bundle.find("entry")->items()[0].find("response")->string_at("status").substr(0, 3), "403") << r.body;
  EXPECT_EQ(stored(), by_mrn + " v1");

  TestClient us = client_as("source", "system/Observation.u system/Patient.s");
  ASSERT_EQ(us.post("", tx.json()).status, 200);
  EXPECT_EQ(stored(), "Patient/p2 v2");
}

TEST_F(AuthScopeTest, ChainedCriteriaOfConditionalWritesNeedSOnWhatTheyCross) {
  const std::string chained = std::string("subject:Patient.identifier=") + kMrn + "|mrn-1";
  auto version_of_o1 = [this] {
    return std::string(client().get("Observation/o1").json().find("meta")->string_at("versionId"));
  };
  TestClient without = client_as("source", "system/Observation.crus");
  expect_forbidden(without.post("Observation", observation({}, "Patient/p1"), {{"If-None-Exist", chained}}));
  expect_forbidden(without.put("Observation?" + chained, observation("o1", "Patient/p1")));
  BundleBuilder tx("transaction");
  tx.post("Observation", observation({}, "Patient/p1"), {}, chained);
  tx.put("Observation?" + chained, observation("o1", "Patient/p1"));
  expect_forbidden(without.post("", tx.json()));
  EXPECT_EQ(refs(client().get("Observation")), (Refs{"Observation/o1"})) << "nothing was created";
  EXPECT_EQ(version_of_o1(), "1") << "nor updated";

  // With s on Patient the same criteria find o1: the create matches it,
  // the updates replace it.
  TestClient with = client_as("source", "system/Observation.crus system/Patient.s");
  auto created = with.post("Observation", observation({}, "Patient/p1"), {{"If-None-Exist", chained}});
  EXPECT_EQ(created.status, 200) << created.body;
  auto updated = with.put("Observation?" + chained, observation("o1", "Patient/p1"));
  EXPECT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(version_of_o1(), "2");
  auto both = with.post("", tx.json());
  EXPECT_EQ(both.status, 200) << both.body;
  EXPECT_EQ(version_of_o1(), "3");
  EXPECT_EQ(refs(client().get("Observation")), (Refs{"Observation/o1"}));
}

TEST_F(AuthScopeTest, ReverseChainInABatchGetEntryRefusesThatEntryAlone) {
  BundleBuilder b("batch");
  b.get("Patient?_has:Observation:patient:code:text=x");
  b.get("Patient?_id=p1");
  auto statuses = [](const HttpResult& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    Value bundle = r.json();
    for (const auto& e : bundle.find("entry")->items())
      out.emplace_back(e.find("response")->string_at("status").substr(0, 3));
    return out;
  };
  auto refused = client_as("partner", "system/Patient.rs").post("", b.json());
  EXPECT_EQ(statuses(refused), (std::vector<std::string>{"403", "200"})) << refused.body;
  Value bundle = refused.json();
  const Value& first = bundle.find("entry")->items()[0];
  EXPECT_EQ(first.find("resource"), nullptr) << "nothing of a refused search is returned";
  EXPECT_EQ(first.find("response")->find("outcome")->find("issue")->items()[0].string_at("code"), "forbidden");

  auto served = client_as("partner", "system/Patient.rs system/Observation.s").post("", b.json());
  EXPECT_EQ(statuses(served), (std::vector<std::string>{"200", "200"})) << served.body;
  Value searchset = *served.json().find("entry")->items()[0].find("resource");
  ASSERT_NE(searchset.find("entry"), nullptr) << served.body;
  EXPECT_EQ(searchset.find("entry")->items()[0].find("resource")->string_at("id"), "p1");
}

// --- v1 scopes ----------------------------------------------------------------------

TEST_F(AuthScopeTest, V1ReadScopeReadsAndSearchesButDoesNotWrite) {
  TestClient c = client_as("source", "system/*.read");
  EXPECT_EQ(c.get("Patient/p1").status, 200);
  EXPECT_EQ(c.get("Observation/o1").status, 200);
  EXPECT_EQ(refs(c.get("Observation?subject=Patient/p1")), (Refs{"Observation/o1"}));
  expect_forbidden(c.post("Patient", patient("x", "mrn-v1")));
  expect_forbidden(c.put("Patient/p1", patient("p1", "mrn-1")));
  expect_forbidden(c.del("Patient/p1"));
  EXPECT_EQ(patients_with_mrn("mrn-v1"), 0);
}

TEST_F(AuthScopeTest, V1WriteScopeWritesButDoesNotRead) {
  TestClient c = client_as("source", "system/Patient.write");
  EXPECT_EQ(c.post("Patient", patient("x", "mrn-v1w")).status, 201);
  EXPECT_EQ(c.put("Patient/p2", patient("p2", "mrn-2")).status, 200);
  expect_forbidden(c.get("Patient/p1"));
  expect_forbidden(c.get("Patient"));
  EXPECT_EQ(c.del("Patient/p2").status, 204);
}

}  // namespace
}  // namespace carebridge::test
