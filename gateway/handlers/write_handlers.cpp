// create, update, patch and delete (also conditional): each becomes a
// one-entry WritePlan through the same pipeline as bundles and import, and
// is answered from the entry's outcome.
#include "fhir/core/errors.hpp"
#include "fhir/resource/operation_outcome.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/forwarding/subscription_write.hpp"
#include "gateway/handlers/execute_plan.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/handlers/resource_response.hpp"
#include "gateway/write/plan.hpp"
#include "gateway/write/plan_scopes.hpp"

namespace gateway {
namespace {

std::string media_type_of(std::string_view v) {
  std::string out(v.substr(0, v.find(';')));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The query of the URL without _format (not a criterion).
std::string criteria_of(const Exchange& x) {
  std::string out;
  for (const auto& [k, v] : x.query) {
    if (k == "_format") continue;
    if (!out.empty()) out += '&';
    out += fhir::percent_encode(k) + "=" + fhir::percent_encode(v);
  }
  return out;
}

// FHIR restful-interaction code (conditional forms included).
const char* write_interaction(Interaction i) {
  switch (i) {
    case Interaction::create: return "create";
    case Interaction::update:
    case Interaction::conditional_update: return "update";
    case Interaction::patch:
    case Interaction::conditional_patch: return "patch";
    default: return "delete";
  }
}

// The write's AuditEvent, once it is stored: the version written (or, for
// a conditional create that matched, the one that exists). If the trail
// cannot take it the answer is 503, naming the version that was stored.
net::awaitable<bool> audit_write(Exchange& x, const AppContext& app, const EntryOutcome& o) {
  if (app.audit == nullptr) co_return true;
  consent::AuditDescription d = describe_request(x, app, write_interaction(x.route.interaction));
  add_written(d, o);
  // The client must learn what was stored (it may not retry blindly): the
  // version is named, never its content.
  const std::string stored = o.version > 0 ? " as " + o.type + "/" + o.id + "/_history/" + std::to_string(o.version)
                                           : std::string();
  const std::string text = "The change was stored" + stored +
                           ", but its audit record could not be written; read it before retrying";
  auto st = co_await record_audit(x, app, std::move(d), text.c_str());
  co_return st.ok();
}

net::awaitable<std::optional<EntryOutcome>> run_rest_write(Exchange& x, const AppContext& app,
                                                           EntryMethod method) {
  RestWrite w;
  w.method = method;
  w.type = x.route.type;
  w.id = x.route.id;
  if (w.id.empty() && method != EntryMethod::post) {
    w.criteria = criteria_of(x);
    if (w.criteria.empty()) {
      x.fail(fhir::make_issue(fhir::err::kInvalidParameter,
                              "A conditional interaction needs search criteria"));
      co_return std::nullopt;
    }
  }
  w.body = x.request.body;
  std::string media = media_type_of(x.request.header("content-type"));
  w.content_type = media;
  w.if_match = x.request.header("if-match");
  w.if_none_exist = x.request.header("if-none-exist");
  auto plan = plan_rest_write(w, app.write);
  if (!plan) {
    x.fail(plan.issue());
    co_return std::nullopt;
  }
  // A Subscription is its client's own (forwarding/subscription_write.hpp).
  if (w.type == "Subscription")
    if (auto st = prepare_subscription_write(*plan, *x.context, app); !st) {
      x.fail(st.issue());
      co_return std::nullopt;
    }
  // If-None-Exist and conditional references search (s).
  if (auto st = check_plan_scopes(*plan, x.context); !st) {
    x.fail(st.issue());
    co_return std::nullopt;
  }
  // A 42 CFR Part 2 program's records are labeled so (consent/labels).
  // Its Organization tells its team's data from another's (care model).
  if (auto source = app.clients->find(x.context->client_id)) {
    plan->part2_source = source->record.part2_program;
    plan->source_org = source->record.organization;
  }
  auto outcomes = co_await execute_plan(std::move(*plan), app);
  if (!outcomes) {
    x.fail(outcomes.issue());
    co_return std::nullopt;
  }
  if (!co_await audit_write(x, app, outcomes->front())) co_return std::nullopt;
  co_return std::move(outcomes->front());
}

}  // namespace

net::awaitable<void> handle_create(Exchange& x, const AppContext& app) {
  auto o = co_await run_rest_write(x, app, EntryMethod::post);
  // 200 when If-None-Exist matched an existing resource, else 201.
  if (o) respond_written(x, app, o->status, o->id, o->version, o->last_updated_ms, std::move(o->json));
}

net::awaitable<void> handle_update(Exchange& x, const AppContext& app) {
  auto o = co_await run_rest_write(x, app, EntryMethod::put);
  if (o) {
    x.route.id = o->id;
    respond_written(x, app, o->status, o->id, o->version, o->last_updated_ms, std::move(o->json));
  }
}

net::awaitable<void> handle_patch(Exchange& x, const AppContext& app) {
  auto o = co_await run_rest_write(x, app, EntryMethod::patch);
  if (o) respond_written(x, app, 200, o->id, o->version, o->last_updated_ms, std::move(o->json));
}

net::awaitable<void> handle_delete(Exchange& x, const AppContext& app) {
  auto o = co_await run_rest_write(x, app, EntryMethod::remove);
  if (!o) co_return;
  // R4: 200 with an OperationOutcome, or 204 with no body.
  if (x.prefer_return == PreferReturn::operation_outcome) {
    fhir::Issue info;
    info.severity = fhir::Severity::information;
    info.code = "informational";
    info.diagnostics = "Deleted";
    x.response.status = 200;
    x.response.body = fhir::operation_outcome_json(info);
  } else {
    x.response.status = 204;
  }
  if (o->version > 0) x.response.set_header("ETag", etag_of(o->version));
}

}  // namespace gateway
