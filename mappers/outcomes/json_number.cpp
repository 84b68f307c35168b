#include "mappers/outcomes/json_number.hpp"

#include <charconv>
#include <cmath>

namespace mappers::outcomes {

std::optional<int> whole_number(const fhir::json::Value& v) {
  if (!v.is_number()) return std::nullopt;
  const std::string& text = v.text();
  double d = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  // Far beyond any instrument's range, and well inside int.
  if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) > 1e9) return std::nullopt;
  return static_cast<int>(d);
}

std::optional<int> whole_number_at(const fhir::json::Value& obj, std::string_view key) {
  const auto* v = obj.find(key);
  return v == nullptr ? std::nullopt : whole_number(*v);
}

}  // namespace mappers::outcomes
