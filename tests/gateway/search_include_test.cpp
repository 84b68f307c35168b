// What a search brings along and where it looks (R4 search.html
// "Including other resources", "Search contexts"; patient-operation-
// everything): _include with :iterate and wildcards, _revinclude, the
// search.mode of each entry, compartment search and Patient/$everything,
// over HL7's R4 examples. Expected ids were read off the example files.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/json/parse.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/search_fixture.hpp"
#include "tests/support/outcome_checks.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;
using Refs = std::vector<std::string>;

class SearchIncludeTest : public SearchFixture {
 protected:
  // Sorted "Type/id" of the entries with this search.mode.
  static Refs entries(const Value& bundle, std::string_view mode) {
    Refs out;
    if (const auto* e = bundle.find("entry"))
      for (const auto& entry : e->items()) {
        const Value* s = entry.find("search");
        EXPECT_NE(s, nullptr) << "an entry without search.mode";
        if (s == nullptr || s->string_at("mode") != mode) continue;
        const Value* r = entry.find("resource");
        out.push_back(std::string(r->string_at("resourceType")) + "/" + std::string(r->string_at("id")));
      }
    std::sort(out.begin(), out.end());
    return out;
  }
  static Refs matches(const Value& b) { return entries(b, "match"); }
  static Refs included(const Value& b) { return entries(b, "include"); }

  // Every entry's fullUrl is distinct: nothing is sent twice.
  void expect_no_repeats(const Value& b) {
    std::set<std::string> urls;
    if (const auto* e = b.find("entry"))
      for (const auto& entry : e->items()) {
        if (entry.find("search")->string_at("mode") == "outcome") continue;
        const std::string url(entry.string_at("fullUrl"));
        EXPECT_TRUE(urls.insert(url).second) << "twice: " << url;
        const Value* r = entry.find("resource");
        EXPECT_EQ(url, client().base_url() + "/" + std::string(r->string_at("resourceType")) + "/" +
                           std::string(r->string_at("id")));
      }
  }
};

// --- _include ---------------------------------------------------------------

TEST_F(SearchIncludeTest, IncludeFollowsTheNamedReference) {
  load_examples({"CarePlan-", "Goal-", "CareTeam-", "Patient-", "Encounter-", "Condition-"});
  // CarePlan/example: goal Goal/example, care team CareTeam/example,
  // subject Patient/example, encounter Encounter/home.
  auto b = search("CarePlan?_id=example&_include=CarePlan:goal");
  EXPECT_EQ(matches(b), Refs({"CarePlan/example"}));
  EXPECT_EQ(included(b), Refs({"Goal/example"}));
  EXPECT_EQ(total(b), "1");  // includes are not counted
  expect_no_repeats(b);
  // Matches come first.
  EXPECT_EQ(b.find("entry")->items()[0].find("search")->string_at("mode"), "match");

  EXPECT_EQ(included(search("CarePlan?_id=example&_include=CarePlan:subject")), Refs({"Patient/example"}));
  EXPECT_EQ(included(search("CarePlan?_id=example&_include=CarePlan:subject:Patient")), Refs({"Patient/example"}));
  EXPECT_EQ(included(search("CarePlan?_id=example&_include=CarePlan:subject:Group")), Refs({}));
  // Two at once; a contained goal ("#goal", CarePlan/f001) includes nothing.
  EXPECT_EQ(included(search("CarePlan?_id=example,f001&_include=CarePlan:goal&_include=CarePlan:condition")),
            Refs({"Condition/f201", "Goal/example"}));
  // A reference to something not stored includes nothing (CarePlan/gpvisit: Patient/100).
  EXPECT_EQ(included(search("CarePlan?_id=gpvisit&_include=CarePlan:subject")), Refs({}));
  // Another type's parameter does not apply to the matches.
  EXPECT_EQ(included(search("CarePlan?_id=example&_include=Goal:subject")), Refs({}));
  // Shared targets once: f001, f002 and f003 all address Condition/f201.
  auto shared = search("CarePlan?_id=f001,f002,f003&_include=CarePlan:condition&_include=CarePlan:subject");
  EXPECT_EQ(matches(shared), Refs({"CarePlan/f001", "CarePlan/f002", "CarePlan/f003"}));
  EXPECT_EQ(included(shared), Refs({"Condition/f201", "Patient/f001"}));
  expect_no_repeats(shared);
}

TEST_F(SearchIncludeTest, IterateFollowsIncludedResourcesToo) {
  load_examples({"CarePlan-", "Goal-", "CareTeam-", "Patient-", "Encounter-", "Practitioner-"});
  // Without :iterate, Goal:subject applies to matches only: none are Goals.
  EXPECT_EQ(included(search("CarePlan?_id=example&_include=CarePlan:goal&_include=Goal:subject")),
            Refs({"Goal/example"}));
  EXPECT_EQ(included(search("CarePlan?_id=example&_include=CarePlan:goal&_include:iterate=Goal:subject")),
            Refs({"Goal/example", "Patient/example"}));
  // Two steps: CarePlan -> Encounter/home -> its subject.
  EXPECT_EQ(included(search("CarePlan?_id=example&_include=CarePlan:encounter&_include:iterate=Encounter:subject")),
            Refs({"Encounter/home", "Patient/example"}));
}

TEST_F(SearchIncludeTest, WildcardIncludesEveryReference) {
  load_examples({"CarePlan-", "Goal-", "CareTeam-", "Patient-", "Encounter-", "Condition-"});
  const Refs every = {"CareTeam/example", "Encounter/home", "Goal/example", "Patient/example"};
  EXPECT_EQ(included(search("CarePlan?_id=example&_include=CarePlan:*")), every);
  EXPECT_EQ(included(search("CarePlan?_id=example&_include=*")), every);
  auto b = search("CarePlan?_id=example&_include=*");
  expect_no_repeats(b);  // Patient/example is both subject and performer
  EXPECT_EQ(included(search("CarePlan?_id=example&_include=Goal:*")), Refs({}));
}

// --- _revinclude --------------------------------------------------------------

TEST_F(SearchIncludeTest, RevincludeBringsWhatRefersToTheMatches) {
  load_examples({"Patient-", "Observation-", "CarePlan-", "Encounter-"});
  auto b = search("Patient?_id=f001&_revinclude=Observation:subject");
  EXPECT_EQ(matches(b), Refs({"Patient/f001"}));
  EXPECT_EQ(included(b), Refs({"Observation/ekg", "Observation/f001", "Observation/f002", "Observation/f003",
                               "Observation/f004", "Observation/f005", "Observation/unsat"}));
  EXPECT_EQ(total(b), "1");
  EXPECT_EQ(included(search("Patient?_id=pat2&_revinclude=Observation:patient")),
            Refs({"Observation/bmd", "Observation/date-lastmp"}));
  EXPECT_EQ(included(search("Patient?_id=pat1&_revinclude=Observation:subject")), Refs({}));
  // Patient/pat1 links to pat2: a revinclude of the searched type itself.
  EXPECT_EQ(included(search("Patient?_id=pat2&_revinclude=Patient:link")), Refs({"Patient/pat1"}));
  // With :iterate, from what was included: Observation/f001 -> Patient/f001
  // -> the CarePlans about f001.
  EXPECT_EQ(included(search("Observation?_id=f001&_include=Observation:subject&_revinclude:iterate=CarePlan:subject")),
            Refs({"CarePlan/f001", "CarePlan/f002", "CarePlan/f003", "Patient/f001"}));
  EXPECT_EQ(included(search("Observation?_id=f001&_include=Observation:subject&_revinclude=CarePlan:subject")),
            Refs({"Patient/f001"}));
  EXPECT_EQ(included(search("Patient?_id=f201&_revinclude=Encounter:subject")),
            Refs({"Encounter/f201", "Encounter/f202", "Encounter/f203"}));
}

TEST_F(SearchIncludeTest, IncludesArePerPage) {
  load_examples({"Patient-", "Observation-"});
  const std::string q = "Patient?_id=f001,pat2&_sort=_id&_revinclude=Observation:subject&_count=1";
  auto first = search(q);
  EXPECT_EQ(total(first), "2");
  EXPECT_EQ(matches(first), Refs({"Patient/f001"}));
  EXPECT_EQ(included(first).size(), 7u);
  EXPECT_NE(link(first, "self").find("_revinclude=Observation:subject"), std::string::npos);
  auto second = search(link(first, "next"));
  EXPECT_EQ(matches(second), Refs({"Patient/pat2"}));
  EXPECT_EQ(included(second), Refs({"Observation/bmd", "Observation/date-lastmp"}));
  // _summary=count: no entries, so nothing included either.
  EXPECT_EQ(search("Patient?_id=f001&_revinclude=Observation:subject&_summary=count").find("entry"), nullptr);
}

TEST_F(SearchIncludeTest, SearchModesMatchIncludeOutcome) {
  load_examples({"CarePlan-example", "Goal-example"});
  auto b = search("CarePlan?_id=example&_include=CarePlan:goal&nosuch=1");
  EXPECT_EQ(matches(b), Refs({"CarePlan/example"}));
  EXPECT_EQ(included(b), Refs({"Goal/example"}));
  EXPECT_EQ(entries(b, "outcome"), Refs({"OperationOutcome/"}));  // no id of its own
  const auto& e = b.find("entry")->items();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].find("search")->string_at("mode"), "match");
  EXPECT_EQ(e[1].find("search")->string_at("mode"), "include");
  EXPECT_EQ(e[2].find("search")->string_at("mode"), "outcome");
  EXPECT_EQ(link(b, "self").find("nosuch"), std::string::npos);
}

// --- compartments ---------------------------------------------------------------

TEST_F(SearchIncludeTest, CompartmentSearchStaysInThePatientsCompartment) {
  load_examples({""});
  auto ids = [&](const std::string& q) { return matches(search(q)); };
  EXPECT_EQ(ids("Patient/f001/Observation"),
            Refs({"Observation/ekg", "Observation/f001", "Observation/f002", "Observation/f003", "Observation/f004",
                  "Observation/f005", "Observation/unsat"}));
  EXPECT_EQ(ids("Patient/pat2/Observation"), Refs({"Observation/bmd", "Observation/date-lastmp"}));
  // Criteria narrow it further; another patient's code finds nothing.
  EXPECT_EQ(ids("Patient/f001/Observation?code=http://loinc.org|15074-8"),
            Refs({"Observation/f001", "Observation/unsat"}));
  EXPECT_EQ(ids("Patient/f001/Observation?code=http://loinc.org|24701-5"), Refs({}));
  EXPECT_EQ(ids("Patient/pat2/Observation?code=http://loinc.org|24701-5"), Refs({"Observation/bmd"}));
  // Membership is the CompartmentDefinition's: Observation.performer too
  // (Observation/656's subject and performer are PatientId-patientId).
  EXPECT_EQ(ids("Patient/f201/Encounter"), Refs({"Encounter/f201", "Encounter/f202", "Encounter/f203"}));
  EXPECT_EQ(ids("Patient/pat2/Group"), Refs({"Group/102"}));
  EXPECT_EQ(ids("Patient/nosuch/Observation"), Refs({}));
  auto paged = search("Patient/f001/Observation?_count=3&_sort=_id");
  EXPECT_EQ(total(paged), "7");
  EXPECT_EQ(link(paged, "next").rfind(client().base_url() + "/Patient/f001/Observation?", 0), 0u)
      << link(paged, "next");
  EXPECT_EQ(matches(search(link(paged, "next"))), Refs({"Observation/f003", "Observation/f004", "Observation/f005"}));
  // Practitioner is not in a patient's compartment.
  expect_outcome(client().get("Patient/f001/Practitioner"), 400);
  expect_outcome(client().get("Patient/f001/Observation?nosuch=1", {{"Prefer", "handling=strict"}}), 400);
}

TEST_F(SearchIncludeTest, EverythingIsThePatientAndItsCompartment) {
  load_examples({""});
  // Patient/pat2 and what refers to it through a compartment parameter:
  // Observation subject, Group member, ServiceRequest subject, and
  // Patient/pat1's link.
  auto b = search("Patient/pat2/$everything");
  EXPECT_EQ(matches(b), Refs({"Group/102", "Observation/bmd", "Observation/date-lastmp", "Patient/pat1",
                              "Patient/pat2", "ServiceRequest/ft4"}));
  EXPECT_EQ(total(b), "6");
  expect_no_repeats(b);

  auto f001 = search("Patient/f001/$everything?_count=100");
  const Refs all = matches(f001);
  EXPECT_EQ(total(f001), "27");
  EXPECT_EQ(all.size(), 27u);
  expect_no_repeats(f001);
  EXPECT_EQ(std::count(all.begin(), all.end(), "Patient/f001"), 1);
  EXPECT_EQ(std::count_if(all.begin(), all.end(), [](const std::string& r) { return r.starts_with("Consent/"); }), 9);
  EXPECT_EQ(std::count_if(all.begin(), all.end(), [](const std::string& r) { return r.starts_with("Observation/"); }),
            7);
  // Nothing of another patient's.
  EXPECT_EQ(std::count(all.begin(), all.end(), "Observation/bmd"), 0);
  EXPECT_EQ(std::count(all.begin(), all.end(), "Practitioner/f005"), 0);

  // _type limits the types (and may leave the patient out).
  EXPECT_EQ(matches(search("Patient/pat2/$everything?_type=Observation")),
            Refs({"Observation/bmd", "Observation/date-lastmp"}));
  EXPECT_EQ(matches(search("Patient/pat2/$everything?_type=Patient,Group")),
            Refs({"Group/102", "Patient/pat1", "Patient/pat2"}));

  // _count pages through all of it, each once.
  std::vector<std::string> paged;
  std::string next = "Patient/f001/$everything?_count=10";
  int pages = 0;
  while (!next.empty() && pages < 10) {
    auto page = search(next);
    EXPECT_EQ(total(page), "27");
    for (const auto& r : matches(page)) paged.push_back(r);
    next = link(page, "next");
    if (!next.empty()) {
      EXPECT_NE(next.find("/Patient/f001/$everything?"), std::string::npos) << next;
    }
    ++pages;
  }
  EXPECT_EQ(pages, 3);
  std::sort(paged.begin(), paged.end());
  EXPECT_EQ(paged, all);
}

TEST_F(SearchIncludeTest, EverythingSinceAndErrors) {
  load_examples({"Patient-", "Observation-", "Group-", "ServiceRequest-"});
  clock_.advance_ms(60 * 1000);  // 2025-01-01T00:01:00Z
  load_examples({"Observation-bmd"});
  auto b = search("Patient/pat2/$everything?_since=2025-01-01T00:00:30Z");
  EXPECT_EQ(matches(b), Refs({"Observation/bmd"}));
  EXPECT_NE(link(b, "self").find("_since=2025-01-01T00"), std::string::npos) << link(b, "self");
  EXPECT_EQ(matches(search("Patient/pat2/$everything?_since=2025-01-01T00:02:00Z")), Refs({}));
  EXPECT_EQ(matches(search("Patient/pat2/$everything?_since=2024-12-31T00:00:00Z")).size(), 6u);

  auto since = expect_outcome(client().get("Patient/pat2/$everything?_since=yesterday"), 400);
  EXPECT_EQ(expression_of(since), "_since");
  auto unknown = expect_outcome(client().get("Patient/nosuch/$everything"), 404);
  EXPECT_EQ(unknown.string_at("code"), "not-found");
  ASSERT_EQ(client().del("Patient/pat3").status, 204);
  expect_outcome(client().get("Patient/pat3/$everything"), 404);
  expect_outcome(client().get("Patient/pat2/$everything?nosuch=1", {{"Prefer", "handling=strict"}}), 400);
  // Lenient: ignored.
  EXPECT_EQ(matches(search("Patient/pat2/$everything?nosuch=1&_type=Observation")),
            Refs({"Observation/bmd", "Observation/date-lastmp"}));
}

}  // namespace
}  // namespace carebridge::test
