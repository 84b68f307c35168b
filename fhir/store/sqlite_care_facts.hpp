// The care_fact table (sqlite_migrations.cpp step 8): written on the
// writer's connection inside its transaction, read on any.
#pragma once

#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"

namespace fhir::store {

class Connection;

// Returns the patients of the rows it replaced.
Result<std::vector<std::string>> write_care_facts(Connection& conn, std::string_view type, std::string_view id,
                        const std::vector<CareFact>& facts);
// After relabeling type/id's head: its facts take its labels and patients.
Status sync_care_fact_labels(Connection& conn, std::string_view type, std::string_view id);
Result<std::vector<CareFact>> query_care_facts(Connection& conn, const CareFactQuery& q);
Result<std::vector<std::string>> query_care_patients(Connection& conn, std::string_view after, int limit);

}  // namespace fhir::store
