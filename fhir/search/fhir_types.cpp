#include "fhir/search/fhir_types.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace fhir::search {
namespace {

using Pair = std::pair<std::string_view, std::string_view>;

// R4 "open type" list (datatypes.html#open): every type a choice element
// can take, keyed by the capitalised suffix JSON uses. Sorted by suffix.
constexpr std::array<Pair, 50> kChoiceTypes{{
    {"Address", "Address"},
    {"Age", "Age"},
    {"Annotation", "Annotation"},
    {"Attachment", "Attachment"},
    {"Base64Binary", "base64Binary"},
    {"Boolean", "boolean"},
    {"Canonical", "canonical"},
    {"Code", "code"},
    {"CodeableConcept", "CodeableConcept"},
    {"Coding", "Coding"},
    {"ContactDetail", "ContactDetail"},
    {"ContactPoint", "ContactPoint"},
    {"Contributor", "Contributor"},
    {"Count", "Count"},
    {"DataRequirement", "DataRequirement"},
    {"Date", "date"},
    {"DateTime", "dateTime"},
    {"Decimal", "decimal"},
    {"Distance", "Distance"},
    {"Dosage", "Dosage"},
    {"Duration", "Duration"},
    {"Expression", "Expression"},
    {"HumanName", "HumanName"},
    {"Id", "id"},
    {"Identifier", "Identifier"},
    {"Instant", "instant"},
    {"Integer", "integer"},
    {"Markdown", "markdown"},
    {"Meta", "Meta"},
    {"Money", "Money"},
    {"Oid", "oid"},
    {"ParameterDefinition", "ParameterDefinition"},
    {"Period", "Period"},
    {"PositiveInt", "positiveInt"},
    {"Quantity", "Quantity"},
    {"Range", "Range"},
    {"Ratio", "Ratio"},
    {"Reference", "Reference"},
    {"RelatedArtifact", "RelatedArtifact"},
    {"SampledData", "SampledData"},
    {"Signature", "Signature"},
    {"String", "string"},
    {"Time", "time"},
    {"Timing", "Timing"},
    {"TriggerDefinition", "TriggerDefinition"},
    {"UnsignedInt", "unsignedInt"},
    {"Uri", "uri"},
    {"Url", "url"},
    {"UsageContext", "UsageContext"},
    {"Uuid", "uuid"},
}};

// R4 profiles of Quantity and specialisations of primitives (the
// StructureDefinitions' baseDefinition), child -> parent.
constexpr std::array<Pair, 15> kParents{{
    {"Age", "Quantity"},
    {"Count", "Quantity"},
    {"Distance", "Quantity"},
    {"Duration", "Quantity"},
    {"MoneyQuantity", "Quantity"},
    {"SimpleQuantity", "Quantity"},
    {"code", "string"},
    {"id", "string"},
    {"markdown", "string"},
    {"canonical", "uri"},
    {"oid", "uri"},
    {"url", "uri"},
    {"uuid", "uri"},
    {"positiveInt", "integer"},
    {"unsignedInt", "integer"},
}};

// FHIRPath's System types and the FHIR primitives that map onto them
// (fhirpath.html#types: "FHIR primitive types map to System types").
constexpr std::array<Pair, 11> kSystemTypes{{
    {"boolean", "Boolean"},
    {"string", "String"},
    {"uri", "String"},
    {"base64Binary", "String"},
    {"integer", "Integer"},
    {"decimal", "Decimal"},
    {"date", "Date"},
    {"dateTime", "DateTime"},
    {"instant", "DateTime"},
    {"time", "Time"},
    {"Quantity", "Quantity"},
}};

std::string_view parent_of(std::string_view type) {
  for (const auto& [child, parent] : kParents)
    if (child == type) return parent;
  return {};
}

bool is_fhir_type_of(std::string_view type, std::string_view name) {
  for (std::string_view t = type; !t.empty(); t = parent_of(t))
    if (t == name) return true;
  return false;
}

bool is_system_type_of(std::string_view type, std::string_view name) {
  for (std::string_view t = type; !t.empty(); t = parent_of(t))
    for (const auto& [fhir, system] : kSystemTypes)
      if (fhir == t && system == name) return true;
  return false;
}

bool is_system_type_name(std::string_view name) {
  return name == "Boolean" || name == "String" || name == "Integer" || name == "Decimal" ||
         name == "Date" || name == "DateTime" || name == "Time";
}

}  // namespace

std::string_view choice_suffix_type(std::string_view suffix) {
  auto it = std::lower_bound(kChoiceTypes.begin(), kChoiceTypes.end(), suffix,
                             [](const Pair& p, std::string_view s) { return p.first < s; });
  if (it == kChoiceTypes.end() || it->first != suffix) return {};
  return it->second;
}

bool type_matches(std::string_view type, std::string_view ns, std::string_view name) {
  if (type.empty()) return false;
  if (ns == "System") return is_system_type_of(type, name);
  if (is_fhir_type_of(type, name)) return true;
  // Unqualified System names ("DateTime") have no FHIR type of that name,
  // so FHIRPath resolves them in System. R4's Observation-code-value-date
  // writes value.as(DateTime) meaning dateTime (R5 fixed the text); a FHIR
  // dateTime converts implicitly to System.DateTime, so we match it.
  return ns.empty() && is_system_type_name(name) && is_system_type_of(type, name);
}

bool looks_like_resource_type(std::string_view name) {
  return !name.empty() && name.front() >= 'A' && name.front() <= 'Z';
}

}  // namespace fhir::search
