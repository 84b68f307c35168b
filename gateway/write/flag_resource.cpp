#include "gateway/write/flag_resource.hpp"

#include <utility>

#include "fhir/core/instant.hpp"
#include "gateway/write/derived_json.hpp"

namespace gateway {

using fhir::json::Value;
using namespace derived;

namespace {

constexpr std::string_view kFlagCategory = "http://terminology.hl7.org/CodeSystem/flag-category";
constexpr std::string_view kFlagDetail = "http://hl7.org/fhir/StructureDefinition/flag-detail";

Value without_meta(Value v) {
  v.erase("meta");
  return v;
}

}  // namespace

std::string flag_id(std::string_view patient, std::string_view code, std::string_view instrument) {
  return hashed_id("Flag|" + std::string(patient) + "|" + std::string(code) + "|" + std::string(instrument));
}

Value active_flag(const std::string& id, std::string_view patient, const mappers::care::FlagFinding& finding) {
  Value f = Value::make_object();
  f.set("resourceType", str("Flag"));
  f.set("id", str(id));
  f.set("meta", derived_meta(kDerivedFlagCode));
  if (!finding.evidence.empty()) {
    Value extensions = Value::make_array();
    for (const std::string& ref : finding.evidence) {
      Value e = Value::make_object();
      e.set("url", str(kFlagDetail));
      e.set("valueReference", reference(ref));
      extensions.push_back(std::move(e));
    }
    f.set("extension", std::move(extensions));
  }
  f.set("status", str("active"));
  f.set("category", one(concept_of(coding(kFlagCategory, "clinical", "Clinical"))));
  Value code = concept_of(coding(kCareFlagSystem, finding.code, finding.display), finding.display);
  f.set("code", std::move(code));
  f.set("subject", reference("Patient/" + std::string(patient)));
  Value period = Value::make_object();
  period.set("start", str(fhir::format_instant(finding.since_ms)));
  f.set("period", std::move(period));
  return f;
}

Value cleared_flag(Value stored, std::int64_t end_ms) {
  stored.set("status", str("inactive"));
  Value* period = stored.find("period");
  if (period == nullptr) period = &stored.set("period", Value::make_object());
  period->set("end", str(fhir::format_instant(end_ms)));
  return stored;
}

bool same_flag(const Value& a, const Value& b) { return without_meta(a) == without_meta(b); }

}  // namespace gateway
