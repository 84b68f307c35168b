#include "gateway/disclosure/present.hpp"

#include "consent/labels/label_output.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "gateway/app/app_context.hpp"

namespace gateway {

void present(const AppContext& app, fhir::store::VersionRecord& rec) {
  if (rec.deleted || rec.label_key.empty() || app.part2_notice == nullptr) return;
  rec.json = consent::render_labeled(rec.json, rec.label_key, *app.part2_notice);
}

std::optional<std::string> with_patient_links(std::string_view json, const std::vector<std::string>& others) {
  if (others.empty()) return std::nullopt;
  auto patient = fhir::json::parse(json);
  if (!patient || !patient->is_object()) return std::nullopt;
  using fhir::json::Value;
  Value* links = patient->find("link");
  if (links == nullptr || !links->is_array()) links = &patient->set("link", Value::make_array());
  bool added = false;
  for (const auto& id : others) {
    const std::string reference = "Patient/" + id;
    bool present_already = false;
    for (const auto& l : links->items()) {
      const Value* other = l.find("other");
      present_already = present_already || (other != nullptr && other->string_at("reference") == reference);
    }
    if (present_already) continue;
    // R4 Patient.link.type seealso: "the patient resource containing this
    // link is in use and valid, but points to another patient resource
    // that is known to contain data about the same person" (neither
    // record replaces the other: both sources keep theirs).
    Value other = Value::make_object();
    other.set("reference", Value::make_string(reference));
    Value link = Value::make_object();
    link.set("other", std::move(other));
    link.set("type", Value::make_string("seealso"));
    links->push_back(std::move(link));
    added = true;
  }
  if (!added) return std::nullopt;
  return fhir::json::write(*patient);
}

}  // namespace gateway
