#include "fhir/json/number.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace fhir::json {

std::optional<double> finite_number(const Value* v) {
  if (v == nullptr || !v->is_number()) return std::nullopt;
  const std::string& t = v->text();
  double d = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
  if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

}  // namespace fhir::json
