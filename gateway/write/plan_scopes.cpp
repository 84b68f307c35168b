#include "gateway/write/plan_scopes.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gateway/auth/scope_check.hpp"
#include "gateway/search/search_scopes.hpp"
#include "gateway/write/reference_rewriter.hpp"

namespace gateway {
namespace {

using Need = std::pair<std::string, auth::Permission>;

// A JSON Patch (RFC 6902) is applied only when its entry is stored, and in
// a Bundle the patched resource's conditional references are resolved by
// searching like any other entry's. What it brings in through its values is
// known now; what a copy or move puts into a reference is not, so that
// needs search on every type.
void patch_searches(const fhir::json::Value& patch, std::set<std::string>& searched) {
  if (!patch.is_array()) return;
  constexpr std::string_view kReference = "/reference";
  for (const auto& op : patch.items()) {
    if (!op.is_object()) continue;
    std::string_view path = op.string_at("path");
    const bool into_reference =
        path.size() >= kReference.size() && path.substr(path.size() - kReference.size()) == kReference;
    if (const fhir::json::Value* value = op.find("value")) {
      conditional_reference_types(*value, searched);
      if (into_reference && value->is_string() && is_conditional_reference(value->text()))
        searched.insert(value->text().substr(0, value->text().find('?')));
    }
    std::string_view kind = op.string_at("op");
    if (into_reference && (kind == "copy" || kind == "move")) searched.insert("*");
  }
}

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
  std::set<std::string> searched;
  if (e.resource) conditional_reference_types(e.resource->root(), searched);
  if (e.patch) patch_searches(*e.patch, searched);
  for (auto& t : searched) needs.emplace_back(std::move(t), auth::kSearch);
  return needs;
}

}  // namespace

fhir::Status check_plan_scopes(WritePlan& plan, std::shared_ptr<const auth::RequestContext> context) {
  plan.may_search = [context](const std::string& type, const fhir::search::SearchQuery& q) -> fhir::Status {
    if (auto st = auth::require_scope(*context, type, auth::kSearch); !st) return st;
    return require_criteria_scopes(q, context->scopes);
  };
  const auth::RequestContext& ctx = *context;
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
