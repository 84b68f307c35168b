#include "fhir/search/quantity_values.hpp"

#include <charconv>
#include <limits>

namespace fhir::search {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool is_quantity_type(std::string_view t) {
  return t == "Quantity" || t == "Age" || t == "Duration" || t == "Count" || t == "Distance" ||
         t == "SimpleQuantity" || t == "MoneyQuantity";
}

void copy_units(const json::Value& q, QuantityValue& out) {
  if (const json::Value* currency = q.find("currency"); currency != nullptr && currency->is_string()) {
    out.system = "urn:iso:std:iso:4217";
    out.code = currency->text();
    return;
  }
  out.system = std::string(q.string_at("system"));
  out.code = std::string(q.string_at("code"));
  out.unit = std::string(q.string_at("unit"));
}

// A Quantity (or Money) -> one value; nullopt if it has no value.
bool read_quantity(const json::Value& q, std::optional<QuantityValue>& out) {
  const json::Value* value = q.find("value");
  if (value == nullptr) return true;
  if (!value->is_number()) return false;
  auto d = parse_decimal(value->text());
  if (!d) return false;
  QuantityValue v;
  v.text = value->text();
  v.low = v.high = *d;
  std::string_view comparator = q.string_at("comparator");
  if (comparator == "<" || comparator == "<=") v.low = -kInf;
  if (comparator == ">" || comparator == ">=") v.high = kInf;
  copy_units(q, v);
  out = std::move(v);
  return true;
}

bool append_range(const json::Value& r, std::vector<QuantityValue>& out) {
  std::optional<QuantityValue> low, high;
  const json::Value* l = r.find("low");
  const json::Value* h = r.find("high");
  if ((l != nullptr && !read_quantity(*l, low)) || (h != nullptr && !read_quantity(*h, high))) return false;
  if (!low && !high) return true;
  QuantityValue v = low ? *low : *high;
  v.text.clear();
  v.low = low ? low->low : -kInf;
  v.high = high ? high->high : kInf;
  out.push_back(std::move(v));
  return true;
}

}  // namespace

std::optional<double> parse_decimal(std::string_view text) {
  double d = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), d);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
  return d;
}

bool append_number_values(const fhirpath::Node& n, std::vector<NumberValue>& out) {
  const json::Value& v = *n.value;
  if (!v.is_number()) return true;
  auto d = parse_decimal(v.text());
  if (!d) return false;
  out.push_back(NumberValue{v.text(), *d});
  return true;
}

bool append_quantity_values(const fhirpath::Node& n, std::vector<QuantityValue>& out) {
  const json::Value& v = *n.value;
  if (!v.is_object() || n.opaque) return true;
  if (n.type == "Range" || (n.type.empty() && (v.find("low") || v.find("high")))) return append_range(v, out);
  if (!n.type.empty() && !is_quantity_type(n.type) && n.type != "Money") return true;
  std::optional<QuantityValue> q;
  if (!read_quantity(v, q)) return false;
  if (q) out.push_back(std::move(*q));
  return true;
}

}  // namespace fhir::search
