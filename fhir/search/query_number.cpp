#include "fhir/search/query_number.hpp"

#include <array>
#include <cmath>
#include <string>

#include "fhir/search/quantity_values.hpp"

namespace fhir::search {
namespace {

constexpr std::array<std::string_view, 9> kPrefixes = {"eq", "ne", "lt", "gt", "le", "ge", "sa", "eb", "ap"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Counts the digits at text[i...], advancing i.
std::size_t digits(std::string_view text, std::size_t& i) {
  std::size_t start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  return i - start;
}

}  // namespace

std::optional<Prefixed> split_prefix(std::string_view text) {
  if (text.empty() || !is_letter(text.front())) return Prefixed{Prefix::eq, text};
  for (std::size_t i = 0; i < kPrefixes.size(); ++i)
    if (text.substr(0, 2) == kPrefixes[i]) return Prefixed{static_cast<Prefix>(i), text.substr(2)};
  return std::nullopt;
}

std::string_view prefix_code(Prefix p) { return kPrefixes[static_cast<std::size_t>(p)]; }

std::optional<NumberArg> parse_number(Prefix prefix, std::string_view text) {
  // -?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)? : FHIR's decimal, leading zeros
  // allowed. Checked by hand because from_chars also takes "inf" and "nan".
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  if (digits(text, i) == 0) return std::nullopt;
  int fraction = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    fraction = static_cast<int>(digits(text, i));
    if (fraction == 0) return std::nullopt;
  }
  int exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    std::size_t start = i;
    std::size_t n = digits(text, i);
    // More than 4 digits is out of double's range whatever they are.
    if (n == 0 || n > 4) return std::nullopt;
    exponent = std::stoi(std::string(text.substr(start, n))) * (negative ? -1 : 1);
  }
  if (i != text.size()) return std::nullopt;
  auto value = parse_decimal(text);
  if (!value || !std::isfinite(*value)) return std::nullopt;
  double half = 0.5 * std::pow(10.0, exponent - fraction);
  return NumberArg{prefix, std::string(text), *value, *value - half, *value + half};
}

}  // namespace fhir::search
