// Search results as pages (R4 search.html "Paging", "Sorting", "Summary",
// "Elements"): _sort with several keys, ties and missing values; _count;
// self/next/previous links and the _snapshot cursor they carry, which
// keeps a result fixed while writes land and is recomputed when unknown
// or expired; _total; _summary and _elements on the entries.
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
using Ids = std::vector<std::string>;

class SearchPagingTest : public SearchFixture {
 protected:
  // Invented patients for what needs many alike: ties and page counts.
  void put_patient(const std::string& id, const std::string& family, const std::string& given = "Ann") {
    auto r = client().put("Patient/" + id, R"({"resourceType":"Patient","id":")" + id + R"(","name":[{"family":")" +
                                               family + R"(","given":[")" + given + R"("]}]})");
    ASSERT_LT(r.status, 300) << r.body;
  }

  // The ids of the match entries, in the order sent.
  static Ids ids(const Value& bundle) {
    Ids out;
    if (const auto* e = bundle.find("entry"))
      for (const auto& entry : e->items())
        if (entry.find("search")->string_at("mode") == "match")
          out.push_back(std::string(entry.find("resource")->string_at("id")));
    return out;
  }

  // Follows next links from `first` to the end; returns every page.
  std::vector<Value> all_pages(const std::string& first) {
    std::vector<Value> pages{search(first)};
    for (std::string next = link(pages.back(), "next"); !next.empty(); next = link(pages.back(), "next")) {
      pages.push_back(search(next));
      if (pages.size() > 100) {
        ADD_FAILURE() << "next links do not end";
        break;
      }
    }
    return pages;
  }

  static Ids concat(const std::vector<Value>& pages) {
    Ids out;
    for (const auto& p : pages)
      for (auto& id : ids(p)) out.push_back(std::move(id));
    return out;
  }

  // The value of a query parameter in a link ("" when absent).
  static std::string param(const std::string& url, const std::string& name) {
    const std::size_t at = url.find(name + "=");
    if (at == std::string::npos) return {};
    const std::size_t from = at + name.size() + 1;
    return url.substr(from, url.find('&', from) - from);
  }

  static std::string with_param(std::string url, const std::string& name, const std::string& value) {
    const std::size_t at = url.find(name + "=");
    if (at == std::string::npos) return url;
    const std::size_t end = url.find('&', at);
    return url.replace(at, (end == std::string::npos ? url.size() : end) - at, name + "=" + value);
  }
};

// --- _sort ------------------------------------------------------------------

TEST_F(SearchPagingTest, SortAscendingDescendingMissingLast) {
  load_examples({"Patient-"});
  // Ties (same birth date) in id order; no birth date last either way.
  EXPECT_EQ(ids(search("Patient?_sort=birthdate&_count=50")),
            Ids({"glossy", "xcda", "f001", "xds", "f201", "proband", "genetics-example1", "mom", "ch-example",
                 "example", "pat3", "pat4", "infant-mom", "animal", "infant-twin-1", "infant-twin-2", "newborn",
                 "dicom", "ihe-pcd", "infant-fetal", "pat1", "pat2"}));
  EXPECT_EQ(ids(search("Patient?_sort=-birthdate&_count=50")),
            Ids({"newborn", "infant-twin-1", "infant-twin-2", "animal", "infant-mom", "pat4", "pat3", "ch-example",
                 "example", "genetics-example1", "mom", "proband", "f201", "xds", "f001", "glossy", "xcda",
                 "dicom", "ihe-pcd", "infant-fetal", "pat1", "pat2"}));
  Ids by_id = ids(search("Patient?_sort=_id&_count=50"));
  ASSERT_EQ(by_id.size(), 22u);
  EXPECT_TRUE(std::is_sorted(by_id.begin(), by_id.end()));
  Ids by_id_desc = ids(search("Patient?_sort=-_id&_count=50"));
  EXPECT_TRUE(std::equal(by_id.rbegin(), by_id.rend(), by_id_desc.begin(), by_id_desc.end()));
  // Sorting does not change what matches.
  EXPECT_EQ(ids(search("Patient?gender=female&_sort=-birthdate")),
            Ids({"infant-twin-1", "animal", "infant-mom", "pat4", "genetics-example1", "mom", "proband"}));
}

TEST_F(SearchPagingTest, SortBySeveralKeys) {
  load_examples({"Patient-"});
  // gender: female < male < other < none; then birth date, latest first.
  EXPECT_EQ(ids(search("Patient?_sort=gender,-birthdate&_count=50")),
            Ids({"infant-twin-1", "animal", "infant-mom", "pat4", "genetics-example1", "mom", "proband",
                 "newborn", "infant-twin-2", "pat3", "ch-example", "example", "f201", "xds", "f001", "glossy",
                 "xcda", "dicom", "infant-fetal", "pat1", "pat2", "ihe-pcd"}));
  // family (a patient's first in order), then given: pat2's "D" before
  // pat1's "Duck", Jacen before Jaina, Sandy before Simon; no family last.
  EXPECT_EQ(ids(search("Patient?_sort=family,given&_count=50")),
            Ids({"f201", "ihe-pcd", "example", "xds", "pat2", "pat1", "genetics-example1", "mom", "glossy", "xcda",
                 "dicom", "pat4", "pat3", "infant-mom", "infant-twin-2", "infant-twin-1", "f001", "animal",
                 "ch-example", "infant-fetal", "newborn", "proband"}));
  // A dated period sorts by its start going up and by its end going down
  // (R4 search.html "_sort"); Observation/f001 has no end: latest of all.
  load_examples({"Observation-"});
  EXPECT_EQ(ids(search("Observation?subject=Patient/f001&_sort=date")),
            Ids({"f001", "unsat", "f002", "f003", "f004", "f005", "ekg"}));
  EXPECT_EQ(ids(search("Observation?subject=Patient/f001&_sort=-date")),
            Ids({"f001", "ekg", "f002", "f003", "f004", "f005", "unsat"}));
  EXPECT_EQ(ids(search("Observation?subject=Patient/f001&_sort=-date,-_id")),
            Ids({"f001", "ekg", "f005", "f004", "f003", "f002", "unsat"}));
  // The self link states the keys as asked.
  EXPECT_NE(link(search("Patient?_sort=gender,-birthdate"), "self").find("_sort=gender,-birthdate"),
            std::string::npos);
}

TEST_F(SearchPagingTest, TiesBreakTheSameWayOnEveryPage) {
  // 23 patients with one family name, written out of id order.
  for (int i = 0; i < 23; ++i) put_patient("tie-" + std::to_string((i * 7) % 23 + 10), "Same");
  put_patient("other", "Different");
  for (const std::string sort : {"family", "-family", "_lastUpdated", "-_lastUpdated"}) {
    SCOPED_TRACE(sort);
    const std::string q = "Patient?family=same&_sort=" + sort;
    Ids whole = ids(search(q + "&_count=100"));
    ASSERT_EQ(whole.size(), 23u);
    EXPECT_EQ(std::set<std::string>(whole.begin(), whole.end()).size(), 23u);
    // Through the cursor...
    auto pages = all_pages(q + "&_count=5");
    ASSERT_EQ(pages.size(), 5u);
    EXPECT_EQ(concat(pages), whole);
    // ...and each page computed afresh (no cursor): the same order.
    Ids fresh;
    for (int offset = 0; offset < 23; offset += 5)
      for (auto& id : ids(search(q + "&_count=5&_offset=" + std::to_string(offset)))) fresh.push_back(id);
    EXPECT_EQ(fresh, whole);
  }
}

// --- _count and links -------------------------------------------------------

TEST_F(SearchPagingTest, CountDefaultsTo20AndIsCappedAt1000) {
  for (int i = 0; i < 25; ++i) put_patient("p" + std::to_string(100 + i), "Count");
  auto first = search("Patient");
  EXPECT_EQ(total(first), "25");
  EXPECT_EQ(ids(first).size(), 20u);
  EXPECT_FALSE(link(first, "next").empty());

  auto capped = search("Patient?_count=2000");
  EXPECT_EQ(ids(capped).size(), 25u);
  EXPECT_TRUE(link(capped, "next").empty());
  EXPECT_NE(link(capped, "self").find("_count=1000"), std::string::npos) << link(capped, "self");

  auto seven = search("Patient?_count=7");
  EXPECT_EQ(ids(seven).size(), 7u);
  EXPECT_EQ(total(seven), "25");

  // _count=0: the total only.
  auto none = search("Patient?_count=0");
  EXPECT_EQ(total(none), "25");
  EXPECT_EQ(none.find("entry"), nullptr);
  EXPECT_TRUE(link(none, "next").empty());
}

TEST_F(SearchPagingTest, NextPreviousAndSelfLinks) {
  for (int i = 0; i < 25; ++i) put_patient("p" + std::to_string(100 + i), "Link");
  put_patient("q1", "Elsewhere");
  const std::string base = client().base_url() + "/";
  auto pages = all_pages("Patient?family=link&_sort=_id&_count=10");
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(ids(pages[0]).size(), 10u);
  EXPECT_EQ(ids(pages[1]).size(), 10u);
  EXPECT_EQ(ids(pages[2]).size(), 5u);
  Ids all = concat(pages);
  Ids expected;
  for (int i = 0; i < 25; ++i) expected.push_back("p" + std::to_string(100 + i));
  EXPECT_EQ(all, expected);  // every match once, in _id order
  for (const auto& p : pages) {
    EXPECT_EQ(total(p), "25");
    const std::string self = link(p, "self");
    EXPECT_EQ(self.rfind(base + "Patient?", 0), 0u) << self;
    EXPECT_NE(self.find("family=link"), std::string::npos) << self;
    EXPECT_NE(self.find("_count=10"), std::string::npos) << self;
  }
  EXPECT_TRUE(link(pages[0], "previous").empty());
  EXPECT_TRUE(link(pages[2], "next").empty());
  // previous goes back exactly one page; self gives the same page again.
  EXPECT_EQ(ids(search(link(pages[1], "previous"))), ids(pages[0]));
  EXPECT_EQ(ids(search(link(pages[2], "previous"))), ids(pages[1]));
  EXPECT_EQ(ids(search(link(pages[1], "self"))), ids(pages[1]));
  // All links of one search share its cursor.
  const std::string snapshot = param(link(pages[0], "next"), "_snapshot");
  EXPECT_FALSE(snapshot.empty());
  EXPECT_EQ(param(link(pages[2], "self"), "_snapshot"), snapshot);
  EXPECT_EQ(param(link(pages[2], "previous"), "_snapshot"), snapshot);
  EXPECT_EQ(param(link(pages[1], "next"), "_offset"), "20");
}

TEST_F(SearchPagingTest, PagesKeepTheirResultWhileWritesLand) {
  // Given names sort the result; new ones sort first, so a recomputed
  // page 2 would repeat the end of page 1.
  for (int i = 0; i < 12; ++i) put_patient("m" + std::to_string(10 + i), "Moss", "B" + std::to_string(10 + i));
  const std::string q = "Patient?family=moss&_sort=given&_count=5";
  auto first = search(q);
  EXPECT_EQ(total(first), "12");
  Ids seen = ids(first);
  ASSERT_EQ(seen.size(), 5u);
  put_patient("new1", "Moss", "A1");
  put_patient("new2", "Moss", "A2");
  put_patient("new3", "Moss", "A3");
  std::string next = link(first, "next");
  while (!next.empty()) {
    auto page = search(next);
    EXPECT_EQ(total(page), "12");
    for (auto& id : ids(page)) seen.push_back(id);
    next = link(page, "next");
  }
  Ids expected;
  for (int i = 0; i < 12; ++i) expected.push_back("m" + std::to_string(10 + i));
  EXPECT_EQ(seen, expected);  // no repeats, no skips, no newcomers
  // A new search sees them.
  auto again = search(q);
  EXPECT_EQ(total(again), "15");
  EXPECT_EQ(ids(again), Ids({"new1", "new2", "new3", "m10", "m11"}));
}

TEST_F(SearchPagingTest, UnknownSnapshotIsRecomputed) {
  for (int i = 0; i < 12; ++i) put_patient("m" + std::to_string(10 + i), "Moss", "B" + std::to_string(10 + i));
  for (int i = 0; i < 3; ++i) put_patient("o" + std::to_string(i), "Other");
  auto first = search("Patient?family=moss&_sort=given&_count=5");
  const std::string next = link(first, "next");
  ASSERT_FALSE(next.empty());
  auto cached = search(next);

  const std::string forged = with_param(next, "_snapshot", "no-such-cursor");
  ASSERT_NE(forged, next);
  auto page = search(forged);
  EXPECT_EQ(ids(page), ids(cached));
  EXPECT_EQ(total(page), "12");
  // The recomputed result has a cursor of its own.
  EXPECT_FALSE(param(link(page, "next"), "_snapshot").empty());
  EXPECT_NE(param(link(page, "next"), "_snapshot"), "no-such-cursor");
  EXPECT_EQ(ids(search(link(page, "next"))), Ids({"m20", "m21"}));

  // A cursor answers only the search it was made for.
  auto other = search("Patient?family=other&_sort=_id&_count=2");
  const std::string stolen = with_param(link(other, "next"), "_snapshot", param(next, "_snapshot"));
  ASSERT_NE(stolen, link(other, "next"));
  auto mixed = search(stolen);
  EXPECT_EQ(total(mixed), "3");
  EXPECT_EQ(ids(mixed), Ids({"o2"}));

  // Not a cursor at all.
  expect_outcome(client().get(with_param(next, "_snapshot", "a%20b")), 400);
  expect_outcome(client().get(with_param(next, "_offset", "-5")), 400);
}

// One cursor's worth of ids: each new search evicts the one before.
class SearchCursorExpiryTest : public SearchPagingTest {
 protected:
  void configure(gateway::Settings& s) override { s.search_cursor_ids = 1; }
};

TEST_F(SearchCursorExpiryTest, ExpiredSnapshotIsRecomputed) {
  for (int i = 0; i < 12; ++i) put_patient("m" + std::to_string(10 + i), "Moss", "B" + std::to_string(10 + i));
  for (int i = 0; i < 6; ++i) put_patient("o" + std::to_string(i), "Other");
  auto first = search("Patient?family=moss&_sort=given&_count=5");
  EXPECT_EQ(ids(first), Ids({"m10", "m11", "m12", "m13", "m14"}));
  put_patient("new1", "Moss", "A1");
  // Another search's cursor pushes the first one out.
  auto other = search("Patient?family=other&_count=2");
  ASSERT_FALSE(link(other, "next").empty());
  // Page 2 still answers, computed again: the newcomer counts now.
  auto page = search(link(first, "next"));
  EXPECT_EQ(total(page), "13");
  EXPECT_EQ(ids(page), Ids({"m14", "m15", "m16", "m17", "m18"}));
  EXPECT_FALSE(link(page, "previous").empty());
}

// A search pages through at most search_max_results matches; its total
// still counts them all.
class SearchResultCapTest : public SearchPagingTest {
 protected:
  void configure(gateway::Settings& s) override { s.search_max_results = 5; }
};

TEST_F(SearchResultCapTest, TotalIsExactAndPagesStopAtTheCap) {
  for (int i = 0; i < 8; ++i) put_patient("c" + std::to_string(i), "Capped", "G" + std::to_string(i));
  auto first = search("Patient?family=capped&_sort=given&_count=3");
  EXPECT_EQ(total(first), "8");
  EXPECT_EQ(ids(first), Ids({"c0", "c1", "c2"}));
  auto second = search(link(first, "next"));
  EXPECT_EQ(total(second), "8");
  EXPECT_EQ(ids(second), Ids({"c3", "c4"}));
  EXPECT_TRUE(link(second, "next").empty());
}

// --- _total, _summary, _elements ---------------------------------------------

TEST_F(SearchPagingTest, TotalNoneAndSummaryCount) {
  load_examples({"Patient-"});
  auto no_total = search("Patient?gender=male&_total=none&_count=5");
  EXPECT_EQ(no_total.find("total"), nullptr);
  EXPECT_EQ(ids(no_total).size(), 5u);
  EXPECT_FALSE(link(no_total, "next").empty());  // paging still knows there is more
  EXPECT_NE(link(no_total, "self").find("_total=none"), std::string::npos);
  EXPECT_EQ(total(search("Patient?gender=male&_total=accurate&_count=5")), "13");

  auto count = search("Patient?gender=male&_summary=count");
  EXPECT_EQ(total(count), "13");
  EXPECT_EQ(count.find("entry"), nullptr);
  EXPECT_TRUE(link(count, "next").empty());
  EXPECT_NE(link(count, "self").find("_summary=count"), std::string::npos);
  EXPECT_EQ(total(search("Patient?gender=nosuch&_summary=count")), "0");
}

TEST_F(SearchPagingTest, SummaryAndElementsCutEntriesAndSaySo) {
  load_examples({"Patient-example", "Observation-example.json"});
  auto entry = [&](const std::string& query) -> Value {
    auto b = search(query);
    const Value* e = b.find("entry");
    if (e == nullptr || e->items().size() != 1) {
      ADD_FAILURE() << query << ": not one entry";
      return Value::make_object();
    }
    return *e->items()[0].find("resource");
  };
  auto subsetted = [](const Value& r) {
    if (const Value* tags = r.find("meta") ? r.find("meta")->find("tag") : nullptr)
      for (const auto& t : tags->items())
        if (t.string_at("code") == "SUBSETTED" &&
            t.string_at("system") == "http://terminology.hl7.org/CodeSystem/v3-ObservationValue")
          return true;
    return false;
  };
  auto has = [](const Value& r, std::string_view k) { return r.find(k) != nullptr; };

  Value full = entry("Patient?_id=example");
  EXPECT_TRUE(has(full, "text") && has(full, "contact") && has(full, "name"));
  EXPECT_FALSE(subsetted(full));
  EXPECT_FALSE(subsetted(entry("Patient?_id=example&_summary=false")));

  Value summary = entry("Patient?_id=example&_summary=true");
  EXPECT_TRUE(subsetted(summary));
  for (const char* k : {"id", "identifier", "active", "name", "telecom", "gender", "birthDate", "address",
                        "managingOrganization"})
    EXPECT_TRUE(has(summary, k)) << k;
  EXPECT_FALSE(has(summary, "text"));
  EXPECT_FALSE(has(summary, "contact"));

  Value text = entry("Patient?_id=example&_summary=text");
  EXPECT_TRUE(subsetted(text));
  Ids keys;
  for (const auto& [k, v] : text.members()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, Ids({"id", "meta", "resourceType", "text"}));
  // ...and an Observation's mandatory status and code.
  Value obs_text = entry("Observation?_id=example&_summary=text");
  EXPECT_TRUE(has(obs_text, "status") && has(obs_text, "code") && has(obs_text, "text"));
  EXPECT_FALSE(has(obs_text, "valueQuantity"));

  Value data = entry("Patient?_id=example&_summary=data");
  EXPECT_TRUE(subsetted(data));
  EXPECT_FALSE(has(data, "text"));
  EXPECT_TRUE(has(data, "contact") && has(data, "name"));

  Value elements = entry("Patient?_id=example&_elements=name,gender");
  EXPECT_TRUE(subsetted(elements));
  EXPECT_TRUE(has(elements, "name") && has(elements, "gender") && has(elements, "id"));
  EXPECT_FALSE(has(elements, "birthDate") || has(elements, "text") || has(elements, "telecom"));
  EXPECT_EQ(elements.find("name")->items().size(), 3u);  // whole elements, not parts of them
  Value obs_elements = entry("Observation?_id=example&_elements=subject");
  EXPECT_TRUE(has(obs_elements, "subject") && has(obs_elements, "status") && has(obs_elements, "code"));
  EXPECT_FALSE(has(obs_elements, "valueQuantity"));

  // The choice travels with the paging links.
  EXPECT_NE(link(search("Patient?_elements=name,gender"), "self").find("_elements=name,gender"),
            std::string::npos);
  EXPECT_NE(link(search("Patient?_summary=data"), "self").find("_summary=data"), std::string::npos);
  expect_outcome(client().get("Patient?_elements=name.family"), 400);
}

}  // namespace
}  // namespace carebridge::test
