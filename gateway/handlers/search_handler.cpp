// Search (R4 search.html): GET /[type], POST /[type]/_search, GET /?_type=,
// POST /_search, GET /Patient/[id]/[type]; and Patient/[id]/$everything
// (R4 patient-operation-everything) over the patient compartment.
// gateway/search/ does the work on the storage pool; this file turns the
// request into a SearchRequest and the result into the response.
#include <utility>

#include "fhir/core/errors.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/core/query.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/search/search_bundle.hpp"
#include "gateway/search/search_service.hpp"
#include "gateway/storage/storage_pool.hpp"
#include "profiles/type_model.hpp"

namespace gateway {
namespace {

net::awaitable<void> respond(Exchange& x, const AppContext& app, SearchRequest request, std::string path,
                             std::string extra_query = {}) {
  auto result = co_await app.storage->run([&] { return run_search(app, request); });
  if (!result) {
    x.fail(result.issue());
    co_return;
  }
  x.response.status = 200;
  x.response.body = searchset_bundle(app, request, *result, path, extra_query);
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
      request.compartment_patient = x.route.id;
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
  if (!type.empty())
    request.types = {type};
  else if (!request.query.types.empty())
    request.types = request.query.types;
  else
    request.types = app.types->resource_types();
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
  // R4: _type limits the compartment's types.
  if (request.query.types.empty()) {
    // The compartment lists Patient already (Patient.link): once, or every
    // Patient would be answered twice.
    request.types = app.compartment->types();
    if (!app.compartment->has_type("Patient")) request.types.insert(request.types.begin(), "Patient");
  } else {
    for (const auto& t : request.query.types)
      if (t == "Patient" || app.compartment->has_type(t)) request.types.push_back(t);
    if (request.types.empty()) request.types.push_back("Patient");
  }
  request.compartment_patient = x.route.id;

  auto patient = co_await app.storage->run([&] { return app.store->read_head("Patient", x.route.id); });
  if (!patient) {
    x.fail(patient.issue());
    co_return;
  }
  if (!*patient || (*patient)->deleted) {
    x.fail(fhir::make_issue(fhir::err::kNotFound, "No patient with this id"));
    co_return;
  }
  co_await respond(x, app, std::move(request), "Patient/" + x.route.id + "/$everything", extra);
}

}  // namespace gateway
