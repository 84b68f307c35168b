// Whole Synthea patients as the care model sees them, for the care-model
// tests: a transaction Bundle's resources as the gateway stores them, and
// their care facts with type and id filled in as the store fills them.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "fhir/json/value.hpp"
#include "fhir/store/care_fact.hpp"
#include "mappers/care/care_facts.hpp"
#include "tests/mappers/outcomes/outcomes_test_data.hpp"

namespace mappers::care::test {

// The resources of a transaction Bundle as the gateway stores them: each
// urn:uuid reference to another entry rewritten to "Type/id" (R4
// transaction processing; Synthea's ids are its uuids, kept as a PUT).
inline std::vector<fhir::json::Value> transaction_resources(const fhir::json::Value& bundle) {
  using fhir::json::Value;
  std::map<std::string, std::string> local;
  for (const Value& e : bundle.find("entry")->items()) {
    const Value* r = e.find("resource");
    local[std::string(e.string_at("fullUrl"))] =
        std::string(r->string_at("resourceType")) + "/" + std::string(r->string_at("id"));
  }
  auto rewrite = [&local](auto& self, Value& v) -> void {
    if (v.is_array())
      for (Value& item : v.items()) self(self, item);
    if (!v.is_object()) return;
    for (auto& [key, member] : v.members()) {
      if (key == "reference" && member.is_string())
        if (auto it = local.find(member.text()); it != local.end()) member = Value::make_string(it->second);
      self(self, member);
    }
  };
  std::vector<Value> out;
  for (const Value& e : bundle.find("entry")->items()) {
    Value r = *e.find("resource");
    rewrite(rewrite, r);
    out.push_back(std::move(r));
  }
  return out;
}

// The care facts of a stored transaction Bundle, each with the type and id
// of its resource (what evidence names) and version 1.
inline std::vector<fhir::store::CareFact> stored_facts(const fhir::json::Value& bundle) {
  std::vector<fhir::store::CareFact> out;
  for (const auto& r : transaction_resources(bundle))
    for (auto& f : care_facts_of(outcomes::test::table(), r)) {
      f.type = std::string(r.string_at("resourceType"));
      f.id = std::string(r.string_at("id"));
      f.version = 1;
      out.push_back(std::move(f));
    }
  return out;
}

}  // namespace mappers::care::test
