// How index values (fhir/search/index_rows.hpp) become columns of the
// ix_* tables (sqlite_migrations.cpp step 3). The index writer stores
// rows this way and the search planner queries them this way: one
// definition for both.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fhir/search/index_rows.hpp"

namespace fhir::store {

// _id and _lastUpdated are columns of resource_head/resource_version: the
// index writer stores no rows for them and the planner reads the columns.
inline bool served_by_head(std::string_view code) { return code == "_id" || code == "_lastUpdated"; }

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
// Quantities (and numbers, stored in the same table with no unit) match a
// unit by code, or by the human unit when no system is asked (R4 "||mg"):
// ix_quantity keeps Quantity.code and .unit in columns of their own, so
// "system|mg" never finds a quantity that has the unit mg but no code.
//
// The ix_composite rows of one value: one, or two for a quantity with a
// unit other than its code ("mmHg" and "mm[Hg]", or no code at all). R4's
// "$107||mmHg" asks for either, but a row has one unit column (code2, the
// code), so the second row holds the unit with no system: "||unit" finds
// it, "system|code" never does.
std::vector<CompositeColumns> composite_rows(const search::CompositeValue& v);

}  // namespace fhir::store
