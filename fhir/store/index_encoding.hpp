// How index values (fhir/search/index_rows.hpp) become columns of the
// ix_* tables (sqlite_migrations.cpp step 3). The index writer stores
// rows this way and the search planner queries them this way: one
// definition for both.
#pragma once

#include <string>
#include <string_view>

#include "fhir/search/index_rows.hpp"

namespace fhir::store {

// Extra token and string rows hold what a modifier searches under the
// parameter's code with a suffix: ":text" (a token's display and text, as
// a string), ":identifier" (a reference's identifier, as a token) and
// ":of-type" (an Identifier's type and value: system "tsys|tcode").
inline std::string text_param(std::string_view code) { return std::string(code) + ":text"; }
inline std::string identifier_param(std::string_view code) { return std::string(code) + ":identifier"; }
inline std::string of_type_param(std::string_view code) { return std::string(code) + ":of-type"; }
inline std::string of_type_system(std::string_view type_system, std::string_view type_code) {
  return std::string(type_system) + "|" + std::string(type_code);
}

// A reference row's target: the id for Type/id references, the URL as sent
// for absolute and canonical ones (so "http://other/Patient/1" never
// matches a search for our Patient/1). Contained ("#id") references are
// not search targets and have no row.
inline const std::string& reference_target(const search::ReferenceValue& v) {
  return v.url.empty() ? v.id : v.url;
}

// The columns of one ix_composite row. R4's composites pair a token (or a
// reference) with a token, quantity, date, string or number, and four
// MolecularSequence ones add a third number: fixed columns cover them all.
struct CompositeColumns {
  std::string code1, system1;  // token code/system, or reference target/type
  std::string system2, code2;  // token, a quantity's unit, a string, a uri
  double low2 = 0, high2 = 0;  // quantity, number, date (epoch ms)
  double low3 = 0, high3 = 0;  // the third component's number
};
CompositeColumns composite_columns(const search::CompositeValue& v);

// Quantities (and numbers, stored in the same table with no unit) match a
// unit by code, or by the human unit when no system is asked (R4 "||mg").
inline const std::string& quantity_code(const search::QuantityValue& q) {
  return q.code.empty() ? q.unit : q.code;
}

}  // namespace fhir::store
