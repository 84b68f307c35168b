#include "gateway/auth/jwt_claims.hpp"

#include <charconv>

namespace gateway::auth {

std::optional<std::int64_t> numeric_date_ms(const fhir::json::Value& claims, std::string_view name) {
  const auto* v = claims.find(name);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  const std::string& text = v->text();
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  // Only an integer part, optionally followed by a fraction; exponents and
  // dates beyond year 9999 are not dates anyone signs.
  if (ec != std::errc() || (end != text.data() + text.size() && *end != '.')) return std::nullopt;
  if (seconds < 0 || seconds > 253402300799) return std::nullopt;
  return seconds * 1000;
}

bool audience_includes(const fhir::json::Value& claims, std::string_view audience) {
  const auto* aud = claims.find("aud");
  if (aud == nullptr) return false;
  if (aud->is_string()) return aud->text() == audience;
  if (!aud->is_array()) return false;
  for (const auto& item : aud->items())
    if (item.is_string() && item.text() == audience) return true;
  return false;
}

}  // namespace gateway::auth
