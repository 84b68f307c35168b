// The audit trail of a running in-process gateway, read back as the
// AuditEvents a compliance officer would get: for tests that count and
// inspect what each request recorded.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "consent/audit/audit_event.hpp"
#include "consent/audit/audit_log.hpp"
#include "fhir/json/parse.hpp"
#include "gateway/app/runtime.hpp"
#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {

// The records whose requesting client is client_id, oldest first.
inline std::vector<fhir::json::Value> audit_events_of(RunningGateway& gateway, const std::string& client_id) {
  consent::AuditQuery q;
  q.agent = {client_id};
  q.limit = 1000;
  auto page = gateway.runtime().app().audit->search(q);
  EXPECT_TRUE(page.ok());
  std::vector<fhir::json::Value> out;
  if (!page.ok()) return out;
  for (const auto& r : page->records) {
    auto json = consent::audit_event_json(r);
    EXPECT_TRUE(json.ok());
    if (json.ok()) out.push_back(*fhir::json::parse(*json));
  }
  return out;
}

}  // namespace carebridge::test
