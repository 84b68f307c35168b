#include "gateway/audit/audit_trail.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <memory>

#include "consent/audit/audit_log.hpp"
#include "consent/decision/decision_engine.hpp"
#include "consent/enforcement/disclosure_filter.hpp"
#include "fhir/core/errors.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/search/search_service.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {
namespace {

// The stated nature of an emergency, kept in the trail up to this length.
constexpr std::size_t kMaxEmergencyText = 256;

// Waits for the log's durable-commit callback (which runs on the log's
// writer thread) and resumes on the caller's executor.
net::awaitable<fhir::Result<std::int64_t>> append_durably(consent::AuditLog& log, consent::AuditEntry entry) {
  auto initiate = [&log](auto handler, consent::AuditEntry e) {
    using Handler = decltype(handler);
    auto h = std::make_shared<Handler>(std::move(handler));
    log.append(std::move(e), [h](fhir::Result<std::int64_t> seq) {
      auto ex = net::get_associated_executor(*h);
      net::post(ex, [h, seq = std::move(seq)]() mutable { (*h)(std::move(seq)); });
    });
  };
  co_return co_await net::async_initiate<decltype(net::use_awaitable), void(fhir::Result<std::int64_t>)>(
      initiate, net::use_awaitable, std::move(entry));
}

// The entity's patients join the event's Patient entities, once each.
void note_patients(consent::AuditDescription& d, const std::vector<std::string>& patients) {
  for (const auto& p : patients)
    if (std::find(d.patients.begin(), d.patients.end(), p) == d.patients.end()) d.patients.push_back(p);
}

}  // namespace

void mark_disclosure(consent::AuditDescription& d, const AppContext& app, const consent::DisclosureFilter* filter) {
  d.disclosure =
      !d.patients.empty() && app.consent_engine != nullptr && !app.consent_engine->policy().is_custodian(d.role);
  d.break_glass = filter != nullptr && filter->break_glass_disclosures() > 0;
}

std::string version_reference(const fhir::store::VersionRecord& rec) {
  return rec.type + "/" + rec.id + "/_history/" + std::to_string(rec.version);
}

void add_version(consent::AuditDescription& d, const consent::DisclosureFilter* filter,
                 const fhir::store::VersionRecord& rec, std::string basis) {
  if (basis.empty()) basis = filter != nullptr ? filter->basis(rec) : "policy:custodian";
  d.entities.push_back({version_reference(rec), std::move(basis), consent::split_patients(rec.patients)});
  note_patients(d, d.entities.back().patients);
}

void add_returned(consent::AuditDescription& d, const SearchRequest& request, const SearchResult& result) {
  for (const auto& r : result.matches) add_version(d, request.disclosure, *r);
  for (const auto& r : result.included) add_version(d, request.disclosure, *r);
}

void add_written(consent::AuditDescription& d, const EntryOutcome& o) {
  if (o.version <= 0) return;
  fhir::store::VersionRecord v;
  v.type = o.type;
  v.id = o.id;
  v.version = o.version;
  v.patients = o.patients;
  add_version(d, nullptr, v, o.seq > 0 ? "write" : "exists");
}

void add_refusal(consent::AuditDescription& d, const consent::DisclosureFilter* filter, const std::string& asked,
                 const fhir::store::VersionRecord* rec) {
  d.outcome = 4;
  if (rec == nullptr) {
    d.outcome_text = "not found";
    d.entities.push_back({asked, "not found", {}});
    return;
  }
  const bool withheld = filter != nullptr && !filter->may_receive(*rec);
  std::string basis = withheld ? filter->basis(*rec) : rec->deleted ? "deleted" : "refused";
  d.outcome_text = withheld ? "withheld: " + basis : basis;
  d.entities.push_back({asked, std::move(basis), consent::split_patients(rec->patients)});
  note_patients(d, d.entities.back().patients);
}

consent::AuditDescription describe_request(const Exchange& x, const AppContext& app, std::string interaction) {
  consent::AuditDescription d;
  d.interaction = std::move(interaction);
  d.recorded_ms = app.clock->now_ms();
  if (x.context) {
    d.client_id = x.context->client_id;
    d.organization = x.context->organization;
    d.user_id = x.context->user_id;
    d.user_name = x.context->user_name;
    d.role = x.context->role;
    d.purpose = x.context->purpose.code;
  }
  // The path and query as asked; access tokens travel in the header only.
  d.query = x.path;
  const std::string& target = x.request.target;
  if (auto q = target.find('?'); q != std::string::npos) d.query += target.substr(q);
  d.gateway = app.base_url;
  // 42 CFR 2.51(c): a disclosure in a medical emergency is documented with
  // the nature of the emergency, which the requester states per request.
  if (d.purpose == "ETREAT" || d.purpose == "BTG") {
    std::string_view stated = x.request.header("carebridge-emergency");
    d.emergency = std::string(stated.substr(0, kMaxEmergencyText));
  }
  return d;
}

net::awaitable<fhir::Status> record_audit(Exchange& x, const AppContext& app, consent::AuditDescription d,
                                          const char* failure_text) {
  if (app.audit == nullptr) co_return fhir::ok_status();
  auto seq = co_await append_durably(*app.audit, consent::audit_entry(std::move(d)));
  if (seq) co_return fhir::ok_status();
  // Fail closed: whatever the response held is not sent.
  x.fail(fhir::make_issue(fhir::err::kUnavailable,
                          failure_text != nullptr ? failure_text
                                                  : "The audit trail cannot be written; nothing was disclosed"));
  co_return seq.take_issue();
}

}  // namespace gateway
