// The notification Bundles of the R4 Subscriptions Backport IG 1.1.0
// (issue 10, forwarding): each payload content level and the handshake,
// compared whole against the expected structure, and the full-resource
// splice checked byte for byte.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fhir/json/parse.hpp"
#include "gateway/forwarding/notification_bundle.hpp"

namespace gateway::forwarding {
namespace {

using fhir::json::Value;

Value parsed(const std::string& text) {
  auto v = fhir::json::parse(text);
  EXPECT_TRUE(v.ok()) << text << ": " << (v.ok() ? "" : v.issue().diagnostics);
  return v.ok() ? *v : Value();
}

// Structure equality (member order included), with both texts in the
// failure message.
void expect_same(const std::string& actual, const std::string& expected) {
  EXPECT_TRUE(parsed(actual) == parsed(expected)) << "actual:   " << actual << "\nexpected: " << expected;
}

NotificationStatus status() {
  NotificationStatus s;
  s.base_url = "https://gw.example/fhir";
  s.subscription_id = "sub1";
  s.status = "active";
  s.type = NotificationType::event_notification;
  s.events_since_start = "7";
  s.status_uuid = "9e41ff6d-5be6-4e6a-8b85-abd4e7f58400";
  s.timestamp = "2024-03-01T10:00:00Z";
  return s;
}

const std::string kObs = R"({"resourceType":"Observation","id":"o1","meta":{"versionId":"3","security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"HIV"}]},"status":"final","valueQuantity":{"value":1.50}})";

std::vector<NotificationEvent> events() {
  return {{"6", "2024-03-01T09:59:58Z", "Observation/o1/_history/3", kObs},
          {"7", "2024-03-01T09:59:59Z", "Patient/p1", R"({"resourceType":"Patient","id":"p1"})"}};
}

// The status entry with the given notification-event parameters spliced in.
std::string expected_status_entry(const std::string& type, const std::string& events_json) {
  return R"({"fullUrl":"urn:uuid:9e41ff6d-5be6-4e6a-8b85-abd4e7f58400","resource":{"resourceType":"Parameters","id":"9e41ff6d-5be6-4e6a-8b85-abd4e7f58400","meta":{"profile":["http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4"]},"parameter":[)"
         R"({"name":"subscription","valueReference":{"reference":"https://gw.example/fhir/Subscription/sub1"}},)"
         R"({"name":"status","valueCode":"active"},{"name":"type","valueCode":")" +
         type + R"("},{"name":"events-since-subscription-start","valueString":"7"})" + events_json +
         R"(]},"request":{"method":"GET","url":"https://gw.example/fhir/Subscription/sub1/$status"},"response":{"status":"200"}})";
}

std::string expected_bundle(const std::string& entries) {
  return R"({"resourceType":"Bundle","meta":{"profile":["http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4"]},"type":"history","timestamp":"2024-03-01T10:00:00Z","entry":[)" +
         entries + "]}";
}

TEST(NotificationBundleTest, EmptyCarriesOnlyTheStatusAndNoFocus) {
  const std::string events_json =
      R"(,{"name":"notification-event","part":[{"name":"event-number","valueString":"6"},{"name":"timestamp","valueInstant":"2024-03-01T09:59:58Z"}]})"
      R"(,{"name":"notification-event","part":[{"name":"event-number","valueString":"7"},{"name":"timestamp","valueInstant":"2024-03-01T09:59:59Z"}]})";
  const std::string out = notification_bundle(status(), PayloadContent::empty, events());
  expect_same(out, expected_bundle(expected_status_entry("event-notification", events_json)));
  EXPECT_EQ(out.find("Observation"), std::string::npos) << out;  // nothing of the data leaks
}

const std::string kEventsWithFocus =
    R"(,{"name":"notification-event","part":[{"name":"event-number","valueString":"6"},{"name":"timestamp","valueInstant":"2024-03-01T09:59:58Z"},{"name":"focus","valueReference":{"reference":"https://gw.example/fhir/Observation/o1/_history/3"}}]})"
    R"(,{"name":"notification-event","part":[{"name":"event-number","valueString":"7"},{"name":"timestamp","valueInstant":"2024-03-01T09:59:59Z"},{"name":"focus","valueReference":{"reference":"https://gw.example/fhir/Patient/p1"}}]})";

TEST(NotificationBundleTest, IdOnlyHasFocusAndEntriesWithoutResources) {
  const std::string out = notification_bundle(status(), PayloadContent::id_only, events());
  expect_same(out, expected_bundle(
      expected_status_entry("event-notification", kEventsWithFocus) +
      R"(,{"fullUrl":"https://gw.example/fhir/Observation/o1","request":{"method":"GET","url":"Observation/o1/_history/3"},"response":{"status":"200","etag":"W/\"3\""}})"
      R"(,{"fullUrl":"https://gw.example/fhir/Patient/p1","request":{"method":"GET","url":"Patient/p1"},"response":{"status":"200"}})"));
}

TEST(NotificationBundleTest, FullResourceCarriesTheResources) {
  const std::string out = notification_bundle(status(), PayloadContent::full_resource, events());
  expect_same(out, expected_bundle(
      expected_status_entry("event-notification", kEventsWithFocus) +
      R"(,{"fullUrl":"https://gw.example/fhir/Observation/o1","resource":)" + kObs +
      R"(,"request":{"method":"GET","url":"Observation/o1/_history/3"},"response":{"status":"200","etag":"W/\"3\""}})"
      R"(,{"fullUrl":"https://gw.example/fhir/Patient/p1","resource":{"resourceType":"Patient","id":"p1"},"request":{"method":"GET","url":"Patient/p1"},"response":{"status":"200"}})"));
}

TEST(NotificationBundleTest, FullResourceSplicesTheTextVerbatim) {
  // Spacing, member order and the number's text are the caller's: the
  // resource is spliced, not re-serialised.
  const std::string odd = "{ \"resourceType\" : \"Observation\",\n  \"valueDecimal\": 1.50e0, \"id\":\"o1\" }";
  const std::string out = notification_bundle(status(), PayloadContent::full_resource,
                                              {{"1", "", "Observation/o1", odd}});
  EXPECT_NE(out.find("\"resource\":" + odd + ","), std::string::npos) << out;
  EXPECT_TRUE(fhir::json::parse(out).ok()) << out;
}

TEST(NotificationBundleTest, FullResourceWithoutTextTravelsAsIdOnly) {
  // A deleted resource has no content: its entry keeps fullUrl, request
  // and response, and carries no resource.
  const std::string out = notification_bundle(status(), PayloadContent::full_resource,
                                              {{"1", "", "Patient/p1", ""}});
  const Value v = parsed(out);
  const Value* entries = v.find("entry");
  ASSERT_NE(entries, nullptr);
  ASSERT_EQ(entries->items().size(), 2u);
  EXPECT_EQ(entries->items()[1].find("resource"), nullptr) << out;
  EXPECT_EQ(entries->items()[1].string_at("fullUrl"), "https://gw.example/fhir/Patient/p1");
}

TEST(NotificationBundleTest, Handshake) {
  NotificationStatus s = status();
  s.status = "requested";
  s.events_since_start = "0";
  s.topic = "http://example.org/topic/admission";
  s.type = NotificationType::event_notification;  // the handshake sets its own type
  const std::string out = handshake_bundle(s);
  expect_same(out, expected_bundle(
      R"({"fullUrl":"urn:uuid:9e41ff6d-5be6-4e6a-8b85-abd4e7f58400","resource":{"resourceType":"Parameters","id":"9e41ff6d-5be6-4e6a-8b85-abd4e7f58400","meta":{"profile":["http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4"]},"parameter":[)"
      R"({"name":"subscription","valueReference":{"reference":"https://gw.example/fhir/Subscription/sub1"}},)"
      R"({"name":"topic","valueCanonical":"http://example.org/topic/admission"},)"
      R"({"name":"status","valueCode":"requested"},{"name":"type","valueCode":"handshake"},)"
      R"({"name":"events-since-subscription-start","valueString":"0"}]},)"
      R"("request":{"method":"GET","url":"https://gw.example/fhir/Subscription/sub1/$status"},"response":{"status":"200"}})"));
}

TEST(NotificationBundleTest, OptionalPartsAreOmittedWhenUnset) {
  NotificationStatus s;
  s.base_url = "https://gw.example/fhir";
  s.subscription_id = "sub1";
  s.status = "active";
  s.type = NotificationType::heartbeat;
  const std::string out = notification_bundle(s, PayloadContent::id_only, {});
  expect_same(out,
      R"({"resourceType":"Bundle","meta":{"profile":["http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4"]},"type":"history","entry":[)"
      R"({"resource":{"resourceType":"Parameters","meta":{"profile":["http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4"]},"parameter":[)"
      R"({"name":"subscription","valueReference":{"reference":"https://gw.example/fhir/Subscription/sub1"}},)"
      R"({"name":"status","valueCode":"active"},{"name":"type","valueCode":"heartbeat"}]},)"
      R"("request":{"method":"GET","url":"https://gw.example/fhir/Subscription/sub1/$status"},"response":{"status":"200"}}]})");
}

TEST(NotificationBundleTest, StringsAreEscaped) {
  NotificationStatus s = status();
  s.topic = "http://example.org/t\"\\x";
  const Value v = parsed(notification_bundle(s, PayloadContent::empty, {}));
  const Value& params = *v.find("entry")->items()[0].find("resource")->find("parameter");
  EXPECT_EQ(params.items()[1].string_at("valueCanonical"), "http://example.org/t\"\\x");
}

TEST(NotificationBundleTest, Codes) {
  EXPECT_STREQ(payload_content_code(PayloadContent::empty), "empty");
  EXPECT_STREQ(payload_content_code(PayloadContent::id_only), "id-only");
  EXPECT_STREQ(payload_content_code(PayloadContent::full_resource), "full-resource");
  EXPECT_STREQ(notification_type_code(NotificationType::handshake), "handshake");
  EXPECT_STREQ(notification_type_code(NotificationType::heartbeat), "heartbeat");
  EXPECT_STREQ(notification_type_code(NotificationType::event_notification), "event-notification");
  EXPECT_STREQ(notification_type_code(NotificationType::query_status), "query-status");
  EXPECT_STREQ(notification_type_code(NotificationType::query_event), "query-event");
}

}  // namespace
}  // namespace gateway::forwarding
