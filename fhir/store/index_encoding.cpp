#include "fhir/store/index_encoding.hpp"

#include <type_traits>
#include <variant>

namespace fhir::store {
namespace {

void first_part(const search::ComponentValue& part, CompositeColumns& c) {
  if (const auto* t = std::get_if<search::TokenValue>(&part)) {
    c.code1 = t->code;
    c.system1 = t->has_system ? t->system : std::string();
  } else if (const auto* r = std::get_if<search::ReferenceValue>(&part)) {
    c.code1 = reference_target(*r);
    c.system1 = r->type;
  }
}

void second_part(const search::ComponentValue& part, CompositeColumns& c) {
  std::visit(
      [&c](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, search::TokenValue>) {
          c.system2 = v.has_system ? v.system : std::string();
          c.code2 = v.code;
        } else if constexpr (std::is_same_v<V, search::QuantityValue>) {
          c.system2 = v.system;
          c.code2 = v.code;
          c.low2 = v.low;
          c.high2 = v.high;
        } else if constexpr (std::is_same_v<V, search::DateValue>) {
          c.low2 = static_cast<double>(v.low);
          c.high2 = static_cast<double>(v.high);
        } else if constexpr (std::is_same_v<V, search::NumberValue>) {
          c.low2 = c.high2 = v.value;
        } else if constexpr (std::is_same_v<V, search::StringValue>) {
          c.code2 = v.normalized;
        } else if constexpr (std::is_same_v<V, search::ReferenceValue>) {
          c.code2 = reference_target(v);
        } else if constexpr (std::is_same_v<V, search::UriValue>) {
          c.code2 = v.uri;
        }
      },
      part);
}

void third_part(const search::ComponentValue& part, CompositeColumns& c) {
  if (const auto* n = std::get_if<search::NumberValue>(&part)) {
    c.low3 = c.high3 = n->value;
  } else if (const auto* q = std::get_if<search::QuantityValue>(&part)) {
    c.low3 = q->low;
    c.high3 = q->high;
  }
}

}  // namespace

std::vector<CompositeColumns> composite_rows(const search::CompositeValue& v) {
  CompositeColumns c;
  if (!v.parts.empty()) first_part(v.parts[0], c);
  if (v.parts.size() > 1) second_part(v.parts[1], c);
  if (v.parts.size() > 2) third_part(v.parts[2], c);
  std::vector<CompositeColumns> rows{c};
  const auto* q = v.parts.size() > 1 ? std::get_if<search::QuantityValue>(&v.parts[1]) : nullptr;
  if (q != nullptr && !q->unit.empty() && q->unit != q->code) {
    c.system2.clear();
    c.code2 = q->unit;
    rows.push_back(std::move(c));
  }
  return rows;
}

}  // namespace fhir::store
