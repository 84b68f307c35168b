#include "tests/gateway/care/care_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "fhir/core/instant.hpp"
#include "fhir/resource/resource.hpp"
#include "fhir/search/date_range.hpp"
#include "tests/support/fixture_paths.hpp"

namespace carebridge::test::care {

using fhir::json::Value;

std::int64_t ms(const std::string& date_or_instant) {
  auto range = fhir::search::parse_date_range(date_or_instant);
  EXPECT_TRUE(range.has_value()) << date_or_instant;
  return range ? range->low : 0;
}

std::string synthea_patient(const std::string& id) {
  auto r = fhir::Resource::parse(
      read_file(fixtures_dir() + "/synthea-sud/d69f0917-eea1-af79-624f-1bd8b274b255.json"));
  EXPECT_TRUE(r.ok());
  if (!r.ok()) return {};
  // The bundle's Patient entry.
  for (const auto& e : r->root().find("entry")->items()) {
    const Value* res = e.find("resource");
    if (res == nullptr || res->string_at("resourceType") != "Patient") continue;
    auto p = fhir::Resource::from_value(*res);
    EXPECT_TRUE(p.ok());
    p->set_id(id);
    return p->to_json();
  }
  ADD_FAILURE() << "no Patient in the Synthea fixture";
  return {};
}

std::string named_patient(const std::string& id, const std::string& family) {
  return R"({"resourceType":"Patient","id":")" + id + R"(","name":[{"family":")" + family + R"(","given":["Alex"]}]})";
}

std::string phq9(const std::string& id, const std::string& patient, int total, const std::string& date) {
  return R"({"resourceType":"Observation","id":")" + id + R"(","status":"final",
    "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"survey"}]}],
    "code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}],"text":"PHQ-9 total"},
    "subject":{"reference":"Patient/)" + patient + R"("},"effectiveDateTime":")" + date + R"(",
    "valueInteger":)" + std::to_string(total) + "}";
}

std::string phq9_response(const std::string& id, const std::string& patient, const std::string& date,
                          const std::string& item9) {
  auto r = fhir::Resource::parse(
      read_file(fixtures_dir() + "/behavioral/hl7-us-bh-profiles/QuestionnaireResponse-phq-9-example-1.json"));
  EXPECT_TRUE(r.ok());
  if (!r.ok()) return {};
  r->set_id(id);
  Value subject = Value::make_object();
  subject.set("reference", Value::make_string("Patient/" + patient));
  r->root().set("subject", std::move(subject));
  r->root().set("authored", Value::make_string(date));
  for (auto& item : r->root().find("item")->items()) {
    if (item9.empty() || item.string_at("linkId") != "/44260-8") continue;
    item.find("answer")->items()[0].find("valueCoding")->set("code", Value::make_string(item9));
    // The response's own total then disagrees; the gateway scores the answers.
  }
  return r->to_json();
}

std::string appointment(const std::string& id, const std::string& patient, const std::string& status,
                        const std::string& start, const std::string& based_on) {
  std::string out = R"({"resourceType":"Appointment","id":")" + id + R"(","status":")" + status + R"(",
    "start":")" + start + R"(","end":")" + start.substr(0, 10) + R"(T23:00:00Z",)";
  if (!based_on.empty()) out += R"("basedOn":[{"reference":")" + based_on + R"("}],)";
  out += R"("participant":[{"actor":{"reference":"Patient/)" + patient + R"("},"status":"accepted"}]})";
  return out;
}

std::string encounter(const std::string& id, const std::string& patient, const std::string& status,
                      const std::string& cls, const std::string& start, const std::string& end) {
  std::string out = R"({"resourceType":"Encounter","id":")" + id + R"(","status":")" + status + R"(",
    "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":")" + cls + R"("},
    "subject":{"reference":"Patient/)" + patient + R"("},"period":{"start":")" + start + "\"";
  if (!end.empty()) out += R"(,"end":")" + end + "\"";
  return out + "}}";
}

std::string referral(const std::string& id, const std::string& patient, const std::string& status,
                     const std::string& authored) {
  return R"({"resourceType":"ServiceRequest","id":")" + id + R"(","status":")" + status + R"(","intent":"order",
    "code":{"coding":[{"system":"http://snomed.info/sct","code":"306206005","display":"Referral to service"}]},
    "subject":{"reference":"Patient/)" + patient + R"("},"authoredOn":")" + authored + R"("})";
}

std::string group(const std::string& id, const std::vector<std::string>& patients) {
  std::string out = R"({"resourceType":"Group","id":")" + id + R"(","type":"person","actual":true,"member":[)";
  for (std::size_t i = 0; i < patients.size(); ++i) {
    if (i > 0) out += ',';
    out += R"({"entity":{"reference":"Patient/)" + patients[i] + R"("}})";
  }
  return out + "]}";
}

std::vector<std::string> flag_codes(const std::vector<Value>& flags, std::string_view status) {
  std::vector<std::string> out;
  for (const auto& f : flags) {
    if (f.string_at("status") != status) continue;
    const Value* code = f.find("code");
    const Value* codings = code ? code->find("coding") : nullptr;
    if (codings == nullptr) continue;
    for (const auto& c : codings->items())
      if (c.string_at("system") == "urn:carebridge:care-flag") out.emplace_back(c.string_at("code"));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace carebridge::test::care
