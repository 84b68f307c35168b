#include "fhir/search/search_param.hpp"

#include <array>

namespace fhir::search {
namespace {

constexpr std::array<std::string_view, 9> kTypeCodes = {
    "number", "date", "string", "token", "reference", "composite", "quantity", "uri", "special"};

constexpr std::array<std::string_view, 1> kMissingOnly = {"missing"};
constexpr std::array<std::string_view, 3> kString = {"missing", "exact", "contains"};
constexpr std::array<std::string_view, 8> kToken = {"missing", "text", "not", "above",
                                                    "below", "in", "not-in", "of-type"};
constexpr std::array<std::string_view, 5> kReference = {"missing", "type", "identifier", "above", "below"};
constexpr std::array<std::string_view, 3> kUri = {"missing", "above", "below"};

}  // namespace

std::optional<ParamType> param_type_from_code(std::string_view code) {
  for (std::size_t i = 0; i < kTypeCodes.size(); ++i)
    if (kTypeCodes[i] == code) return static_cast<ParamType>(i);
  return std::nullopt;
}

std::string_view param_type_code(ParamType t) { return kTypeCodes[static_cast<std::size_t>(t)]; }

std::span<const std::string_view> modifiers_for(ParamType t) {
  switch (t) {
    case ParamType::string: return kString;
    case ParamType::token: return kToken;
    case ParamType::reference: return kReference;
    case ParamType::uri: return kUri;
    default: return kMissingOnly;
  }
}

}  // namespace fhir::search
