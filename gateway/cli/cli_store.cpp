#include "gateway/cli/cli_store.hpp"

#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_store.hpp"

namespace gateway {

fhir::Result<std::unique_ptr<fhir::store::Store>> open_command_store(const Settings& settings,
                                                                     const fhir::Clock& clock) {
  if (settings.db_path.empty()) return fhir::make_issue(fhir::err::kInvalidParameter, "--db PATH is required");
  fhir::store::SqliteOptions options;
  options.path = settings.db_path;
  return fhir::store::open_sqlite_store(options, clock);
}

}  // namespace gateway
