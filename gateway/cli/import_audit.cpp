#include "gateway/cli/import_audit.hpp"

#include <future>
#include <memory>

#include "consent/audit/audit_event.hpp"
#include "consent/audit/audit_log.hpp"
#include "fhir/core/clock.hpp"
#include "fhir/core/errors.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/auth/client_registry.hpp"

namespace gateway {

ImportAudit::ImportAudit(const AppContext& app, std::string client) : app_(app), client_(std::move(client)) {
  if (client_.empty()) return;
  if (auto c = app_.clients->find(client_)) {
    organization_ = c->record.organization;
    role_ = c->record.role;
  }
}

fhir::Status ImportAudit::record(const std::vector<EntryOutcome>& outcomes, PlanKind kind) const {
  if (app_.audit == nullptr) return fhir::ok_status();
  consent::AuditDescription d;
  d.interaction = kind == PlanKind::batch ? "batch" : "transaction";
  d.recorded_ms = app_.clock->now_ms();
  d.client_id = client_.empty() ? "carebridge-import" : client_;
  d.organization = organization_;
  d.role = role_;
  d.query = "carebridge import";
  d.gateway = app_.base_url;
  for (const EntryOutcome& o : outcomes)
    if (!o.issue) add_written(d, o);
  auto done = std::make_shared<std::promise<fhir::Result<std::int64_t>>>();
  auto durable = done->get_future();
  app_.audit->append(consent::audit_entry(std::move(d)),
                     [done](fhir::Result<std::int64_t> seq) { done->set_value(std::move(seq)); });
  auto seq = durable.get();
  if (!seq) return seq.take_issue();
  return fhir::ok_status();
}

}  // namespace gateway
