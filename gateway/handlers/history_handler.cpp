// history at instance, type and system level (R4 http.html#history).
//
// Paging: the first page pins a snapshot (the highest committed seq); every
// link carries it, so pages stay consistent while writes land underneath.
// Versions at or below a snapshot never change, so offsets within it are
// stable.
#include <charconv>

#include "fhir/core/errors.hpp"
#include "fhir/core/id_generator.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/json/write.hpp"
#include "fhir/store/store.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/disclosure/present.hpp"
#include "gateway/disclosure/request_filter.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/handlers/bundle_link.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/handlers/resource_response.hpp"
#include "gateway/storage/storage_pool.hpp"

namespace gateway {
namespace {

bool parse_int(std::string_view s, std::int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

fhir::Issue bad_param(const std::string& name, const std::string& why) {
  return fhir::make_issue(fhir::err::kInvalidParameter, "Parameter " + name + ": " + why, name);
}

fhir::Result<fhir::store::HistoryQuery> parse_query(const Exchange& x, const AppContext& app) {
  fhir::store::HistoryQuery q;
  q.type = x.route.type;
  q.id = x.route.id;
  q.count = app.settings.history_default_count;
  for (const auto& [name, value] : x.query) {
    std::int64_t n = 0;
    if (name == "_count") {
      if (!parse_int(value, n) || n < 0) return bad_param(name, "must be a whole number");
      // R4: _count is a hint; the server caps it.
      q.count = static_cast<int>(std::min<std::int64_t>(n, app.settings.history_max_count));
    } else if (name == "_since") {
      auto t = fhir::parse_instant(value);
      if (!t) return bad_param(name, "must be an instant such as 2024-01-01T00:00:00Z");
      q.since_ms = *t;
    } else if (name == "_snapshot") {
      if (!parse_int(value, n) || n < 0) return bad_param(name, "malformed paging link");
      q.at_or_below_seq = n;
    } else if (name == "_offset") {
      if (!parse_int(value, n) || n < 0) return bad_param(name, "malformed paging link");
      q.offset = n;
    } else if (name == "_format") {
      // handled by content negotiation
    } else if (name == "_at" || name == "_list" || name == "_sort") {
      return bad_param(name, "is not supported on history");
    }
    // Other parameters are ignored, as R4 allows for lenient handling.
  }
  return q;
}

std::string page_link(const AppContext& app, const Exchange& x, const fhir::store::HistoryQuery& q,
                      std::int64_t offset) {
  std::string url = app.base_url + "/" + x.path + "?_count=" + std::to_string(q.count);
  if (q.since_ms) url += "&_since=" + fhir::format_instant(*q.since_ms);
  url += "&_snapshot=" + std::to_string(*q.at_or_below_seq);
  url += "&_offset=" + std::to_string(offset);
  return url;
}

const char* status_of(const fhir::store::VersionRecord& v) {
  if (v.deleted) return "204 No Content";
  return v.version == 1 || v.method == "POST" ? "201 Created" : "200 OK";
}

void append_entry(std::string& out, const AppContext& app, const consent::DisclosureFilter* filter,
                  const fhir::store::VersionRecord& v) {
  std::string resource_url = v.type + "/" + v.id;
  out += R"({"fullUrl":")";
  fhir::json::append_escaped(app.base_url + "/" + resource_url, out);
  out += '"';
  if (!v.deleted) {
    out += R"(,"resource":)";
    std::string scratch;
    out += disclosed_json(filter, v, scratch);
  }
  out += R"(,"request":{"method":")";
  out += v.method;
  out += R"(","url":")";
  fhir::json::append_escaped(v.method == "POST" ? v.type : resource_url, out);
  out += R"("},"response":{"status":")";
  out += status_of(v);
  out += R"(","etag":"W/\")";
  out += std::to_string(v.version);
  out += R"(\"","lastModified":")";
  out += fhir::format_instant(v.last_updated_ms);
  out += "\"}}";
}

const char* interaction_of(const Exchange& x) {
  if (!x.route.id.empty()) return "history-instance";
  return x.route.type.empty() ? "history-system" : "history-type";
}

// An instance history that found nothing the requester may see: what the
// store holds there (read without the filter) says withheld or missing.
net::awaitable<void> audit_refused_history(Exchange& x, const AppContext& app,
                                           const consent::DisclosureFilter* filter) {
  if (app.audit == nullptr) co_return;
  auto head = co_await app.storage->run([&] { return app.store->read_head(x.route.type, x.route.id); });
  if (!head) co_return;  // a storage error: already answered 404, nothing disclosed
  consent::AuditDescription d = describe_request(x, app, interaction_of(x));
  add_refusal(d, filter, x.route.type + "/" + x.route.id, *head ? &**head : nullptr);
  co_await record_audit(x, app, std::move(d));
}

}  // namespace

net::awaitable<void> handle_history(Exchange& x, const AppContext& app) {
  auto parsed = parse_query(x, app);
  if (!parsed) {
    x.fail(parsed.issue());
    co_return;
  }
  fhir::store::HistoryQuery q = std::move(*parsed);
  const consent::DisclosureFilter* filter = disclosure_for(x, app);
  q.filter = filter;
  auto page = co_await app.storage->run([&]() -> fhir::Result<fhir::store::HistoryPage> {
    if (!q.at_or_below_seq) {
      auto last = app.store->last_seq();
      if (!last) return last.take_issue();
      q.at_or_below_seq = *last;
    }
    return app.store->history(q);
  });
  if (!page) {
    x.fail(page.issue());
    co_return;
  }
  for (auto& v : page->entries) present(app, v);
  // Instance history of something never stored is a 404, not an empty page.
  // Withheld from this requester (filtered inside the query) it reads the
  // same; the audit trail tells the two apart.
  if (!q.id.empty() && page->total == 0 && q.offset == 0 && !q.since_ms) {
    x.fail(fhir::make_issue(fhir::err::kNotFound, "No resource with this id"));
    co_await audit_refused_history(x, app, filter);
    co_return;
  }

  std::string out;
  out.reserve(256 + page->entries.size() * 1024);
  out += R"({"resourceType":"Bundle","id":")";
  out += fhir::new_resource_id();
  out += R"(","meta":{"lastUpdated":")";
  out += fhir::format_instant(app.clock->now_ms());
  out += R"("},"type":"history","total":)";
  out += std::to_string(page->total);
  out += R"(,"link":[)";
  bool first = true;
  append_bundle_link(out, first, "self", page_link(app, x, q, q.offset));
  if (q.offset + static_cast<std::int64_t>(page->entries.size()) < page->total && q.count > 0)
    append_bundle_link(out, first, "next", page_link(app, x, q, q.offset + q.count));
  if (q.offset > 0)
    append_bundle_link(out, first, "previous", page_link(app, x, q, std::max<std::int64_t>(0, q.offset - q.count)));
  out += ']';
  if (!page->entries.empty()) {
    out += R"(,"entry":[)";
    bool first_entry = true;
    for (const auto& v : page->entries) {
      if (!first_entry) out += ',';
      first_entry = false;
      append_entry(out, app, q.filter != nullptr ? x.disclosure.get() : nullptr, v);
    }
    out += ']';
  }
  out += '}';
  x.response.status = 200;
  x.response.body = std::move(out);
  if (app.audit == nullptr) co_return;
  consent::AuditDescription d = describe_request(x, app, interaction_of(x));
  for (const auto& v : page->entries) add_version(d, filter, v);
  mark_disclosure(d, app, filter);
  co_await record_audit(x, app, std::move(d));
}

}  // namespace gateway
