// AuditEvent is the gateway's own trail: no client writes one, whatever
// its scopes, by any route (405, nothing stored).
#include <gtest/gtest.h>

#include <string>

#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

const std::string kEvent = R"({"resourceType":"AuditEvent","id":"forged",
  "type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},
  "recorded":"2025-01-01T00:00:00Z",
  "agent":[{"who":{"display":"someone"},"requestor":true}],
  "source":{"observer":{"display":"elsewhere"}}})";

class AuditTrailTest : public GatewayTest {};

TEST_F(AuditTrailTest, NoClientWritesAnAuditEvent) {
  const Headers patch_type{{"Content-Type", "application/json-patch+json"}};
  EXPECT_EQ(client().post("AuditEvent", kEvent).status, 405);
  EXPECT_EQ(client().put("AuditEvent/forged", kEvent).status, 405);
  EXPECT_EQ(client().put("AuditEvent?recorded=2025-01-01", kEvent).status, 405);
  EXPECT_EQ(client().request("PATCH", "AuditEvent/forged", "[]", patch_type).status, 405);
  EXPECT_EQ(client().del("AuditEvent/forged").status, 405);
  EXPECT_EQ(client().del("AuditEvent?recorded=2025-01-01").status, 405);
  auto answer = client().post("AuditEvent", kEvent);
  EXPECT_EQ(answer.json().string_at("resourceType"), "OperationOutcome");

  // In a transaction the whole Bundle fails; in a batch, the entry alone.
  const std::string entry = R"({"resource":)" + kEvent + R"(,"request":{"method":"PUT","url":"AuditEvent/forged"}})";
  auto tx = client().post("", R"({"resourceType":"Bundle","type":"transaction","entry":[)" + entry + "]}");
  EXPECT_EQ(tx.status, 405) << tx.body;
  auto batch = client().post("", R"({"resourceType":"Bundle","type":"batch","entry":[)" + entry + R"(,
    {"resource":{"resourceType":"Patient","id":"ok"},"request":{"method":"PUT","url":"Patient/ok"}}]})");
  ASSERT_EQ(batch.status, 200) << batch.body;
  const auto body = batch.json();
  const auto& entries = body.find("entry")->items();
  EXPECT_EQ(entries[0].find("response")->string_at("status").substr(0, 3), "405");
  EXPECT_EQ(entries[1].find("response")->string_at("status").substr(0, 3), "201");

  // Nothing was stored: the trail (compliance's to read) has no such record.
  EXPECT_EQ(client_for({.role = "compliance"}).get("AuditEvent/forged").status, 404);
}

}  // namespace
}  // namespace carebridge::test
