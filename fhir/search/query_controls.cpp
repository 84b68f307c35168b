#include "fhir/search/query_controls.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <utility>

#include "fhir/search/fhir_types.hpp"
#include "fhir/search/query_issues.hpp"

namespace fhir::search {
namespace {

constexpr std::array<std::string_view, 3> kTotals = {"none", "estimate", "accurate"};
constexpr std::array<std::string_view, 6> kSummaries = {"", "true", "count", "data", "text", "false"};

template <class E, std::size_t N>
std::optional<E> find_code(const std::array<std::string_view, N>& codes, std::string_view value) {
  for (std::size_t i = 0; i < N; ++i)
    if (!codes[i].empty() && codes[i] == value) return static_cast<E>(i);
  return std::nullopt;
}

// Digits only: from_chars would take a leading '-'.
template <class I>
std::optional<I> parse_non_negative(std::string_view value) {
  if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  I n = 0;
  auto r = std::from_chars(value.data(), value.data() + value.size(), n);
  if (r.ec != std::errc() || r.ptr != value.data() + value.size()) return std::nullopt;
  return n;
}

bool sortable(const SearchParam& p) {
  return p.type != ParamType::composite && p.type != ParamType::special && !p.expression.is_empty();
}

bool is_element_name(std::string_view s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

std::vector<std::string_view> split(std::string_view value, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= value.size(); ++i)
    if (i == value.size() || value[i] == sep) {
      out.push_back(value.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

}  // namespace

bool is_resource_type(const ResourceTypeCheck& check, std::string_view name) {
  return check ? check(name) : looks_like_resource_type(name);
}

Result<std::vector<SortKey>> parse_sort(const SearchParams& params, std::span<const std::string> types,
                                        std::string_view value, std::span<const SortKey> before) {
  std::vector<SortKey> keys;
  for (std::string_view item : split(value, ',')) {
    SortKey key;
    if (item.starts_with('-')) {
      key.descending = true;
      item.remove_prefix(1);
    }
    if (item.empty()) return invalid_value("_sort", "empty sort key");
    for (const std::string& type : types) {
      const BoundParam* bound = params.find(type, item);
      if (bound == nullptr || !sortable(*bound->param))
        return invalid_value("_sort", "a key is not a parameter this search can sort by");
      if (key.param == nullptr) key.param = bound->param;
    }
    auto same = [&](const SortKey& k) { return k.param->code == key.param->code; };
    if (std::any_of(keys.begin(), keys.end(), same) || std::any_of(before.begin(), before.end(), same))
      return invalid_value("_sort", "a key is given twice");
    keys.push_back(key);
  }
  return keys;
}

Result<int> parse_count(std::string_view value) {
  auto n = parse_non_negative<int>(value);
  if (!n) return invalid_value("_count", "expected a non-negative integer");
  return *n;
}

Result<TotalMode> parse_total(std::string_view value) {
  if (auto t = find_code<TotalMode>(kTotals, value)) return *t;
  return invalid_value("_total", "expected none, estimate or accurate");
}

Result<Summary> parse_summary(std::string_view value) {
  if (auto s = find_code<Summary>(kSummaries, value)) return *s;
  return invalid_value("_summary", "expected true, false, count, data or text");
}

Result<std::vector<std::string>> parse_elements(std::string_view value) {
  std::vector<std::string> out;
  for (std::string_view item : split(value, ',')) {
    if (!is_element_name(item)) return invalid_value("_elements", "expected element names separated by ','");
    out.emplace_back(item);
  }
  return out;
}

Result<std::vector<std::string>> parse_types(std::string_view value, const ResourceTypeCheck& check) {
  std::vector<std::string> out;
  for (std::string_view item : split(value, ',')) {
    if (!is_resource_type(check, item)) return invalid_value("_type", "expected resource types separated by ','");
    if (std::find(out.begin(), out.end(), item) == out.end()) out.emplace_back(item);
  }
  return out;
}

Result<std::string> parse_snapshot(std::string_view value) {
  bool ok = !value.empty() && value.size() <= 128 && std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
  });
  if (!ok) return invalid_value("_snapshot", "not a paging cursor of this server");
  return std::string(value);
}

Result<std::int64_t> parse_offset(std::string_view value) {
  auto n = parse_non_negative<std::int64_t>(value);
  if (!n) return invalid_value("_offset", "expected a non-negative integer");
  return *n;
}

std::string_view total_code(TotalMode t) { return kTotals[static_cast<std::size_t>(t)]; }
std::string_view summary_code(Summary s) { return kSummaries[static_cast<std::size_t>(s)]; }

}  // namespace fhir::search
