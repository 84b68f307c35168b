// A gateway under test with what search tests share: loading official R4
// examples, running a search, and reading a searchset's links and total.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "fhir/json/value.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/test_client.hpp"

namespace carebridge::test {

class SearchFixture : public GatewayTest {
 protected:
  // PUTs the official examples (tests/fixtures/r4-examples) whose file
  // names start with one of `prefixes` ("" for all), in file name order.
  // AuditEvent examples are left out: AuditEvent is the gateway's own trail.
  void load_examples(std::initializer_list<std::string_view> prefixes);
  // PUTs one resource at its own Type/id.
  void put_text(const std::string& text);
  // GETs a search; expects 200.
  fhir::json::Value search(const std::string& query, const Headers& headers = {});

  // The URL of the link with this relation, or "".
  static std::string link(const fhir::json::Value& bundle, std::string_view relation);
  // Bundle.total as text, or "(none)".
  static std::string total(const fhir::json::Value& bundle);
};

}  // namespace carebridge::test
