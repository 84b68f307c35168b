// GET /Patient/{id}/$disclosures[?start=&end=]: the patient's accounting of
// disclosures (45 CFR 164.528; 42 CFR 2.24 for Part 2 records) from the
// audit trail: every record of a disclosure (subtype `disclose`: patient
// data to a recipient outside its source) about this patient, recorded in
// [start, end), each narrowed to this patient (disclosure_view.hpp). A
// collection Bundle of AuditEvents, or with _format=csv (or Accept:
// text/csv first) one CSV row per resource disclosed. Compliance only;
// audited as an operation about this patient, and, like GET /AuditEvent,
// not itself a disclosure (see audit_event_handler.cpp).
#include <charconv>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "consent/audit/audit_log.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/core/id_generator.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/json/write.hpp"
#include "fhir/search/date_range.hpp"
#include "fhir/search/query_issues.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/audit/disclosures_csv.hpp"
#include "gateway/audit/trail_access.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/http/csv_text.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/storage/storage_pool.hpp"

namespace gateway {
namespace {

using fhir::search::invalid_value;

constexpr std::int64_t kPage = 1000;  // records per read of the log
// A larger accounting is not one a person reads: ask for a shorter period.
constexpr std::int64_t kMaxDisclosures = 100'000;

struct Window {
  std::int64_t from = 0;    // recorded_ms >= from
  std::int64_t before = 0;  // recorded_ms < before
  bool csv = false;
};

// start and end are FHIR dates, dateTimes or instants; each bound is the
// first millisecond it names, so end=2026-12-01 covers all of November.
fhir::Result<std::int64_t> bound(std::string_view name, std::string text) {
  for (char& c : text)
    if (c == ' ') c = '+';  // a zone's '+' sent unencoded arrives as a space
  auto range = fhir::search::parse_date_range(text);
  if (!range) return invalid_value(name, "expected a date or dateTime, e.g. 2026-01 or 2026-01-15T10:00:00Z");
  return range->low;
}

// 45 CFR 164.528(a)(1): the six years before the request, by the
// calendar (29 February goes to the 28th). Part 2's three years (42 CFR
// 2.24) fall within them.
std::int64_t six_years_before(std::int64_t ms) {
  std::string t = fhir::format_instant(ms);  // "2026-11-24T13:25:12.123Z"
  int year = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + 4, year);
  if (ec == std::errc() && end == t.data() + 4 && year >= 1006) {
    std::string y = std::to_string(year - 6);
    t.replace(0, 4, y);
    if (t.compare(4, 6, "-02-29") == 0) t.replace(8, 2, "28");
    if (auto back = fhir::parse_instant(t)) return *back;
  }
  return ms - (6 * 365 + 2) * 86'400'000LL;
}

fhir::Result<Window> window_of(const Exchange& x, std::int64_t now_ms) {
  Window w;
  w.before = now_ms;
  bool has_start = false;
  w.csv = csv_requested(x.request.header("accept"), nullptr);
  for (const auto& [name, value] : x.query) {
    if (name == "_format") {
      w.csv = is_csv_media(value);
    } else if (name == "start" || name == "end") {
      auto t = bound(name, value);
      if (!t) return t.take_issue();
      (name == "start" ? w.from : w.before) = *t;
      has_start = has_start || name == "start";
    } else {
      return fhir::make_issue(fhir::err::kInvalidParameter,
                              "Parameter '" + name + "' is not a parameter of $disclosures: start and end are", name);
    }
  }
  if (!has_start) w.from = six_years_before(w.before);
  if (w.from >= w.before) return invalid_value("start", "start must be before end");
  return w;
}

std::string collection(const AppContext& app, const std::vector<Disclosure>& list) {
  const std::string now = fhir::format_instant(app.clock->now_ms());
  std::string out = R"({"resourceType":"Bundle","id":")";
  out += fhir::new_resource_id();
  out += R"(","meta":{"lastUpdated":")" + now + R"("},"type":"collection","timestamp":")" + now + "\"";
  if (!list.empty()) {
    out += R"(,"entry":[)";
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string id = std::to_string(list[i].seq);
      if (i > 0) out += ',';
      out += R"({"fullUrl":")";
      fhir::json::append_escaped(app.base_url + "/AuditEvent/" + id, out);
      out += R"(","resource":)";
      out += consent::audit_event_json(list[i].event, id);
      out += '}';
    }
    out += ']';
  }
  out += '}';
  return out;
}

}  // namespace

net::awaitable<void> handle_disclosures(Exchange& x, const AppContext& app) {
  if (x.route.type != "Patient") {
    x.fail(fhir::make_issue(fhir::err::kUnknownRoute, "$disclosures is defined on Patient"));
    co_return;
  }
  if (!co_await admit_trail_reader(x, app, "operation", auth::kSearch)) co_return;
  auto window = window_of(x, app.clock->now_ms());
  if (!window) {
    x.fail(window.issue());
    co_return;
  }
  const std::string& patient = x.route.id;
  consent::AuditQuery q;
  q.patient = {patient};
  q.subtype = {"disclose"};
  q.recorded_from_ms = window->from;
  q.recorded_before_ms = window->before;
  q.limit = kPage;
  std::vector<Disclosure> list;
  // Page by page, so the storage pool serves others between them. The log
  // only grows at its end, so offsets stay put while we read.
  for (;;) {
    auto page = co_await app.storage->run([&] { return app.audit->search(q); });
    if (!page) {
      x.fail(page.issue());
      co_return;
    }
    if (page->total > kMaxDisclosures) {
      x.fail(fhir::make_issue(fhir::err::kInvalidParameter,
                              "More than 100000 disclosures in this period: narrow the period (start, end)"));
      co_return;
    }
    for (const auto& rec : page->records) {
      auto event = consent::describe_record(rec);
      if (!event) {
        x.fail(fhir::make_issue(fhir::err::kInternal,
                                "An audit record could not be read; run carebridge audit verify"));
        co_return;
      }
      if (narrow_to_patient(*event, patient)) list.push_back(Disclosure{rec.seq, std::move(*event)});
    }
    q.offset += static_cast<std::int64_t>(page->records.size());
    if (page->records.empty() || q.offset >= page->total) break;
  }
  x.response.status = 200;
  if (window->csv) {
    x.response.body = disclosures_csv(list);
    x.response.set_header("Content-Type", "text/csv; charset=utf-8");
  } else {
    x.response.body = collection(app, list);
  }
  consent::AuditDescription d = describe_request(x, app, "operation");
  d.patients = {patient};
  co_await record_audit(x, app, std::move(d));
}

}  // namespace gateway
