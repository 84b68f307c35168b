// The store's schema, as an ordered list of migration steps.
//
// PRAGMA user_version holds the number of the last step applied; each step
// runs in its own BEGIN IMMEDIATE transaction together with its bump, so two
// processes opening a new file at once cannot both apply it, and a failed
// step leaves the file at the previous version.
#pragma once

#include <span>
#include <string_view>

#include "fhir/core/result.hpp"

namespace fhir::store {

class Connection;

struct Migration {
  int version;           // user_version after this step: 1, 2, 3, ... in order
  std::string_view sql;  // fixed DDL; may hold several statements
};

// Append only: a released step is never edited, a change is a new step.
std::span<const Migration> store_migrations();

// Refuses, without writing to it, a file whose schema is newer than steps
// know or that another application stamped as its own.
Status check_schema(Connection& conn, std::span<const Migration> steps);

// Applies the steps the file lacks, in order. Returns how many ran (0 for
// an up-to-date file).
Result<int> migrate(Connection& conn, std::span<const Migration> steps);

}  // namespace fhir::store
