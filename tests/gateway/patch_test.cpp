// PATCH [type]/[id] with a JSON Patch (R4 http.html#patch): versioned like
// an update, If-Match honoured, and a patch that fails or would make the
// resource invalid changes nothing.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;

const Headers kJsonPatch = {{"Content-Type", "application/json-patch+json"}};

class PatchTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    ASSERT_EQ(client()
                  .put("Patient/p", R"({"resourceType":"Patient","id":"p","active":true,)"
                                    R"("name":[{"family":"Chalmers","given":["Peter"]}],"birthDate":"1974-12-25"})")
                  .status,
              201);
  }
  HttpResult patch(const std::string& body, Headers h = kJsonPatch, const std::string& path = "Patient/p") {
    return client().request("PATCH", path, body, h);
  }
  std::string version() { return std::string(client().get("Patient/p").json().find("meta")->string_at("versionId")); }
  // The refusal is an OperationOutcome with this status, and Patient/p is unchanged.
  void expect_refused(const HttpResult& r, long status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.json().string_at("resourceType"), "OperationOutcome") << r.body;
    EXPECT_EQ(version(), "1");
  }
};

TEST_F(PatchTest, AppliesAndVersionsLikeAnUpdate) {
  clock_.advance_ms(5000);
  auto r = patch(R"([{"op":"replace","path":"/active","value":false},)"
                 R"({"op":"add","path":"/name/0/given/-","value":"James"},)"
                 R"({"op":"remove","path":"/birthDate"}])");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("etag"), "W/\"2\"");
  EXPECT_EQ(r.header("location"), client().base_url() + "/Patient/p/_history/2");
  Value v = r.json();
  EXPECT_FALSE(v.find("active")->as_bool());
  EXPECT_EQ(v.find("name")->items()[0].find("given")->items()[1].text(), "James");
  EXPECT_EQ(v.find("birthDate"), nullptr);
  EXPECT_EQ(v.find("meta")->string_at("versionId"), "2");
  EXPECT_EQ(v.find("meta")->string_at("lastUpdated"), "2025-01-01T00:00:05.000Z");
  EXPECT_EQ(client().get("Patient/p").body, r.body);
  EXPECT_EQ(client().get("Patient/p/_history/1").json().string_at("birthDate"), "1974-12-25");
  auto h = client().get("Patient/p/_history").json();
  EXPECT_EQ(h.find("entry")->items()[0].find("request")->string_at("method"), "PATCH");
}

TEST_F(PatchTest, IfMatch) {
  EXPECT_EQ(patch(R"([{"op":"replace","path":"/active","value":false}])",
                  {{"Content-Type", "application/json-patch+json"}, {"If-Match", "W/\"1\""}})
                .header("etag"),
            "W/\"2\"");
  auto stale = patch(R"([{"op":"replace","path":"/active","value":true}])",
                     {{"Content-Type", "application/json-patch+json"}, {"If-Match", "W/\"1\""}});
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(version(), "2");
}

TEST_F(PatchTest, FailedTestOperationIsAConflict) {
  // RFC 5789 2.2: a patch that cannot apply to the resource's current state
  // is 409 Conflict; 412 is kept for If-Match.
  expect_refused(patch(R"([{"op":"replace","path":"/active","value":false},)"
                       R"({"op":"test","path":"/birthDate","value":"2000-01-01"}])"),
                 409);
  // A passing test lets the patch apply.
  EXPECT_EQ(patch(R"([{"op":"test","path":"/meta/versionId","value":"1"},)"
                  R"({"op":"replace","path":"/active","value":false}])")
                .status,
            200);
}

TEST_F(PatchTest, PatchMakingTheResourceInvalidChangesNothing) {
  expect_refused(patch(R"([{"op":"replace","path":"/birthDate","value":"not-a-date"}])"), 400);
  expect_refused(patch(R"([{"op":"add","path":"/favouriteColour","value":"blue"}])"), 400);
  expect_refused(patch(R"([{"op":"replace","path":"/id","value":"q"}])"), 400);
  expect_refused(patch(R"([{"op":"remove","path":"/id"}])"), 400);
  expect_refused(patch(R"([{"op":"replace","path":"/resourceType","value":"Group"}])"), 400);
  EXPECT_EQ(client().get("Patient/q").status, 404);
}

TEST_F(PatchTest, MalformedPatchesChangeNothing) {
  expect_refused(patch("[{"), 400);
  expect_refused(patch(R"({"op":"remove","path":"/active"})"), 400);
  expect_refused(patch(R"([{"op":"remove","path":"/nothing/here"}])"), 400);
  expect_refused(patch(R"([{"op":"frobnicate","path":"/active"}])"), 400);
  expect_refused(patch(""), 400);
}

TEST_F(PatchTest, OnlyJsonPatchIsAccepted) {
  expect_refused(patch(R"([{"op":"remove","path":"/active"}])", {{"Content-Type", "application/fhir+json"}}), 415);
  expect_refused(patch(R"({"active":false})", {{"Content-Type", "application/merge-patch+json"}}), 415);
  // Only PATCH takes a JSON Patch body.
  auto post = client().post("Patient", "[]", {{"Content-Type", "application/json-patch+json"}});
  EXPECT_EQ(post.status, 415) << post.body;
  // Media type parameters and case do not matter.
  EXPECT_EQ(patch(R"([{"op":"remove","path":"/active"}])",
                  {{"Content-Type", "Application/JSON-Patch+JSON; charset=utf-8"}})
                .status,
            200);
}

TEST_F(PatchTest, UnknownIsNotFoundAndDeletedIsGone) {
  auto unknown = patch("[]", kJsonPatch, "Patient/nobody");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  ASSERT_EQ(client().del("Patient/p").status, 204);
  auto gone = patch(R"([{"op":"remove","path":"/active"}])");
  EXPECT_EQ(gone.status, 410) << gone.body;
  EXPECT_EQ(client().get("Patient/p/_history").json().find("total")->text(), "2");
}

}  // namespace
}  // namespace carebridge::test
