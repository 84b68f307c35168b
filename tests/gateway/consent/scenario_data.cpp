#include "tests/gateway/consent/scenario_data.hpp"

#include <gtest/gtest.h>

#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "tests/support/bundle_builder.hpp"
#include "tests/support/fixture_paths.hpp"

namespace carebridge::test::scenario {
namespace {

using fhir::json::Value;

// An id no test ever writes: what "missing" looks like.
constexpr std::string_view kNeverWritten = "never-written-0000";

Value first_issue(const HttpResult& r) {
  Value oo = r.json();
  const Value* issues = oo.find("issue");
  if (issues == nullptr || issues->items().empty()) return {};
  return issues->items()[0];
}

std::string client_id(std::string role, const std::string& organization, const std::string& purpose) {
  std::string id = role + "-" + organization.substr(organization.find('/') + 1) + "-" + purpose;
  return id;
}

bool is_patient(const std::string& type) { return type == "Patient"; }

// The searches that reach `type/id` other than by _id.
std::string patient_search(const std::string& type, const std::string& patient) {
  return is_patient(type) ? "Patient?_id=" + patient : type + "?patient=" + patient;
}

}  // namespace

std::string scenario_file(const std::string& name) {
  return read_file(fixtures_dir() + "/consent-scenarios/" + name);
}

std::string r4_example(const std::string& name) { return read_file(fixtures_dir() + "/r4-examples/" + name + ".json"); }

std::set<std::string> entry_refs(const Value& bundle) {
  std::set<std::string> out;
  const Value* entries = bundle.find("entry");
  if (entries == nullptr) return out;
  for (const auto& e : entries->items()) {
    const Value* r = e.find("resource");
    if (r == nullptr || r->string_at("resourceType") == "OperationOutcome") continue;
    out.insert(std::string(r->string_at("resourceType")) + "/" + std::string(r->string_at("id")));
  }
  return out;
}

std::string total_of(const Value& bundle) {
  const Value* t = bundle.find("total");
  return t != nullptr ? t->text() : std::string();
}

std::string link_of(const Value& bundle, std::string_view relation) {
  if (const Value* links = bundle.find("link"))
    for (const auto& l : links->items())
      if (l.string_at("relation") == relation) return std::string(l.string_at("url"));
  return {};
}

namespace {
// Bundle links echo the client's own query (self, next): not a disclosure.
void drop_links(Value& v) {
  if (v.is_object()) {
    auto& m = v.members();
    std::erase_if(m, [](const Value::Member& kv) { return kv.first == "link"; });
    for (auto& kv : m) drop_links(kv.second);
  } else if (v.is_array()) {
    for (auto& item : v.items()) drop_links(item);
  }
}
}  // namespace

bool has_label(const fhir::json::Value& resource, std::string_view code) {
  const fhir::json::Value* meta = resource.find("meta");
  const fhir::json::Value* sec = meta ? meta->find("security") : nullptr;
  if (sec == nullptr) return false;
  for (const auto& c : sec->items())
    if (c.string_at("code") == code) return true;
  return false;
}

bool mentions(const HttpResult& r, std::string_view id) {
  auto v = fhir::json::parse(r.body);
  if (!v) return r.body.find(id) != std::string::npos;
  drop_links(*v);
  return fhir::json::write(*v).find(id) != std::string::npos;
}

void expect_like_missing(const HttpResult& withheld, const HttpResult& missing, std::string_view id) {
  EXPECT_EQ(withheld.status, missing.status) << withheld.body;
  EXPECT_EQ(withheld.header("content-type"), missing.header("content-type"));
  EXPECT_FALSE(mentions(withheld, id)) << withheld.body;
  Value w = first_issue(withheld), m = first_issue(missing);
  EXPECT_EQ(w.string_at("severity"), m.string_at("severity")) << withheld.body;
  EXPECT_EQ(w.string_at("code"), m.string_at("code")) << withheld.body;
  EXPECT_EQ(w.string_at("diagnostics"), m.string_at("diagnostics")) << withheld.body << "\nvs\n" << missing.body;
  // Nothing else in the body may differ either (ids of the outcome aside).
  std::string wb = withheld.body, mb = missing.body;
  EXPECT_EQ(wb.size(), mb.size()) << wb << "\nvs\n" << mb;
}

void expect_withheld(const TestClient& c, const std::string& type, const std::string& id, const std::string& patient) {
  const std::string ref = type + "/" + id;
  const std::string missing = type + "/" + std::string(kNeverWritten);
  {
    SCOPED_TRACE("read " + ref);
    expect_like_missing(c.get(ref), c.get(missing), id);
  }
  {
    SCOPED_TRACE("vread " + ref);
    expect_like_missing(c.get(ref + "/_history/1"), c.get(missing + "/_history/1"), id);
  }
  {
    SCOPED_TRACE("instance history " + ref);
    expect_like_missing(c.get(ref + "/_history"), c.get(missing + "/_history"), id);
  }
  for (const std::string& q : {type + "?_id=" + id, patient_search(type, patient), type + "?_id=" + id + "&_total=accurate",
                               type + "/_history", std::string("_history"), "Patient/" + patient + "/$everything"}) {
    SCOPED_TRACE(q);
    auto r = c.get(q);
    EXPECT_TRUE(r.status == 200 || (r.status == 404 && q.find("$everything") != std::string::npos)) << r.body;
    // A short id ("f001") is also another type's id: then the entries decide.
    if (id.size() >= 16) {
      EXPECT_FALSE(mentions(r, id)) << r.body;
    }
    if (r.status == 200) {
      EXPECT_FALSE(entry_refs(r.json()).count(ref)) << r.body;
    }
    if (r.status == 200 && q.rfind(type + "?_id=", 0) == 0) {
      EXPECT_EQ(total_of(r.json()), "0") << r.body;
    }
  }
  {
    SCOPED_TRACE("_summary=count");
    auto r = c.get(type + "?_id=" + id + "&_summary=count");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(total_of(r.json()), "0") << r.body;
  }
  if (!is_patient(type)) {
    SCOPED_TRACE("_revinclude and _has");
    auto rev = c.get("Patient?_id=" + patient + "&_revinclude=" + type + ":patient");
    EXPECT_FALSE(mentions(rev, id)) << rev.body;
    auto has = c.get("Patient?_id=" + patient + "&_has:" + type + ":patient:_id=" + id);
    EXPECT_EQ(has.status, 200) << has.body;
    EXPECT_EQ(total_of(has.json()), "0") << has.body;
  }
  {
    SCOPED_TRACE("batch GET " + ref);
    auto b = BundleBuilder("batch").get(ref).get(missing).get(type + "?_id=" + id).json();
    auto r = c.post("", b);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(mentions(r, id)) << r.body;
    Value v = r.json();
    const auto& entries = v.find("entry")->items();
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].find("response")->string_at("status"), entries[1].find("response")->string_at("status"));
    EXPECT_EQ(entries[0].find("response")->string_at("status").substr(0, 3), "404");
    const Value* o0 = entries[0].find("response")->find("outcome");
    const Value* o1 = entries[1].find("response")->find("outcome");
    EXPECT_EQ(o0 == nullptr, o1 == nullptr);
    if (o0 != nullptr && o1 != nullptr) {
      // The messages name the entry ("Bundle.entry[0]: ..."), nothing else.
      std::string w = fhir::json::write(*o0), m = fhir::json::write(*o1);
      for (auto* text : {&w, &m})
        for (const char* index : {"entry[0]", "entry[1]"})
          for (auto at = text->find(index); at != std::string::npos; at = text->find(index)) text->replace(at, 8, "entry[n]");
      EXPECT_EQ(w, m);
    }
    if (const Value* res = entries[2].find("resource")) {
      EXPECT_EQ(total_of(*res), "0");
    }
  }
}

void expect_disclosed(const TestClient& c, const std::string& type, const std::string& id,
                      const std::string& patient) {
  const std::string ref = type + "/" + id;
  for (const std::string& q : {ref, ref + "/_history/1", ref + "/_history", type + "?_id=" + id,
                               patient_search(type, patient), type + "/_history", std::string("_history"),
                               "Patient/" + patient + "/$everything"}) {
    SCOPED_TRACE(q);
    auto r = c.get(q);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(mentions(r, id)) << r.body;
    if (q.find('?') != std::string::npos || q.find("_history") != std::string::npos) {
      // Bundles: the resource itself is an entry.
      if (q != ref + "/_history/1") {
        EXPECT_TRUE(entry_refs(r.json()).count(ref)) << r.body;
      }
    }
    if (q.rfind(type + "?_id=", 0) == 0) {
      EXPECT_EQ(total_of(r.json()), "1") << r.body;
    }
  }
  {
    SCOPED_TRACE("_summary=count");
    auto r = c.get(type + "?_id=" + id + "&_summary=count");
    EXPECT_EQ(total_of(r.json()), "1") << r.body;
  }
  if (!is_patient(type)) {
    SCOPED_TRACE("_revinclude and _has");
    auto rev = c.get("Patient?_id=" + patient + "&_revinclude=" + type + ":patient");
    EXPECT_TRUE(entry_refs(rev.json()).count(ref)) << rev.body;
    auto has = c.get("Patient?_id=" + patient + "&_has:" + type + ":patient:_id=" + id);
    EXPECT_EQ(total_of(has.json()), "1") << has.body;
  }
  {
    SCOPED_TRACE("batch GET " + ref);
    auto r = c.post("", BundleBuilder("batch").get(ref).get(type + "?_id=" + id).json());
    ASSERT_EQ(r.status, 200) << r.body;
    Value v = r.json();
    const auto& entries = v.find("entry")->items();
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].find("response")->string_at("status").substr(0, 3), "200") << r.body;
    const Value* res = entries[0].find("resource");
    ASSERT_NE(res, nullptr) << r.body;
    EXPECT_EQ(res->string_at("id"), id);
    const Value* found = entries[1].find("resource");
    ASSERT_NE(found, nullptr) << r.body;
    EXPECT_TRUE(entry_refs(*found).count(ref)) << r.body;
  }
}

void ConsentScenarioTest::SetUp() {
  GatewayTest::SetUp();
  for (const char* org : {"Organization-f001", "Organization-f002"}) {
    auto r = client().put(std::string("Organization/") + (std::string(org).substr(13)), r4_example(org));
    ASSERT_TRUE(r.status == 201 || r.status == 200) << org << ": " << r.body;
  }
  for (const char* name : {"synthea-a-hospital.json", "synthea-b-hospital.json"}) {
    auto r = hospital().post("", scenario_file(name));
    ASSERT_EQ(r.status, 200) << name << ": " << r.body.substr(0, 2000);
  }
  auto p2 = part2_program().post("", scenario_file("synthea-a-part2.json"));
  ASSERT_EQ(p2.status, 200) << p2.body.substr(0, 2000);
  for (const char* name : {"Patient-f001", "Encounter-f001", "Condition-f001"}) {
    std::string n(name);
    const auto dash = n.find('-');
    auto r = hospital().put(n.substr(0, dash) + "/" + n.substr(dash + 1), r4_example(n));
    ASSERT_EQ(r.status, 201) << name << ": " << r.body;
  }
}

TestClient ConsentScenarioTest::partner(const std::string& organization, const std::string& purpose,
                                        const std::string& role) {
  TestClientSpec spec;
  spec.id = client_id(role, organization, purpose);
  spec.role = role;
  spec.organization = organization;
  spec.purpose = purpose;
  return client_for(spec);
}

TestClient ConsentScenarioTest::compliance() { return partner("Organization/privacy-office", "HOPERAT", "compliance"); }

TestClient ConsentScenarioTest::hospital() {
  TestClientSpec spec;
  spec.id = "general-hospital";
  spec.role = "source";
  spec.organization = "Organization/general-hospital";
  return client_for(spec);
}

TestClient ConsentScenarioTest::part2_program() {
  TestClientSpec spec;
  spec.id = "recovery-program";
  spec.role = "source";
  spec.organization = "Organization/recovery-program";
  spec.part2_program = true;
  return client_for(spec);
}

void ConsentScenarioTest::put_consent_file(const std::string& name) { put_consent_json(scenario_file(name)); }

void ConsentScenarioTest::put_consent_json(const std::string& json) {
  auto v = fhir::json::parse(json);
  ASSERT_TRUE(v.ok());
  std::string id(v->string_at("id"));
  auto r = client().put("Consent/" + id, json);
  ASSERT_TRUE(r.status == 200 || r.status == 201) << id << ": " << r.body;
}

}  // namespace carebridge::test::scenario
