#include "mappers/outcomes/source_fields.hpp"

#include <string>

namespace mappers::outcomes {

void describe_source(const fhir::json::Value& resource, Score& s) {
  std::string_view type = resource.string_at("resourceType");
  std::string_view id = resource.string_at("id");
  s.source = id.empty() ? std::string() : std::string(type) + "/" + std::string(id);
  if (const auto* subject = resource.find("subject"); subject != nullptr)
    s.subject = std::string(subject->string_at("reference"));
  if (type == "QuestionnaireResponse") {
    s.effective = std::string(resource.string_at("authored"));
    return;
  }
  for (std::string_view key : {"effectiveDateTime", "effectiveInstant"}) {
    if (std::string_view t = resource.string_at(key); !t.empty()) {
      s.effective = std::string(t);
      return;
    }
  }
  if (const auto* period = resource.find("effectivePeriod"); period != nullptr) {
    std::string_view start = period->string_at("start");
    s.effective = std::string(start.empty() ? period->string_at("end") : start);
  }
}

}  // namespace mappers::outcomes
