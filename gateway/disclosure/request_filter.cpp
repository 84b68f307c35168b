#include "gateway/disclosure/request_filter.hpp"

#include <cstdio>

#include "consent/enforcement/inline_redaction.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/disclosure/present.hpp"

namespace gateway {
namespace {

consent::Requester requester_of(const auth::RequestContext& ctx) {
  return requester_from(ctx.client_id, ctx.organization, ctx.role, ctx.purpose.code, ctx.user_id);
}

}  // namespace

consent::Requester requester_from(const std::string& client_id, const std::string& organization,
                                  const std::string& role, const std::string& purpose, const std::string& user) {
  consent::Requester r;
  r.client_id = client_id;
  r.organization = organization;
  r.role = role;
  r.purpose = purpose;
  // The acting user: a "Practitioner/ID" reference, or an identifier
  // "system|value" (an NPI), or a bare value.
  if (user.find('|') != std::string::npos) {
    const auto bar = user.find('|');
    r.user_identifiers.push_back({user.substr(0, bar), user.substr(bar + 1)});
  } else if (user.find('/') != std::string::npos) {
    r.user = user;
  } else if (!user.empty()) {
    r.user_identifiers.push_back({"", user});
  }
  return r;
}

const consent::DisclosureFilter* disclosure_for(Exchange& x, const AppContext& app) {
  if (!x.context || app.consent_engine == nullptr || app.settings.consent_enforcement == 0) return nullptr;
  if (!x.disclosure)
    x.disclosure = std::make_shared<const consent::DisclosureFilter>(
        *app.consent_engine, requester_of(*x.context), app.consents->snapshot(), app.type_visibility,
        app.clock->now_ms());
  return x.disclosure.get();
}

void set_disclosure(Exchange& x, const AppContext& app, SearchRequest& request) {
  request.filter = disclosure_for(x, app);
  request.disclosure = x.disclosure.get();
  if (request.filter != nullptr) request.filter_generation = x.disclosure->consent_generation();
}

std::function<bool(const fhir::store::VersionRecord&)> read_guard(Exchange& x, const AppContext& app) {
  const consent::DisclosureFilter* f = disclosure_for(x, app);
  if (f == nullptr) return {};
  // The plan may outlive nothing here: the Exchange holds the filter for
  // the whole request, and the plan runs within it.
  std::shared_ptr<const consent::DisclosureFilter> keep = x.disclosure;
  return [keep](const fhir::store::VersionRecord& rec) { return keep->may_receive(rec); };
}

std::optional<std::string> outgoing_json(const consent::DisclosureFilter& filter, const fhir::store::VersionRecord& rec,
                                         const std::string& json) {
  auto out = consent::redact_inline(filter, rec, json);
  // Issue 9: a Patient names the records linked to it as the same person,
  // those this requester may receive only (linked_records).
  if (rec.type == "Patient" && !rec.deleted) {
    const auto others = filter.linked_records(rec.id);
    if (auto linked = with_patient_links(out ? *out : json, others)) out = std::move(linked);
  }
  return out;
}

const std::string& disclosed_json(const consent::DisclosureFilter* filter, const fhir::store::VersionRecord& rec,
                                  std::string& scratch) {
  if (filter == nullptr) return rec.json;
  auto out = outgoing_json(*filter, rec, rec.json);
  if (!out) return rec.json;
  scratch = std::move(*out);
  return scratch;
}

std::function<std::optional<std::string>(const fhir::store::VersionRecord&, const std::string&)> entry_redactor(
    Exchange& x, const AppContext& app) {
  if (disclosure_for(x, app) == nullptr) return {};
  std::shared_ptr<const consent::DisclosureFilter> keep = x.disclosure;
  return [keep](const fhir::store::VersionRecord& rec, const std::string& json) {
    return outgoing_json(*keep, rec, json);
  };
}

void report_break_glass(const Exchange& x) {
  if (!x.disclosure || x.disclosure->break_glass_disclosures() == 0 || !x.context) return;
  std::fprintf(stderr,
               "COMPLIANCE ALERT break-the-glass: client %s (%s) purpose %s received %lld record(s) "
               "under the emergency rule (42 CFR 2.51)\n",
               x.context->client_id.c_str(), x.context->organization.c_str(), x.context->purpose.code.c_str(),
               static_cast<long long>(x.disclosure->break_glass_disclosures()));
}

}  // namespace gateway
