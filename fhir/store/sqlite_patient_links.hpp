// The Patient link table (sqlite_migrations.cpp step 7): reads on any
// connection, writes on the writer's inside its transaction.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"

namespace fhir::store {

class Connection;

Result<std::vector<PatientLink>> query_patient_links(Connection& conn, const PatientLinkQuery& q);
Result<std::optional<PatientLink>> query_patient_link(Connection& conn, std::string_view a, std::string_view b);
// WriteTxn::put_patient_link and remove_patient_link (store.hpp).
Result<bool> upsert_patient_link(Connection& conn, const PatientLink& link);
Result<bool> delete_auto_patient_link(Connection& conn, std::string_view a, std::string_view b);

}  // namespace fhir::store
