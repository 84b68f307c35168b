// The index rows extraction produces (index_values.hpp): one value type
// per R4 search parameter type, each row tagged with its parameter.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "fhir/core/issue.hpp"
#include "fhir/search/search_param.hpp"

namespace fhir::search {

// Case- and accent-folded for matching (string_normalise.hpp), plus the
// text as sent for :exact and for sorting.
struct StringValue {
  std::string normalized;
  std::string raw;
};

struct TokenValue {
  std::string system;
  std::string code;
  bool has_system = false;  // "|code" matches only values without a system
  // Identifier.type's first coding, for :of-type.
  std::string type_system;
  std::string type_code;
};

// Instants in epoch ms (UTC), both ends inclusive: "2021-03" covers
// 2021-03-01T00:00:00.000Z .. 2021-03-31T23:59:59.999Z. An open Period end
// is the extreme of the range.
inline constexpr std::int64_t kMinInstant = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t kMaxInstant = std::numeric_limits<std::int64_t>::max();
struct DateValue {
  std::int64_t low = kMinInstant;
  std::int64_t high = kMaxInstant;
};

struct NumberValue {
  std::string text;  // exact decimal as sent: precision matters to eq
  double value = 0;
};

// A Quantity (Age, Duration, Money...) or a Range. low/high bound the value
// (equal for a plain Quantity; a comparator or a Range opens them).
struct QuantityValue {
  std::string text;  // the exact decimal; empty for a Range
  double low = 0;
  double high = 0;
  std::string system;  // Money: urn:iso:std:iso:4217
  std::string code;
  std::string unit;
};

struct ReferenceValue {
  std::string type;     // "Patient"; empty when the reference does not say
  std::string id;
  std::string version;  // from _history, or a canonical's "|version"
  std::string url;      // absolute URLs and canonicals, as sent (without |version)
  bool local = false;   // "#id": a contained resource; id holds the fragment
  std::string identifier_system;  // Reference.identifier, for :identifier
  std::string identifier_value;
};

struct UriValue {
  std::string uri;
};

using ComponentValue =
    std::variant<StringValue, TokenValue, DateValue, NumberValue, QuantityValue, ReferenceValue, UriValue>;

// One combination of component values taken from the same item
// (Observation code-value-quantity: a code and a value of one Observation
// or one component), in the order of the definition's components.
struct CompositeValue {
  std::vector<ComponentValue> parts;
};

template <class V>
struct Row {
  const SearchParam* param = nullptr;  // owned by the SearchParams registry
  V value;
};

struct IndexValues {
  std::vector<Row<StringValue>> strings;
  std::vector<Row<TokenValue>> tokens;
  std::vector<Row<StringValue>> token_texts;  // for :text (display, .text)
  std::vector<Row<DateValue>> dates;
  std::vector<Row<NumberValue>> numbers;
  std::vector<Row<QuantityValue>> quantities;
  std::vector<Row<ReferenceValue>> references;
  std::vector<Row<UriValue>> uris;
  std::vector<Row<CompositeValue>> composites;
  // Values we could not index (a date that is no date): warnings naming the
  // parameter and the value; the rest of the resource is still indexed.
  std::vector<Issue> issues;
};

}  // namespace fhir::search
