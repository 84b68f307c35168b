// The R4 primitive types (R4 datatypes.html#primitive). The schema names
// them; this enum is what the format checks switch on.
#pragma once

#include <optional>
#include <string_view>

namespace profiles {

enum class PrimitiveKind : unsigned char {
  boolean,
  integer,
  positive_int,
  unsigned_int,
  decimal,
  string,
  markdown,
  code,
  id,
  uri,
  url,
  canonical,
  oid,
  uuid,
  base64_binary,
  instant,
  date,
  date_time,
  time,
  xhtml,
};

// "positiveInt" -> PrimitiveKind::positive_int; nullopt for any name that is
// not an R4 primitive (the schema loader refuses primitives it cannot check).
std::optional<PrimitiveKind> primitive_kind_from_name(std::string_view name);
// PrimitiveKind::positive_int -> "positiveInt".
std::string_view primitive_name(PrimitiveKind kind);

// R4 json.html: boolean is a JSON true/false, the integer types and decimal
// are JSON numbers, every other primitive is a JSON string.
enum class JsonScalar : unsigned char { boolean, number, string };
JsonScalar json_scalar_of(PrimitiveKind kind);

}  // namespace profiles
