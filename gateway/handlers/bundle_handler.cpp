// POST / with a transaction or batch Bundle (R4 http.html#transaction).
#include "fhir/core/errors.hpp"
#include "fhir/core/id_generator.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/core/query.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/disclosure/request_filter.hpp"
#include "gateway/handlers/execute_plan.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/search/search_bundle.hpp"
#include "gateway/search/search_service.hpp"
#include "gateway/storage/storage_pool.hpp"
#include "gateway/write/bundle_response.hpp"
#include "gateway/write/plan.hpp"
#include "gateway/write/plan_scopes.hpp"
#include "gateway/search/search_scopes.hpp"

namespace gateway {
namespace {

// GET Type?query entries: each answered by a searchset Bundle as its
// resource (R4 http.html#transaction), searched once the writes have
// committed (R4 processes GETs last). A bad query fails that entry only.
net::awaitable<fhir::Status> run_search_entries(std::vector<EntryOutcome>& outcomes, Exchange& x,
                                                const AppContext& app, consent::AuditDescription& audit) {
  for (EntryOutcome& o : outcomes) {
    if (!o.search || o.issue) continue;
    auto params = fhir::parse_query(*o.search);
    if (!params) {
      o.issue = fhir::make_issue(fhir::err::kInvalidParameter, "Malformed search in a GET entry");
      continue;
    }
    auto query =
        fhir::search::parse_search(*app.search, o.type, *params, search_parse_options(app, x.strict_handling));
    if (!query) {
      o.issue = query.take_issue();
      continue;
    }
    SearchRequest request;
    request.query = std::move(*query);
    request.requester = x.context.get();
    set_disclosure(x, app, request);
    if (auto st = require_criteria_scopes(request.query, x.context->scopes); !st) {
      o.issue = st.take_issue();
      continue;
    }
    narrow_includes_to_scopes(request.query, x.context->scopes);
    request.types = {o.type};
    auto result = co_await app.storage->run([&] { return run_search(app, request); });
    if (!result) co_return result.take_issue();
    o.json = searchset_bundle(app, request, *result, o.type);
    add_returned(audit, request, *result);
  }
  co_return fhir::ok_status();
}

// The Bundle's AuditEvent: every version it wrote or let out, with what
// allowed each. Entries by id that found nothing the requester may see
// are each a refusal of their own (outcome 4), as a read would be.
void audit_entries(const std::vector<EntryOutcome>& outcomes, const consent::DisclosureFilter* filter,
                   consent::AuditDescription& audit, std::vector<consent::AuditDescription>& refusals,
                   const consent::AuditDescription& request) {
  for (const EntryOutcome& o : outcomes) {
    if (o.issue) {
      if (o.read && !o.search && (o.issue->http_status == 404 || o.issue->http_status == 410)) {
        consent::AuditDescription d = request;
        d.interaction = "read";
        add_refusal(d, filter, o.type + "/" + o.id, o.found ? &*o.found : nullptr);
        refusals.push_back(std::move(d));
      }
      continue;
    }
    if (o.read && o.found) {
      add_version(audit, filter, *o.found);
    } else if (!o.read) {
      add_written(audit, o);
    }
  }
}

}  // namespace

net::awaitable<void> handle_bundle(Exchange& x, const AppContext& app) {
  auto plan = plan_bundle(x.request.body, app.write);
  if (!plan) {
    x.fail(plan.issue());
    co_return;
  }
  if (auto st = check_plan_scopes(*plan, x.context); !st) {
    x.fail(st.issue());
    co_return;
  }
  // A 42 CFR Part 2 program's records are labeled so (consent/labels).
  // Its Organization tells its team's data from another's (care model).
  if (auto source = app.clients->find(x.context->client_id)) {
    plan->part2_source = source->record.part2_program;
    plan->source_org = source->record.organization;
  }
  // GET entries answer a version the requester may not receive as missing.
  plan->may_read = read_guard(x, app);
  plan->redact = entry_redactor(x, app);
  PlanKind kind = plan->kind;
  const bool representation = x.prefer_return == PreferReturn::representation;
  plan->keep_written = representation;
  // The plan holds the parsed Bundle now: the request text can go, which
  // matters for bundles of tens of MB.
  std::string().swap(x.request.body);
  auto outcomes = co_await execute_plan(std::move(*plan), app);
  consent::AuditDescription audit =
      describe_request(x, app, kind == PlanKind::transaction ? "transaction" : "batch");
  if (!outcomes) {
    x.fail(outcomes.issue());  // a transaction fails whole, naming the entry
    audit.outcome = outcomes.issue().http_status >= 500 ? 8 : 4;
    audit.outcome_text = outcomes.issue().diagnostics;
    co_await record_audit(x, app, std::move(audit));
    co_return;
  }
  if (auto st = co_await run_search_entries(*outcomes, x, app, audit); !st) {
    x.fail(st.issue());
    co_return;
  }
  x.response.status = 200;
  x.response.body = bundle_response_json(kind, *outcomes, fhir::new_resource_id(),
                                         fhir::format_instant(app.clock->now_ms()),
                                         representation);
  if (app.audit == nullptr) co_return;
  const consent::DisclosureFilter* filter = disclosure_for(x, app);
  std::vector<consent::AuditDescription> refusals;
  audit_entries(*outcomes, filter, audit, refusals, describe_request(x, app, "read"));
  mark_disclosure(audit, app, filter);
  for (auto& d : refusals)
    if (!co_await record_audit(x, app, std::move(d))) co_return;
  co_await record_audit(x, app, std::move(audit));
}

}  // namespace gateway
