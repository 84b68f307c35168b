#include "profiles/primitive_kind.hpp"

#include <array>
#include <cstddef>

namespace profiles {
namespace {

// Indexed by PrimitiveKind; the names are the R4 type names.
constexpr std::array<std::string_view, 20> kNames = {
    "boolean", "integer", "positiveInt", "unsignedInt", "decimal",
    "string",  "markdown", "code",       "id",          "uri",
    "url",     "canonical", "oid",       "uuid",        "base64Binary",
    "instant", "date",     "dateTime",   "time",        "xhtml",
};
static_assert(kNames.size() == static_cast<std::size_t>(PrimitiveKind::xhtml) + 1);

}  // namespace

std::optional<PrimitiveKind> primitive_kind_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<PrimitiveKind>(i);
  return std::nullopt;
}

std::string_view primitive_name(PrimitiveKind kind) {
  return kNames[static_cast<std::size_t>(kind)];
}

JsonScalar json_scalar_of(PrimitiveKind kind) {
  switch (kind) {
    case PrimitiveKind::boolean: return JsonScalar::boolean;
    case PrimitiveKind::integer:
    case PrimitiveKind::positive_int:
    case PrimitiveKind::unsigned_int:
    case PrimitiveKind::decimal: return JsonScalar::number;
    default: return JsonScalar::string;
  }
}

}  // namespace profiles
