#include "gateway/write/plan_scopes.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gateway/auth/scope_check.hpp"
#include "gateway/write/reference_rewriter.hpp"

namespace gateway {
namespace {

using Need = std::pair<std::string, auth::Permission>;

std::vector<Need> needs_of(const PlannedEntry& e) {
  std::vector<Need> needs;
  const bool conditional = !e.criteria.empty();
  switch (e.method) {
    case EntryMethod::get: needs.emplace_back(e.type, e.id.empty() ? auth::kSearch : auth::kRead); return needs;
    case EntryMethod::post: needs.emplace_back(e.type, auth::kCreate); break;
    case EntryMethod::put:
    case EntryMethod::patch: needs.emplace_back(e.type, auth::kUpdate); break;
    case EntryMethod::remove: needs.emplace_back(e.type, auth::kDelete); break;
  }
  if (conditional) needs.emplace_back(e.type, auth::kSearch);
  if (e.resource) {
    std::set<std::string> searched;
    conditional_reference_types(e.resource->root(), searched);
    for (auto& t : searched) needs.emplace_back(std::move(t), auth::kSearch);
  }
  return needs;
}

}  // namespace

fhir::Status check_plan_scopes(WritePlan& plan, const auth::RequestContext& ctx) {
  const bool in_bundle = plan.kind != PlanKind::single;
  for (PlannedEntry& e : plan.entries) {
    if (e.failed) continue;
    for (const auto& [type, permission] : needs_of(e)) {
      auto st = auth::require_scope(ctx, type, permission);
      if (st) continue;
      if (plan.kind != PlanKind::batch) return entry_issue(e, st.take_issue(), in_bundle);
      e.failed = st.take_issue();
      break;
    }
  }
  return fhir::ok_status();
}

}  // namespace gateway
