// history at instance, type and system level: _count, _since, paging links
// that stay correct while writes land.
#include <gtest/gtest.h>

#include <set>

#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

class HistoryTest : public GatewayTest {
 protected:
  std::string link(const fhir::json::Value& bundle, const std::string& relation) {
    if (const auto* links = bundle.find("link"))
      for (const auto& l : links->items())
        if (l.string_at("relation") == relation) return std::string(l.string_at("url"));
    return {};
  }
  void put_patient(const std::string& id, bool active) {
    std::string body = R"({"resourceType":"Patient","id":")" + id + R"(","active":)" +
                       (active ? "true" : "false") + "}";
    ASSERT_LT(client().put("Patient/" + id, body).status, 300);
  }
};

TEST_F(HistoryTest, InstanceHistoryNewestFirstWithDeletes) {
  put_patient("p1", true);
  clock_.advance_ms(10);
  put_patient("p1", false);
  clock_.advance_ms(10);
  client().del("Patient/p1");
  auto r = client().get("Patient/p1/_history");
  ASSERT_EQ(r.status, 200);
  auto b = r.json();
  EXPECT_EQ(b.string_at("type"), "history");
  EXPECT_EQ(b.find("total")->text(), "3");
  const auto& e = b.find("entry")->items();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].find("request")->string_at("method"), "DELETE");
  EXPECT_EQ(e[0].find("resource"), nullptr);
  EXPECT_EQ(e[1].find("response")->string_at("etag"), "W/\"2\"");
  EXPECT_EQ(e[2].find("resource")->find("meta")->string_at("versionId"), "1");
  EXPECT_EQ(e[2].string_at("fullUrl"), client().base_url() + "/Patient/p1");
}

TEST_F(HistoryTest, TypeAndSystemLevel) {
  put_patient("p1", true);
  ASSERT_EQ(client().put("Observation/o1", R"({"resourceType":"Observation","id":"o1","status":"final","code":{"text":"x"}})").status, 201);
  put_patient("p2", true);
  EXPECT_EQ(client().get("Patient/_history").json().find("total")->text(), "2");
  EXPECT_EQ(client().get("Observation/_history").json().find("total")->text(), "1");
  EXPECT_EQ(client().get("_history").json().find("total")->text(), "3");
}

TEST_F(HistoryTest, SinceFilters) {
  put_patient("p1", true);
  clock_.advance_ms(60000);
  put_patient("p2", true);
  auto r = client().get("Patient/_history?_since=2025-01-01T00:00:30Z");
  EXPECT_EQ(r.json().find("total")->text(), "1") << r.body;
  EXPECT_EQ(client().get("Patient/_history?_since=not-a-date").status, 400);
}

TEST_F(HistoryTest, PagingIsStableWhileWritesLand) {
  for (int i = 0; i < 7; ++i) put_patient("p" + std::to_string(i), true);
  auto first = client().get("Patient/_history?_count=3").json();
  EXPECT_EQ(first.find("total")->text(), "7");
  EXPECT_EQ(first.find("entry")->items().size(), 3u);
  EXPECT_TRUE(link(first, "previous").empty());
  // New writes after the first page do not shift later pages.
  put_patient("late1", true);
  put_patient("late2", true);
  std::set<std::string> seen;
  for (const auto& e : first.find("entry")->items()) seen.insert(std::string(e.string_at("fullUrl")));
  std::string next = link(first, "next");
  int pages = 1;
  while (!next.empty()) {
    auto page = client().get(next);
    ASSERT_EQ(page.status, 200) << page.body;
    auto b = page.json();
    EXPECT_EQ(b.find("total")->text(), "7");
    EXPECT_FALSE(link(b, "previous").empty());
    for (const auto& e : b.find("entry")->items()) {
      std::string url(e.string_at("fullUrl"));
      EXPECT_TRUE(seen.insert(url).second) << "seen twice: " << url;
    }
    next = link(b, "next");
    ++pages;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(seen.count(client().base_url() + "/Patient/late1"), 0u);
}

TEST_F(HistoryTest, CountIsCappedAndValidated) {
  put_patient("p1", true);
  EXPECT_EQ(client().get("Patient/_history?_count=abc").status, 400);
  EXPECT_EQ(client().get("Patient/_history?_count=-1").status, 400);
  auto zero = client().get("Patient/_history?_count=0").json();
  EXPECT_EQ(zero.find("total")->text(), "1");
  EXPECT_EQ(zero.find("entry"), nullptr);
}

}  // namespace
}  // namespace carebridge::test
