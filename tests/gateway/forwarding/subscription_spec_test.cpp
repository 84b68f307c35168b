// A Subscription read into what the gateway delivers (issue 10,
// forwarding): the official R4 example (Subscription-example.json, its
// narrative left out; embedded so the r4-examples round trip stays as it
// is) read whole, and one edited variant per refusal, each checked for the
// element it names and for not echoing the endpoint or header values.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"
#include "gateway/forwarding/subscription_spec.hpp"
#include "tests/fhir/search/r4_definitions.hpp"

namespace gateway::forwarding {
namespace {

using fhir::json::Value;

constexpr const char* kExample = R"({
  "resourceType": "Subscription",
  "id": "example",
  "status": "requested",
  "contact": [{"system": "phone", "value": "ext 4123"}],
  "end": "2021-01-01T00:00:00Z",
  "reason": "Monitor new neonatal function",
  "criteria": "Observation?code=http://loinc.org|1975-2",
  "channel": {
    "type": "rest-hook",
    "endpoint": "https://biliwatch.com/customers/mount-auburn-miu/on-result",
    "payload": "application/fhir+json",
    "header": ["Authorization: Bearer secret-token-abc-123"]
  }
})";

const std::vector<std::string> kPrefixes = {"https://biliwatch.com/customers/mount-auburn-miu/"};

Value example() {
  auto v = fhir::json::parse(kExample);
  EXPECT_TRUE(v.ok());
  return v.ok() ? *v : Value();
}

Value& channel(Value& s) { return *s.find("channel"); }

fhir::Result<SubscriptionSpec> read(const Value& s) {
  const auto* params = fhir::search::test::r4_params();
  if (params == nullptr) return fhir::make_issue(fhir::err::kInternal, "no search parameters");
  return read_subscription(s, *params, kPrefixes);
}

// Refused, naming `expression`, without the endpoint or the secret.
void expect_refused(const Value& s, const std::string& expression, const std::string& code = "value") {
  auto r = read(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.issue().expression, expression);
  EXPECT_EQ(r.issue().code, code);
  for (const char* secret : {"biliwatch", "evil", "secret-token", "Bearer"})
    EXPECT_EQ(r.issue().diagnostics.find(secret), std::string::npos) << r.issue().diagnostics;
}

Value payload_extension(const char* code) {
  Value ext = Value::make_object();
  ext.set("url", Value::make_string(kBackportPayloadContentUrl));
  ext.set("valueCode", Value::make_string(code));
  Value list = Value::make_array();
  list.push_back(std::move(ext));
  Value meta = Value::make_object();
  meta.set("extension", std::move(list));
  return meta;
}

TEST(SubscriptionSpecTest, ReadsTheR4Example) {
  auto r = read(example());
  ASSERT_TRUE(r.ok()) << r.issue().diagnostics;
  EXPECT_EQ(r->criteria_type, "Observation");
  ASSERT_EQ(r->query.criteria.size(), 1u);
  EXPECT_EQ(r->query.criteria[0].name, "code");
  ASSERT_EQ(r->query.criteria[0].any_of.size(), 1u);
  const auto* token = std::get_if<fhir::search::TokenArg>(&r->query.criteria[0].any_of[0]);
  ASSERT_NE(token, nullptr);
  EXPECT_EQ(token->system, "http://loinc.org");
  EXPECT_EQ(token->code, "1975-2");
  EXPECT_EQ(r->endpoint, "https://biliwatch.com/customers/mount-auburn-miu/on-result");
  EXPECT_EQ(r->origin, "https://biliwatch.com");
  EXPECT_EQ(r->content, PayloadContent::id_only);  // payload without the extension
  ASSERT_EQ(r->headers.size(), 1u);
  EXPECT_EQ(r->headers[0].first, "Authorization");
  EXPECT_EQ(r->headers[0].second, "Bearer secret-token-abc-123");
  EXPECT_EQ(r->end_ms, std::int64_t{1609459200000});  // 2021-01-01T00:00:00Z
}

TEST(SubscriptionSpecTest, IssueCriteriaWithTwoParameters) {
  Value s = example();
  s.set("criteria", Value::make_string("Observation?patient=123&code=http://loinc.org|44261-6"));
  s.erase("end");
  auto r = read(s);
  ASSERT_TRUE(r.ok()) << r.issue().diagnostics;
  EXPECT_EQ(r->query.criteria.size(), 2u);
  EXPECT_FALSE(r->end_ms.has_value());
}

TEST(SubscriptionSpecTest, BareTypeCriteria) {
  Value s = example();
  s.set("criteria", Value::make_string("Observation"));
  auto r = read(s);
  ASSERT_TRUE(r.ok()) << r.issue().diagnostics;
  EXPECT_EQ(r->criteria_type, "Observation");
  EXPECT_TRUE(r->query.criteria.empty());
}

TEST(SubscriptionSpecTest, PayloadContentLevels) {
  for (auto [code, want] : {std::pair{"empty", PayloadContent::empty}, std::pair{"id-only", PayloadContent::id_only},
                            std::pair{"full-resource", PayloadContent::full_resource}}) {
    Value s = example();
    channel(s).set("_payload", payload_extension(code));
    auto r = read(s);
    ASSERT_TRUE(r.ok()) << code << ": " << r.issue().diagnostics;
    EXPECT_EQ(r->content, want) << code;
  }
  Value s = example();
  channel(s).erase("payload");
  auto r = read(s);
  ASSERT_TRUE(r.ok()) << r.issue().diagnostics;
  EXPECT_EQ(r->content, PayloadContent::empty);  // R4: no payload, just a notification

  channel(s).set("payload", Value::make_string("application/json"));
  r = read(s);
  ASSERT_TRUE(r.ok()) << r.issue().diagnostics;
  EXPECT_EQ(r->content, PayloadContent::id_only);
}

TEST(SubscriptionSpecTest, RefusesBadCriteria) {
  for (const char* criteria : {"", "https://other.example/fhir/Observation?code=1", "/Observation?code=1",
                               "observation?code=1", "NoSuchType?code=1", "Observation?code=a%zz"}) {
    Value s = example();
    s.set("criteria", Value::make_string(criteria));
    SCOPED_TRACE(criteria);
    expect_refused(s, "Subscription.criteria");
  }
  Value s = example();
  s.erase("criteria");
  expect_refused(s, "Subscription.criteria");
  // Strict: an unknown or unsupported parameter, or a result control.
  for (const char* criteria :
       {"Observation?nosuch=1", "Observation?code:in=http://vs.example", "Observation?_include=Observation:patient",
        "Observation?_count=5", "Observation?_format=json",
        // Chains and _has decide on resources the notification is not about.
        "Observation?subject:Patient.name=peter", "Patient?_has:Condition:subject:code=F11.20",
        // A search ignores an empty value; a subscription would widen.
        "Observation?patient=", "Observation?code=http://loinc.org|1975-2&patient="}) {
    s.set("criteria", Value::make_string(criteria));
    SCOPED_TRACE(criteria);
    expect_refused(s, "Subscription.criteria", "invalid");
  }
}

TEST(SubscriptionSpecTest, RefusesBadChannel) {
  Value s = example();
  channel(s).set("type", Value::make_string("websocket"));
  expect_refused(s, "Subscription.channel.type");

  s = example();
  s.erase("channel");
  expect_refused(s, "Subscription.channel");

  s = example();
  channel(s).erase("endpoint");
  expect_refused(s, "Subscription.channel.endpoint");

  for (const char* url : {"https://evil.example/hook", "https://biliwatch.com.evil.example/customers/mount-auburn-miu/x",
                          "http://biliwatch.com/customers/mount-auburn-miu/on-result"}) {
    s = example();
    channel(s).set("endpoint", Value::make_string(url));
    SCOPED_TRACE(url);
    expect_refused(s, "Subscription.channel.endpoint", "forbidden");
  }
}

TEST(SubscriptionSpecTest, RefusesBadPayload) {
  Value s = example();
  channel(s).set("payload", Value::make_string("application/fhir+xml"));
  expect_refused(s, "Subscription.channel.payload");

  s = example();
  channel(s).set("_payload", payload_extension("everything"));
  expect_refused(s, "Subscription.channel.payload.extension");

  s = example();
  channel(s).erase("payload");
  channel(s).set("_payload", payload_extension("full-resource"));
  expect_refused(s, "Subscription.channel.payload");
}

TEST(SubscriptionSpecTest, RefusesBadHeaders) {
  for (const char* line : {"Authorization: Bearer secret-token\r\nX-Evil: 1", "Authorization Bearer secret-token",
                           ": Bearer secret-token", "Bad Name: secret-token", "Host: evil.example",
                           "Content-Length: 0", "X-Key: secret-token\x01"}) {
    Value s = example();
    Value list = Value::make_array();
    list.push_back(Value::make_string("X-Ok: 1"));
    list.push_back(Value::make_string(line));
    channel(s).set("header", std::move(list));
    SCOPED_TRACE(testing::PrintToString(std::string(line)));
    expect_refused(s, "Subscription.channel.header[1]");
  }
}

TEST(SubscriptionSpecTest, RefusesBadEnd) {
  for (const char* end : {"2021-01-01", "yesterday", "2021-01-01T00:00:00"}) {
    Value s = example();
    s.set("end", Value::make_string(end));
    SCOPED_TRACE(end);
    expect_refused(s, "Subscription.end");
  }
}

TEST(SubscriptionSpecTest, RefusesAnotherResource) {
  Value s = example();
  s.set("resourceType", Value::make_string("Patient"));
  expect_refused(s, "Subscription", "invalid");
}

}  // namespace
}  // namespace gateway::forwarding
