// Search (R4 search.html): GET /[type], POST /[type]/_search, GET /?_type=,
// POST /_search, GET /Patient/[id]/[type]; and Patient/[id]/$everything
// (R4 patient-operation-everything) over the patient compartment, and the
// compartments of the records linked to the patient as the same person.
// gateway/search/ does the work on the storage pool; this file turns the
// request into a SearchRequest and the result into the response.
#include <string>
#include <utility>
#include <vector>

#include "consent/enforcement/consent_index.hpp"
#include "consent/enforcement/disclosure_filter.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/core/query.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/auth/scope_check.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/disclosure/request_filter.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/search/search_bundle.hpp"
#include "gateway/search/search_scopes.hpp"
#include "gateway/search/search_service.hpp"
#include "gateway/storage/storage_pool.hpp"
#include "profiles/type_model.hpp"

namespace gateway {
namespace {

// The types a search reaches, by the token: each type named (_type) needs
// permission p, and without _type the search covers only the types the
// token has p on (403 when that is none).
fhir::Result<std::vector<std::string>> permitted_types(const auth::RequestContext& ctx,
                                                       const std::vector<std::string>& named,
                                                       const std::vector<std::string>& all, auth::Permission p) {
  if (!named.empty()) {
    for (const auto& t : named)
      if (auto st = auth::require_scope(ctx, t, p); !st) return st.take_issue();
    return named;
  }
  std::vector<std::string> out;
  for (const auto& t : all)
    if (ctx.scopes.allows(t, p)) out.push_back(t);
  if (out.empty())
    return fhir::make_issue(fhir::err::kForbidden, "The access token's scopes grant this on no resource type");
  return out;
}

// FHIR restful-interaction: $everything is an operation; a compartment
// search has no code of its own, so it is the general "search".
std::string interaction_code(Interaction i) {
  switch (i) {
    case Interaction::search_type: return "search-type";
    case Interaction::search_system: return "search-system";
    case Interaction::everything: return "operation";
    default: return "search";
  }
}

// The search's AuditEvent: its query, and every version it returned
// (matches and includes) with what allowed it; filtering inside the query
// needs no per-resource denial.
consent::AuditDescription describe_search(const Exchange& x, const AppContext& app, const SearchRequest& request,
                                          const SearchResult& result) {
  consent::AuditDescription d = describe_request(x, app, interaction_code(x.route.interaction));
  add_returned(d, request, result);
  mark_disclosure(d, app, request.disclosure);
  return d;
}

net::awaitable<void> respond(Exchange& x, const AppContext& app, SearchRequest request, std::string path,
                             std::string extra_query = {}) {
  auto result = co_await app.storage->run([&] { return run_search(app, request); });
  if (!result) {
    x.fail(result.issue());
    co_return;
  }
  x.response.status = 200;
  x.response.body = searchset_bundle(app, request, *result, path, extra_query);
  if (app.audit != nullptr) co_await record_audit(x, app, describe_search(x, app, request, *result));
}

// The records linked to patient as the same person that the requester
// may receive; with consent enforcement off (filter null), all of them.
std::vector<std::string> everything_links(const AppContext& app, const consent::DisclosureFilter* filter,
                                          const std::string& patient) {
  if (filter != nullptr) return filter->linked_records(patient);
  std::vector<std::string> out;
  if (app.consents == nullptr) return out;
  const auto snapshot = app.consents->snapshot();
  if (const auto* group = snapshot->links->group_of(patient))
    for (const auto& id : *group)
      if (const auto* head = snapshot->links->head_of(id); id != patient && head != nullptr && !head->deleted)
        out.push_back(id);
  return out;
}

}  // namespace

net::awaitable<void> handle_search(Exchange& x, const AppContext& app) {
  SearchRequest request;
  std::string type;
  std::string path;
  switch (x.route.interaction) {
    case Interaction::search_type:
      type = x.route.type;
      path = type;
      break;
    case Interaction::search_compartment:
      if (x.route.type != "Patient") {
        x.fail(fhir::make_issue(fhir::err::kUnknownRoute, "Only the Patient compartment can be searched"));
        co_return;
      }
      if (!app.compartment->has_type(x.route.compartment_type)) {
        x.fail(fhir::make_issue(fhir::err::kInvalidRequest,
                                x.route.compartment_type + " is not in the Patient compartment"));
        co_return;
      }
      type = x.route.compartment_type;
      request.compartment_patients = {x.route.id};
      path = "Patient/" + x.route.id + "/" + type;
      break;
    default: break;  // system level: _type or every type
  }
  auto parsed = fhir::search::parse_search(*app.search, type, x.query, search_parse_options(app, x.strict_handling));
  if (!parsed) {
    x.fail(parsed.issue());
    co_return;
  }
  request.query = std::move(*parsed);
  request.requester = x.context.get();
  set_disclosure(x, app, request);
  if (auto st = require_criteria_scopes(request.query, x.context->scopes); !st) {
    x.fail(st.issue());
    co_return;
  }
  narrow_includes_to_scopes(request.query, x.context->scopes);
  if (!type.empty()) {
    request.types = {type};  // its scope checked by the authorize stage
  } else {
    auto types = permitted_types(*x.context, request.query.types, app.types->resource_types(), auth::kSearch);
    if (!types) {
      x.fail(types.issue());
      co_return;
    }
    request.types = std::move(*types);
  }
  co_await respond(x, app, std::move(request), std::move(path));
}

net::awaitable<void> handle_everything(Exchange& x, const AppContext& app) {
  if (x.route.type != "Patient") {
    x.fail(fhir::make_issue(fhir::err::kUnknownRoute, "$everything is defined on Patient"));
    co_return;
  }
  // The operation's own parameters; the rest are search result controls
  // (_count, paging) or ignored as R4 allows.
  fhir::QueryParams controls;
  std::string extra;
  SearchRequest request;
  for (const auto& [name, value] : x.query) {
    if (name == "_since") {
      auto t = fhir::parse_instant(value);
      if (!t) {
        x.fail(fhir::make_issue(fhir::err::kInvalidParameter,
                                "Parameter _since: must be an instant such as 2024-01-01T00:00:00Z", "_since"));
        co_return;
      }
      request.since_ms = *t;
      extra = "_since=" + fhir::percent_encode(value);
    } else if (name == "_type" || name == "_count" || name == "_snapshot" || name == "_offset" ||
               name == "_summary" || name == "_elements") {
      controls.emplace_back(name, value);
    } else if (name != "_format" && x.strict_handling) {
      x.fail(fhir::make_issue(fhir::err::kInvalidParameter,
                              "Parameter '" + name + "' is not a parameter of $everything", name));
      co_return;
    }
  }
  auto parsed = fhir::search::parse_search(*app.search, "", controls, search_parse_options(app, x.strict_handling));
  if (!parsed) {
    x.fail(parsed.issue());
    co_return;
  }
  request.query = std::move(*parsed);
  request.requester = x.context.get();
  set_disclosure(x, app, request);
  // R4: _type limits the compartment's types.
  std::vector<std::string> named;
  std::vector<std::string> all;
  if (request.query.types.empty()) {
    // The compartment lists Patient already (Patient.link): once, or every
    // Patient would be answered twice.
    all = app.compartment->types();
    if (!app.compartment->has_type("Patient")) all.insert(all.begin(), "Patient");
  } else {
    for (const auto& t : request.query.types)
      if (t == "Patient" || app.compartment->has_type(t)) named.push_back(t);
    if (named.empty()) named.push_back("Patient");
  }
  // The operation reads the record: r on each type it returns.
  auto types = permitted_types(*x.context, named, all, auth::kRead);
  if (!types) {
    x.fail(types.issue());
    co_return;
  }
  request.types = std::move(*types);

  auto patient = co_await app.storage->run([&] { return app.store->read_head("Patient", x.route.id); });
  if (!patient) {
    x.fail(patient.issue());
    co_return;
  }
  // A Patient the requester may not receive is as absent as a missing one.
  const auto* filter = disclosure_for(x, app);
  if (!*patient || (*patient)->deleted || (filter != nullptr && !filter->may_receive(**patient))) {
    x.fail(fhir::make_issue(fhir::err::kNotFound, "No patient with this id"));
    co_return;
  }
  // Issue 9: the person's record spans the records linked to this one,
  // those the requester may receive (a withheld one is not searched, so
  // nothing says it exists; its resources are decided one by one anyway).
  request.compartment_patients = {x.route.id};
  const auto linked = everything_links(app, filter, x.route.id);
  request.compartment_patients.insert(request.compartment_patients.end(), linked.begin(), linked.end());
  co_await respond(x, app, std::move(request), "Patient/" + x.route.id + "/$everything", extra);
}

}  // namespace gateway
