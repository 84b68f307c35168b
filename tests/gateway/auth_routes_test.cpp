// Every route the gateway serves, taken from the route table itself, is
// sent without a token, with a bad one, and with a token whose scopes grant
// nothing on the route's types: only the few routes a client needs before
// it has a token are open, and every other one answers 401, 401 and 403.
// A route added to the table is covered here without anyone editing this
// file; one added as open, or with a variable this file cannot fill, fails
// until someone looks.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/app/runtime.hpp"
#include "fhir/json/value.hpp"
#include "gateway/routing/route.hpp"
#include "tests/support/bundle_builder.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/outcome_checks.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;
using gateway::RouteAccess;
using gateway::RouteSpec;

// What may be reached without a token: the CapabilityStatement, SMART
// discovery, the key tokens are signed with, and the token endpoint.
const std::set<std::string> kOpen = {"GET metadata", "GET .well-known/smart-configuration",
                                     "GET .well-known/jwks.json", "POST auth/token"};

std::string name_of(const RouteSpec& r) { return std::string(r.method) + " " + r.pattern; }

// The pattern with its variables filled; "" when a variable is unknown.
std::string concrete_path(std::string_view pattern) {
  std::string out;
  while (!pattern.empty()) {
    std::size_t slash = pattern.find('/');
    std::string_view seg = pattern.substr(0, slash);
    pattern = slash == std::string_view::npos ? std::string_view{} : pattern.substr(slash + 1);
    if (!out.empty()) out += '/';
    if (seg == "{type}") out += "Patient";
    else if (seg == "{id}") out += "p1";
    else if (seg == "{vid}") out += "1";
    else if (seg == "{ctype}") out += "Observation";
    else if (!seg.empty() && seg.front() == '{') return {};
    else out += seg;
  }
  return out;
}

struct Request {
  std::string method, path, body;
  Headers headers;
};

// A request each route would serve were it authorized. bundle: the body of
// POST / (a transaction, so a refused entry refuses the whole).
Request request_for(const RouteSpec& r, const std::string& path) {
  Request q{r.method, path, {}, {}};
  const std::string m = r.method;
  const bool form = path == "_search" || path.ends_with("/_search") || path == "auth/token";
  if (form) {
    q.body = path == "auth/token" ? "grant_type=client_credentials" : "_id=p1";
    q.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  } else if (m == "PATCH") {
    q.body = R"([{"op":"replace","path":"/active","value":false}])";
    q.headers = {{"Content-Type", "application/json-patch+json"}};
  } else if (m == "POST" && path.empty()) {
    q.body = BundleBuilder("transaction").post("Patient", R"({"resourceType":"Patient"})").json();
  } else if (m == "POST" || m == "PUT") {
    q.body = R"({"resourceType":"Patient","id":"p1","active":true})";
  }
  // Conditional interactions on a type need criteria.
  if ((m == "PUT" || m == "PATCH" || m == "DELETE") && path == "Patient") q.path += "?identifier=x";
  return q;
}

class AuthRoutesTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    ASSERT_EQ(client().put("Patient/p1", R"({"resourceType":"Patient","id":"p1","active":true})").status, 201);
  }

  HttpResult send(const TestClient& c, const Request& q) const { return c.request(q.method, q.path, q.body, q.headers); }

  // Every route, with the concrete request that reaches it; checks that
  // the router sends that request to that very route.
  std::vector<std::pair<RouteSpec, Request>> routes() {
    std::vector<std::pair<RouteSpec, Request>> out;
    const auto& types = *gateway_->runtime().app().types;
    for (const RouteSpec& r : gateway::route_table()) {
      const std::string path = concrete_path(r.pattern);
      if (path.empty() && std::string_view(r.pattern) != "") {
        ADD_FAILURE() << name_of(r) << ": a variable this test cannot fill; teach concrete_path() about it";
        continue;
      }
      auto matched = gateway::match_route(r.method, path, types);
      EXPECT_TRUE(matched.ok()) << name_of(r) << ": " << path;
      if (matched) {
        EXPECT_EQ(static_cast<int>(matched->interaction), static_cast<int>(r.interaction))
            << name_of(r) << ": /" << path << " reaches another route";
      }
      out.emplace_back(r, request_for(r, path));
    }
    return out;
  }
};

TEST_F(AuthRoutesTest, OnlyTheDiscoveryAndTokenRoutesAreOpen) {
  std::set<std::string> open;
  for (const RouteSpec& r : gateway::route_table())
    if (r.access == RouteAccess::open) open.insert(name_of(r));
  EXPECT_EQ(open, kOpen) << "a route opened (or closed) without a token: is that meant?";
}

TEST_F(AuthRoutesTest, EveryOtherRouteNeedsAToken) {
  int checked = 0;
  for (const auto& [r, q] : routes()) {
    SCOPED_TRACE(name_of(r) + " as " + q.method + " /" + q.path);
    auto res = send(anonymous(), q);
    if (r.access == RouteAccess::open) {
      EXPECT_NE(res.status, 401) << res.body;
      EXPECT_TRUE(res.header("www-authenticate").empty());
      continue;
    }
    ++checked;
    expect_outcome(res, 401);
    EXPECT_EQ(res.header("www-authenticate").rfind("Bearer realm=", 0), 0u) << res.header("www-authenticate");
    EXPECT_EQ(res.header("www-authenticate").find("error="), std::string::npos);
    // A token that is not ours is refused the same way, and says so.
    auto bad = send(anonymous().with_bearer("not-a-token"), q);
    expect_outcome(bad, 401);
    EXPECT_NE(bad.header("www-authenticate").find("error=\"invalid_token\""), std::string::npos);
  }
  EXPECT_EQ(checked, static_cast<int>(gateway::route_table().size() - kOpen.size()));
  // Nothing was written on the way.
  EXPECT_EQ(client().get("Patient/p1").json().find("meta")->string_at("versionId"), "1");
}

TEST_F(AuthRoutesTest, OpenRoutesAnswerWithoutAToken) {
  for (const auto& [r, q] : routes()) {
    if (r.access != RouteAccess::open) continue;
    SCOPED_TRACE(name_of(r));
    auto res = send(anonymous(), q);
    // The token endpoint refuses this incomplete request as OAuth does; the
    // rest answer.
    EXPECT_EQ(res.status, q.path == "auth/token" ? 400 : 200) << res.body;
  }
}

TEST_F(AuthRoutesTest, EveryOtherRouteChecksTheTokensScopes) {
  // Valid, but may only read Organizations: nothing the routes reach.
  TestClient orgs = client_as("partner", "system/Organization.r");
  for (const auto& [r, q] : routes()) {
    if (r.access == RouteAccess::open) continue;
    SCOPED_TRACE(name_of(r) + " as " + q.method + " /" + q.path);
    const HttpResult res = send(orgs, q);
    Value issue = expect_outcome(res, 403);
    EXPECT_EQ(issue.string_at("code"), "forbidden");
    // RFC 6750 §3.1: the token is fine, its scope is not.
    EXPECT_EQ(res.header("www-authenticate"), "Bearer realm=\"CareBridge\", error=\"insufficient_scope\"");
  }
  // The same requests with a token that has the scopes (and the role the
  // compliance operations need: the trail's accounting is compliance's
  // alone) are not refused.
  TestClient all = client_as("admin", "system/*.cruds");
  TestClient compliance = client_as("compliance", "");
  for (const auto& [r, q] : routes()) {
    if (r.access == RouteAccess::open) continue;
    SCOPED_TRACE(name_of(r) + " as " + q.method + " /" + q.path);
    auto res = send(r.interaction == gateway::Interaction::disclosures ? compliance : all, q);
    EXPECT_NE(res.status, 401) << res.body;
    EXPECT_NE(res.status, 403) << res.body;
  }
}

}  // namespace
}  // namespace carebridge::test
