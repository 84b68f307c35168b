// Conditional interactions outside Bundles (R4 http.html#ccreate, #cond-update,
// #3.1.0.7.1): POST with If-None-Exist, PUT and DELETE (and PATCH) on
// [type]?criteria, with the specification's 200/201/404/412 rules.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;

constexpr const char* kSys = "http://example.org/mrn";

std::string patient(const std::string& mrn, const std::string& id = {}) {
  std::string out = R"({"resourceType":"Patient")";
  if (!id.empty()) out += R"(,"id":")" + id + '"';
  return out + std::string(R"(,"identifier":[{"system":")") + kSys + R"(","value":")" + mrn +
         R"("}],"active":true})";
}

std::string criteria(const std::string& mrn) { return std::string("identifier=") + kSys + "%7C" + mrn; }

class ConditionalTest : public GatewayTest {
 protected:
  long total(const std::string& type) {
    auto r = client().get(type + "/_history?_count=0");
    EXPECT_EQ(r.status, 200) << r.body;
    return std::stol(r.json().find("total")->text());
  }
  std::string create(const std::string& mrn) {
    auto r = client().post("Patient", patient(mrn));
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.json().string_at("id"));
  }
  void expect_outcome(const HttpResult& r, long status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.json().string_at("resourceType"), "OperationOutcome") << r.body;
  }
};

TEST_F(ConditionalTest, CreateWithIfNoneExist) {
  Headers cond = {{"If-None-Exist", std::string("identifier=") + kSys + "|c1"}};
  auto first = client().post("Patient", patient("c1"), cond);
  ASSERT_EQ(first.status, 201) << first.body;
  std::string id(first.json().string_at("id"));

  // One match: 200 with the existing resource, nothing written.
  auto again = client().post("Patient", patient("c1"), cond);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().string_at("id"), id);
  EXPECT_EQ(again.header("location"), client().base_url() + "/Patient/" + id + "/_history/1");
  EXPECT_EQ(again.header("etag"), "W/\"1\"");
  EXPECT_EQ(total("Patient"), 1);

  // Several matches: 412, nothing written.
  create("dup");
  create("dup");
  expect_outcome(client().post("Patient", patient("dup"), {{"If-None-Exist", std::string("identifier=") + kSys + "|dup"}}), 412);
  EXPECT_EQ(total("Patient"), 3);
  // Criteria must be something the server can evaluate: an unknown
  // parameter fails the operation (strict handling), a bad value too.
  expect_outcome(client().post("Patient", patient("x"), {{"If-None-Exist", "nickname=Smith"}}), 400);
  expect_outcome(client().post("Patient", patient("x"), {{"If-None-Exist", "birthdate=notadate"}}), 400);
  expect_outcome(client().post("Patient", patient("x"), {{"If-None-Exist", "identifier=a|b&identifier=%zz"}}), 400);
  EXPECT_EQ(total("Patient"), 3);
}

TEST_F(ConditionalTest, IfNoneExistMatchesOnlyLiveResourcesOfTheType) {
  std::string id = create("gone");
  ASSERT_EQ(client().del("Patient/" + id).status, 204);
  // A deleted resource no longer matches; another type's identifier never did.
  ASSERT_EQ(client().post("Group", R"({"resourceType":"Group","identifier":[{"system":"http://example.org/mrn","value":"gone"}],"type":"person","actual":true})").status, 201);
  auto r = client().post("Patient", patient("gone"), {{"If-None-Exist", std::string("identifier=") + kSys + "|gone"}});
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_NE(r.json().string_at("id"), id);
}

TEST_F(ConditionalTest, ConditionalUpdate) {
  // No match, no id: created with a new id.
  auto created = client().put("Patient?" + criteria("u1"), patient("u1"));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id(created.json().string_at("id"));
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(created.header("location"), client().base_url() + "/Patient/" + id + "/_history/1");

  // One match: updated, whether or not the body carries the matched id.
  auto updated = client().put("Patient?" + criteria("u1"), patient("u1"));
  EXPECT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.json().string_at("id"), id);
  EXPECT_EQ(updated.header("etag"), "W/\"2\"");
  EXPECT_EQ(client().put("Patient?" + criteria("u1"), patient("u1", id)).header("etag"), "W/\"3\"");

  // One match with another id in the body: 400.
  expect_outcome(client().put("Patient?" + criteria("u1"), patient("u1", "someone-else")), 400);
  // Several matches: 412.
  create("dup");
  create("dup");
  expect_outcome(client().put("Patient?" + criteria("dup"), patient("dup")), 412);
  // If-Match applies to the matched resource.
  expect_outcome(client().put("Patient?" + criteria("u1"), patient("u1"), {{"If-Match", "W/\"1\""}}), 412);
  EXPECT_EQ(client().put("Patient?" + criteria("u1"), patient("u1"), {{"If-Match", "W/\"3\""}}).status, 200);
  EXPECT_EQ(total("Patient"), 6);  // u1 x4, dup x2

  // No match, with an id: update as create under that id.
  auto with_id = client().put("Patient?" + criteria("u2"), patient("u2", "chosen"));
  EXPECT_EQ(with_id.status, 201) << with_id.body;
  EXPECT_EQ(client().get("Patient/chosen").status, 200);
}

TEST_F(ConditionalTest, ConditionalUpdateNeedsCriteriaItSupports) {
  expect_outcome(client().put("Patient", patient("x")), 400);
  expect_outcome(client().put("Patient?nickname=Smith", patient("x")), 400);
  expect_outcome(client().put("Patient?_format=json", patient("x")), 400);
  EXPECT_EQ(total("Patient"), 0);
}

// Any search parameter can be a criterion, not only identifiers.
TEST_F(ConditionalTest, CriteriaAreAnySearch) {
  const std::string smith = R"({"resourceType":"Patient","name":[{"family":"Smíth","given":["Ann"]}],"birthDate":"1970-02-03"})";
  auto first = client().post("Patient", smith, {{"If-None-Exist", "family=smith&birthdate=1970"}});
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = client().post("Patient", smith, {{"If-None-Exist", "family=smith&birthdate=1970"}});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().string_at("id"), first.json().string_at("id"));
  // Another birth year is another patient.
  EXPECT_EQ(client().post("Patient", smith, {{"If-None-Exist", "family=smith&birthdate=1971"}}).status, 201);
  EXPECT_EQ(total("Patient"), 2);
}

TEST_F(ConditionalTest, ConditionalUpdateByIdCriterion) {
  ASSERT_EQ(client().put("Patient/i1", patient("i1", "i1")).status, 201);
  auto r = client().put("Patient?_id=i1", patient("i1b"));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().string_at("id"), "i1");
  auto both = client().put("Patient?_id=i1&" + criteria("nomatch"), patient("x"));
  EXPECT_EQ(both.status, 201) << both.body;  // _id and identifier must both match
  EXPECT_NE(both.json().string_at("id"), "i1");
}

TEST_F(ConditionalTest, ConditionalDelete) {
  std::string id = create("d1");
  auto d = client().del("Patient?" + criteria("d1"));
  EXPECT_EQ(d.status, 204) << d.body;
  EXPECT_EQ(d.header("etag"), "W/\"2\"");
  EXPECT_EQ(client().get("Patient/" + id).status, 410);
  // No match: R4 performs an ordinary delete of nothing, 204.
  EXPECT_EQ(client().del("Patient?" + criteria("d1")).status, 204);
  // Several matches: 412 and nothing deleted (conditionalDelete: single).
  std::string a = create("dup"), b = create("dup");
  expect_outcome(client().del("Patient?" + criteria("dup")), 412);
  EXPECT_EQ(client().get("Patient/" + a).status, 200);
  EXPECT_EQ(client().get("Patient/" + b).status, 200);
  expect_outcome(client().del("Patient"), 400);
}

TEST_F(ConditionalTest, ConditionalPatch) {
  std::string id = create("p1");
  Headers json_patch = {{"Content-Type", "application/json-patch+json"}};
  auto r = client().request("PATCH", "Patient?" + criteria("p1"),
                            R"([{"op":"replace","path":"/active","value":false}])", json_patch);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().string_at("id"), id);
  EXPECT_EQ(r.header("etag"), "W/\"2\"");
  expect_outcome(client().request("PATCH", "Patient?" + criteria("none"), "[]", json_patch), 404);
  create("dup");
  create("dup");
  expect_outcome(client().request("PATCH", "Patient?" + criteria("dup"), "[]", json_patch), 412);
}

TEST_F(ConditionalTest, ConcurrentIfNoneExistCreatesExactlyOne) {
  constexpr int kClients = 8;
  std::vector<long> status(kClients);
  std::vector<std::string> ids(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i)
    threads.emplace_back([&, i] {
      TestClient c = client();
      auto r = c.post("Patient", patient("race"), {{"If-None-Exist", std::string("identifier=") + kSys + "|race"}});
      status[i] = r.status;
      ids[i] = std::string(r.json().string_at("id"));
    });
  for (auto& t : threads) t.join();
  int created = 0;
  for (int i = 0; i < kClients; ++i) {
    EXPECT_TRUE(status[i] == 200 || status[i] == 201) << status[i];
    created += status[i] == 201;
    EXPECT_EQ(ids[i], ids[0]);
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(total("Patient"), 1);
}

}  // namespace
}  // namespace carebridge::test
