// GET [base]/{type}/{id}/$consent-decision?client=ID[&purpose=CODE][&user=U][&version=N]
//
// For compliance: would this client, asking for this purpose (and acting
// user), receive this resource (its current version, or version N), and
// why? The answer is a Parameters resource: the decision, what decided it
// (a Consent with its version and the provision's path, or the policy rule
// with its legal basis), whether only the emergency rule (break the glass)
// allowed it, and one note per consent that did not count and why.
// Only the compliance and admin roles may ask: the answer describes
// consents and sensitive data.
#include <charconv>
#include <memory>

#include "consent/decision/decision_engine.hpp"
#include "consent/enforcement/disclosure_filter.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/json/value.hpp"
#include "fhir/json/write.hpp"
#include "fhir/store/store.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/auth/purpose_of_use.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/storage/storage_pool.hpp"

namespace gateway {
namespace {

using fhir::json::Value;

Value parameter(std::string_view name, std::string_view value_kind, Value value) {
  Value p = Value::make_object();
  p.set("name", Value::make_string(std::string(name)));
  p.set(value_kind, std::move(value));
  return p;
}

Value string_param(std::string_view name, std::string_view text) {
  return parameter(name, "valueString", Value::make_string(std::string(text)));
}

Value reference_param(std::string_view name, std::string_view reference) {
  Value ref = Value::make_object();
  ref.set("reference", Value::make_string(std::string(reference)));
  return parameter(name, "valueReference", std::move(ref));
}

std::string answer(const consent::Decision& d, const fhir::store::VersionRecord& rec, const std::string& client,
                   const std::string& purpose) {
  Value params = Value::make_array();
  Value code = Value::make_string(consent::effect_code(d.effect));
  params.push_back(parameter("decision", "valueCode", std::move(code)));
  params.push_back(reference_param(
      "resource", rec.type + "/" + rec.id + "/_history/" + std::to_string(rec.version)));
  params.push_back(string_param("client", client));
  params.push_back(parameter("purpose", "valueCode", Value::make_string(purpose)));
  params.push_back(string_param("basis", d.basis));
  // "Consent/ID/_history/V provision..." names the consent that decided.
  if (d.basis.rfind("Consent/", 0) == 0) params.push_back(reference_param("consent", d.basis.substr(0, d.basis.find(' '))));
  if (!d.legal_basis.empty()) params.push_back(string_param("legalBasis", d.legal_basis));
  params.push_back(parameter("breakTheGlass", "valueBoolean", Value::make_bool(d.break_glass)));
  for (const auto& note : d.notes) params.push_back(string_param("note", note));
  Value out = Value::make_object();
  out.set("resourceType", Value::make_string("Parameters"));
  out.set("parameter", std::move(params));
  return fhir::json::write(out);
}

consent::Requester requester_for(const auth::RegisteredClient& c, const std::string& purpose, std::string_view user) {
  consent::Requester r;
  r.client_id = c.record.id;
  r.organization = c.record.organization;
  r.role = c.record.role;
  r.purpose = purpose;
  if (user.find('/') != std::string_view::npos)
    r.user = std::string(user);
  else if (!user.empty())
    r.user_identifiers.push_back({"", std::string(user)});
  return r;
}

}  // namespace

net::awaitable<void> handle_consent_decision(Exchange& x, const AppContext& app) {
  if (x.context->role != "compliance" && x.context->role != "admin") {
    x.fail(fhir::make_issue(fhir::err::kForbidden, "$consent-decision is for the compliance role"));
    co_return;
  }
  auto client_id = fhir::first_param(x.query, "client");
  if (!client_id || client_id->empty()) {
    x.fail(fhir::make_issue(fhir::err::kInvalidParameter, "$consent-decision needs client=ID"));
    co_return;
  }
  auto client = app.clients->find(*client_id);
  if (!client || client->revoked()) {
    x.fail(fhir::make_issue(fhir::err::kInvalidParameter, "client names no registered, unrevoked client"));
    co_return;
  }
  auto purpose = auth::parse_purpose_of_use(fhir::first_param(x.query, "purpose").value_or("TREAT"), *app.purposes);
  if (!purpose) {
    x.fail(purpose.issue());
    co_return;
  }
  std::int64_t version = 0;
  if (auto v = fhir::first_param(x.query, "version")) {
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), version);
    if (ec != std::errc() || end != v->data() + v->size() || version < 1) {
      x.fail(fhir::make_issue(fhir::err::kInvalidParameter, "version must be a positive integer"));
      co_return;
    }
  }
  auto found = co_await app.storage->run([&] {
    return version > 0 ? app.store->read_version(x.route.type, x.route.id, version)
                       : app.store->read_head(x.route.type, x.route.id);
  });
  if (!found) {
    x.fail(found.issue());
    co_return;
  }
  if (!*found || (*found)->deleted) {
    x.fail(fhir::make_issue(fhir::err::kNotFound, "No such resource or version"));
    co_return;
  }
  consent::DisclosureFilter filter(*app.consent_engine,
                                   requester_for(*client, purpose->code, fhir::first_param(x.query, "user").value_or("")),
                                   app.consents->snapshot(), app.type_visibility, app.clock->now_ms());
  x.response.status = 200;
  x.response.body = answer(filter.explain(**found), **found, client->record.id, purpose->code);
  // The answer names the resource and its patient to the compliance
  // officer: recorded like the read it nearly is (never a disclosure).
  if (app.audit == nullptr) co_return;
  consent::AuditDescription d = describe_request(x, app, "operation");
  add_version(d, nullptr, **found, "policy:consent-reader");
  co_await record_audit(x, app, std::move(d));
}

}  // namespace gateway
