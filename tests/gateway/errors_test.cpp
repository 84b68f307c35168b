// Every error is an OperationOutcome with the registry's status, and bad
// input changes nothing in the store.
#include <gtest/gtest.h>

#include "tests/support/gateway_fixture.hpp"
#include "tests/support/outcome_checks.hpp"

namespace carebridge::test {
namespace {

class ErrorsTest : public GatewayTest {
 protected:
  // The store holds nothing for Patient: type history is empty.
  void expect_no_patients() {
    auto h = client().get("Patient/_history");
    ASSERT_EQ(h.status, 200);
    EXPECT_EQ(h.json().find("total")->text(), "0") << h.body;
  }
};

TEST_F(ErrorsTest, MalformedJson) {
  auto issue = expect_outcome(client().post("Patient", R"({"resourceType":"Patient",)"), 400);
  EXPECT_EQ(issue.string_at("severity"), "error");
  expect_no_patients();
}

TEST_F(ErrorsTest, DuplicateMemberNames) {
  expect_outcome(client().post("Patient", R"({"resourceType":"Patient","active":true,"active":false})"), 400);
}

TEST_F(ErrorsTest, WrongResourceType) {
  auto issue = expect_outcome(client().post("Patient", R"({"resourceType":"Observation","status":"final","code":{"text":"x"}})"), 400);
  EXPECT_EQ(expression_of(issue), "resourceType");
  expect_no_patients();
}

TEST_F(ErrorsTest, IdMismatchAndMissingId) {
  auto issue = expect_outcome(client().put("Patient/a", R"({"resourceType":"Patient","id":"b"})"), 400);
  EXPECT_EQ(expression_of(issue), "Patient.id");
  expect_outcome(client().put("Patient/a", R"({"resourceType":"Patient"})"), 400);
  expect_no_patients();
}

TEST_F(ErrorsTest, InvalidIds) {
  expect_outcome(client().get("Patient/" + std::string(65, 'a')), 400);
  expect_outcome(client().get("Patient/a_b"), 400);
  expect_outcome(client().put("Patient/a%20b", R"({"resourceType":"Patient","id":"a b"})"), 400);
  expect_no_patients();
}

TEST_F(ErrorsTest, StructureErrorsNameTheElement) {
  struct Case {
    const char* body;
    const char* expression;
  } cases[] = {
      {R"({"resourceType":"Patient","active":"yes"})", "Patient.active"},
      {R"({"resourceType":"Patient","birthDate":"1990-13-45"})", "Patient.birthDate"},
      {R"({"resourceType":"Patient","foo":1})", "Patient.foo"},
      {R"({"resourceType":"Patient","name":{"family":"X"}})", "Patient.name"},
      {R"({"resourceType":"Patient","gender":["male"]})", "Patient.gender"},
      {R"({"resourceType":"Patient","name":[{"given":"Peter"}]})", "Patient.name[0].given"},
  };
  for (const auto& c : cases) {
    auto issue = expect_outcome(client().post("Patient", c.body), 400);
    EXPECT_EQ(expression_of(issue), c.expression) << c.body;
    // The offending value is not echoed back (it may be PHI).
    EXPECT_EQ(issue.string_at("diagnostics").find("1990-13-45"), std::string::npos);
  }
  expect_no_patients();
}

TEST_F(ErrorsTest, UnknownTypeAndId) {
  expect_outcome(client().get("Patientt/1"), 404);
  expect_outcome(client().post("NotAType", R"({"resourceType":"NotAType"})"), 404);
  expect_outcome(client().get("Patient/nobody"), 404);
  expect_outcome(client().get("Patient/nobody/_history/1"), 404);
  expect_outcome(client().get("Patient/nobody/_history"), 404);
  expect_outcome(client().get("no/such/path/here"), 404);
}

TEST_F(ErrorsTest, MethodNotAllowed) {
  expect_outcome(client().request("PATCH", "metadata"), 405);
  expect_outcome(client().del("_history"), 405);
  expect_outcome(client().put("metadata", "{}"), 405);
  expect_outcome(client().post("Patient/1", R"({"resourceType":"Patient"})"), 405);
}

TEST_F(ErrorsTest, XmlIsRefused) {
  expect_outcome(client().get("metadata", {{"Accept", "application/fhir+xml"}}), 406);
  expect_outcome(client().get("metadata?_format=xml"), 406);
  expect_outcome(client().post("Patient", "<Patient xmlns=\"http://hl7.org/fhir\"/>",
                               {{"Content-Type", "application/fhir+xml"}}),
                 415);
  expect_no_patients();
  // JSON asks in every accepted form work.
  EXPECT_EQ(client().get("metadata", {{"Accept", "application/json"}}).status, 200);
  EXPECT_EQ(client().get("metadata?_format=json").status, 200);
  EXPECT_EQ(client().get("metadata?_format=application/fhir%2Bjson").status, 200);
  EXPECT_EQ(client().get("metadata", {{"Accept", "application/fhir+xml;q=0.9, */*;q=0.1"}}).status, 200);
}

TEST_F(ErrorsTest, EmptyBody) {
  expect_outcome(client().post("Patient", "", {{"Content-Type", "application/fhir+json"}}), 400);
  // curl's default form type is not JSON.
  expect_outcome(client().post("Patient", ""), 415);
}

class SmallBodyLimit : public ErrorsTest {
  void configure(gateway::Settings& s) override { s.body_limit = 1000; }
};

TEST_F(SmallBodyLimit, OversizedBodyIs413) {
  std::string big = R"({"resourceType":"Patient","name":[{"text":")" + std::string(2000, 'x') + "\"}]}";
  expect_outcome(client().post("Patient", big), 413);
  expect_no_patients();
  // The server is still serving.
  EXPECT_EQ(client().post("Patient", R"({"resourceType":"Patient"})").status, 201);
}

}  // namespace
}  // namespace carebridge::test
