#include "mappers/care/resource_fields.hpp"

#include "fhir/search/date_range.hpp"
#include "fhir/search/reference_parts.hpp"

namespace mappers::care {

using fhir::json::Value;

std::string_view local_reference(std::string_view reference, std::string_view type) {
  auto parts = fhir::search::parse_reference(reference);
  // A base means another server (or a path we cannot place); a local "#x"
  // is a contained resource; no id is a conditional reference.
  if (!parts || parts->local || !parts->base.empty() || parts->id.empty() || parts->type != type) return {};
  const char* from = parts->type.data();
  const char* to = parts->id.data() + parts->id.size();
  return {from, static_cast<std::size_t>(to - from)};
}

std::string_view patient_id(std::string_view reference) {
  std::string_view local = local_reference(reference, "Patient");
  return local.empty() ? local : local.substr(local.find('/') + 1);
}

std::string_view patient_id_of(const Value* reference) {
  return reference == nullptr ? std::string_view() : patient_id(reference->string_at("reference"));
}

std::optional<std::int64_t> epoch_ms(std::string_view text) {
  // The search parser, not fhir::parse_instant: that one refuses a time
  // without a zone, which R4 dateTimes in the wild do carry.
  auto range = fhir::search::parse_date_range(text);
  if (!range) return std::nullopt;
  return range->low;
}

std::int64_t epoch_ms_at(const Value& object, std::string_view key) {
  return epoch_ms(object.string_at(key)).value_or(0);
}

std::optional<CodingView> first_coding(const Value* codeable) {
  const Value* codings = codeable == nullptr ? nullptr : codeable->find("coding");
  if (codings == nullptr) return std::nullopt;
  for (const Value& c : codings->items()) {
    std::string_view code = c.string_at("code");
    if (!code.empty()) return CodingView{c.string_at("system"), code};
  }
  return std::nullopt;
}

PeriodMs period_ms(const Value* period) {
  if (period == nullptr) return {};
  return PeriodMs{epoch_ms_at(*period, "start"), epoch_ms_at(*period, "end")};
}

bool has_tag(const Value& resource, std::string_view system) {
  const Value* meta = resource.find("meta");
  const Value* tags = meta == nullptr ? nullptr : meta->find("tag");
  if (tags == nullptr) return false;
  for (const Value& t : tags->items())
    if (t.string_at("system") == system) return true;
  return false;
}

}  // namespace mappers::care
