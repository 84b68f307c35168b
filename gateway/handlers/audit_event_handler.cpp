// GET /AuditEvent (and POST /AuditEvent/_search) and GET /AuditEvent/{id},
// served from the tamper-evident audit log (consent/audit/), not the
// resource store: each record is rendered as the AuditEvent it describes,
// with its seq as id. For the compliance role only (trail_access.hpp).
// Reading the trail is itself audited (the issue: "audit reads are
// audited too"), before the answer leaves; it is not a disclosure of
// patient data (mark_disclosure is not asked: compliance is no custodian,
// so it would call every look at the trail a disclosure, and the
// patients' accountings would fill with the officer's reviews).
#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <utility>

#include "consent/audit/audit_event.hpp"
#include "consent/audit/audit_log.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/core/id_generator.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/json/write.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/audit/audit_query_params.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/audit/trail_access.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/handlers/bundle_link.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/storage/storage_pool.hpp"

namespace gateway {
namespace {

// A record that does not read back is the trail's fault, not the
// request's; `carebridge audit verify` says which and why.
fhir::Issue unreadable_record() {
  return fhir::make_issue(fhir::err::kInternal,
                          "An audit record could not be read; run carebridge audit verify");
}

std::string page_url(const AppContext& app, const AuditSearch& s, std::int64_t offset) {
  std::string url = app.base_url + "/AuditEvent?" + s.criteria;
  if (!s.criteria.empty()) url += '&';
  url += "_count=" + std::to_string(s.query.limit);
  if (offset > 0) url += "&_offset=" + std::to_string(offset);
  return url;
}

fhir::Result<std::string> searchset(const AppContext& app, const AuditSearch& s, const consent::AuditPage& page) {
  const std::int64_t offset = s.query.offset;
  const std::int64_t count = s.query.limit;
  std::string out = R"({"resourceType":"Bundle","id":")";
  out += fhir::new_resource_id();
  out += R"(","meta":{"lastUpdated":")";
  out += fhir::format_instant(app.clock->now_ms());
  out += R"("},"type":"searchset","total":)";
  out += std::to_string(page.total);
  out += R"(,"link":[)";
  bool first = true;
  append_bundle_link(out, first, "self", page_url(app, s, offset));
  if (count > 0 && offset + count < page.total) append_bundle_link(out, first, "next", page_url(app, s, offset + count));
  if (count > 0 && offset > 0)
    append_bundle_link(out, first, "previous", page_url(app, s, std::max<std::int64_t>(0, offset - count)));
  out += ']';
  if (!page.records.empty()) {
    out += R"(,"entry":[)";
    bool first_entry = true;
    for (const auto& rec : page.records) {
      auto json = consent::audit_event_json(rec);
      if (!json) return unreadable_record();
      if (!first_entry) out += ',';
      first_entry = false;
      out += R"({"fullUrl":")";
      fhir::json::append_escaped(app.base_url + "/AuditEvent/" + std::to_string(rec.seq), out);
      out += R"(","resource":)";
      out += *json;
      out += R"(,"search":{"mode":"match"}})";
    }
    out += ']';
  }
  out += '}';
  return out;
}

// A record's id is its seq: 1, 2, ... (contiguous: audit_schema.cpp),
// written without leading zeros ("07" is another id, and none).
std::optional<std::int64_t> seq_of(const std::string& id) {
  if (id.empty() || id.front() == '0') return std::nullopt;
  std::int64_t seq = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), seq);
  if (ec != std::errc() || end != id.data() + id.size() || seq < 1) return std::nullopt;
  return seq;
}

}  // namespace

net::awaitable<void> handle_audit_search(Exchange& x, const AppContext& app) {
  if (!co_await admit_trail_reader(x, app, "search-type", auth::kSearch)) co_return;
  auto search = parse_audit_search(x.query);
  if (!search) {
    x.fail(search.issue());
    co_return;
  }
  auto page = co_await app.storage->run([&] { return app.audit->search(search->query); });
  if (!page) {
    x.fail(page.issue());
    co_return;
  }
  auto body = searchset(app, *search, *page);
  if (!body) {
    x.fail(body.issue());
    co_return;
  }
  x.response.status = 200;
  x.response.body = std::move(*body);
  // BALP's patient-specific query: the patients asked about.
  consent::AuditDescription d = describe_request(x, app, "search-type");
  d.patients = search->query.patient;
  std::sort(d.patients.begin(), d.patients.end());
  d.patients.erase(std::unique(d.patients.begin(), d.patients.end()), d.patients.end());
  co_await record_audit(x, app, std::move(d));
}

net::awaitable<void> handle_audit_read(Exchange& x, const AppContext& app) {
  if (!co_await admit_trail_reader(x, app, "read", auth::kRead)) co_return;
  std::optional<consent::AuditRecord> rec;
  if (auto seq = seq_of(x.route.id)) {
    consent::AuditQuery q;
    q.seq = *seq;  // the primary key: one lookup
    q.limit = 1;
    auto page = co_await app.storage->run([&] { return app.audit->search(q); });
    if (!page) {
      x.fail(page.issue());
      co_return;
    }
    if (!page->records.empty() && page->records.front().seq == *seq) rec = std::move(page->records.front());
  }
  consent::AuditDescription d = describe_request(x, app, "read");
  const std::string asked = "AuditEvent/" + x.route.id;
  if (!rec) {
    x.fail(fhir::make_issue(fhir::err::kNotFound, "No resource with this id"));
    d.outcome = 4;
    d.outcome_text = "not found";
    d.entities.push_back({asked, "not found", {}});
  } else {
    auto event = consent::describe_record(*rec);
    if (!event) {
      x.fail(unreadable_record());
      co_return;
    }
    x.response.status = 200;
    x.response.body = consent::audit_event_json(*event, std::to_string(rec->seq));
    d.patients = event->patients;
    d.entities.push_back({asked, "", event->patients});
  }
  co_await record_audit(x, app, std::move(d));
}

}  // namespace gateway
