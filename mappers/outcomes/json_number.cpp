#include "mappers/outcomes/json_number.hpp"

#include <cmath>

#include "fhir/json/number.hpp"

namespace mappers::outcomes {

std::optional<int> whole_number(const fhir::json::Value& v) {
  auto d = fhir::json::finite_number(&v);
  // Far beyond any instrument's range, and well inside int.
  if (!d || std::floor(*d) != *d || std::fabs(*d) > 1e9) return std::nullopt;
  return static_cast<int>(*d);
}

std::optional<int> whole_number_at(const fhir::json::Value& obj, std::string_view key) {
  const auto* v = obj.find(key);
  return v == nullptr ? std::nullopt : whole_number(*v);
}

}  // namespace mappers::outcomes
