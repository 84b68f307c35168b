// The audit trail of `carebridge import`: a source's data loaded by an
// operator is a write from that source like any other, so each file that
// was stored leaves one AuditEvent naming every version it wrote (the
// file's name is not recorded: Synthea-style names carry the patient's).
#pragma once

#include <string>
#include <vector>

#include "fhir/core/result.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

struct AppContext;

class ImportAudit {
 public:
  // client: the source named by --client ("" for none).
  ImportAudit(const AppContext& app, std::string client);

  // Appends the file's record and waits until it is durable; kUnavailable
  // when the trail could not take it (the data is stored: the import
  // reports the file as unaudited). Nothing to do when the trail is off.
  fhir::Status record(const std::vector<EntryOutcome>& outcomes, PlanKind kind) const;

 private:
  const AppContext& app_;
  std::string client_;
  std::string organization_;
  std::string role_;
};

}  // namespace gateway
