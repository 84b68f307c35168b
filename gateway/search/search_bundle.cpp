#include "gateway/search/search_bundle.hpp"

#include <algorithm>

#include "consent/labels/label_output.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/core/id_generator.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/json/write.hpp"
#include "fhir/resource/operation_outcome.hpp"
#include "fhir/search/query_canonical.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/disclosure/request_filter.hpp"
#include "gateway/handlers/bundle_link.hpp"
#include "gateway/search/projection.hpp"

namespace gateway {
namespace {

using fhir::search::Summary;

std::string page_url(const AppContext& app, const SearchRequest& r, const SearchResult& res,
                     const std::string& path, const std::string& extra, std::int64_t offset) {
  fhir::search::SearchQuery q = r.query;
  // _summary=count pages nothing: its links carry no page size.
  if (q.summary == Summary::count) q.count = r.query.count;
  else q.count = res.count;
  q.snapshot = res.cursor;
  if (res.cursor || offset > 0) q.offset = offset;
  else q.offset.reset();
  std::string query = extra;
  const std::string own = fhir::search::canonical_query(q);
  if (!query.empty() && !own.empty()) query += '&';
  query += own;
  std::string url = app.base_url + "/" + path;
  if (!query.empty()) url += "?" + query;
  return url;
}

void append_entry(std::string& out, const AppContext& app, const SearchRequest& r,
                  const fhir::store::VersionRecord& rec, const char* mode) {
  const auto& q = r.query;
  out += R"({"fullUrl":")";
  fhir::json::append_escaped(app.base_url + "/" + rec.type + "/" + rec.id, out);
  out += R"(","resource":)";
  std::string scratch;
  append_projected(out, app, Projection{q.summary, q.elements}, disclosed_json(r.disclosure, rec, scratch));
  out += R"(,"search":{"mode":")";
  out += mode;
  out += "\"}}";
}

// R4 search.html: a server may say what it ignored in an OperationOutcome
// entry. Names and reasons only: a value may be PHI.
std::string ignored_outcome(const fhir::search::SearchQuery& q) {
  std::vector<fhir::Issue> issues;
  for (const auto& i : q.ignored) {
    fhir::Issue issue;
    issue.severity = fhir::Severity::warning;
    issue.code = "not-supported";
    issue.diagnostics = "Parameter '" + i.name + "' was ignored: " + i.reason;
    issue.expression = i.name;
    issues.push_back(std::move(issue));
  }
  return fhir::operation_outcome_json(issues);
}

// 42 CFR 2.32: a Bundle holding Part 2 records carries the notice once
// (each record carries it on its meta as well).
bool holds_part2(const SearchResult& res) {
  auto part2 = [](const RecordPtr& r) { return consent::is_part2_key(r->label_key); };
  return std::any_of(res.matches.begin(), res.matches.end(), part2) ||
         std::any_of(res.included.begin(), res.included.end(), part2);
}

std::string notice_outcome(const AppContext& app) {
  fhir::Issue issue;
  issue.severity = fhir::Severity::information;
  issue.code = "informational";
  issue.diagnostics = app.part2_notice->text;
  return fhir::operation_outcome_json(issue);
}

}  // namespace

std::string searchset_bundle(const AppContext& app, const SearchRequest& r, const SearchResult& res,
                             const std::string& path, const std::string& extra) {
  const auto& q = r.query;
  std::string out;
  out.reserve(512 + (res.matches.size() + res.included.size()) * 1024);
  out += R"({"resourceType":"Bundle","id":")";
  out += fhir::new_resource_id();
  out += R"(","meta":{"lastUpdated":")";
  out += fhir::format_instant(app.clock->now_ms());
  out += R"("},"type":"searchset")";
  if (q.total != fhir::search::TotalMode::none) {
    out += R"(,"total":)";
    out += std::to_string(res.total);
  }
  out += R"(,"link":[)";
  bool first = true;
  append_bundle_link(out, first, "self", page_url(app, r, res, path, extra, res.offset));
  const bool paged = q.summary != Summary::count && res.count > 0;
  if (paged && res.offset + res.count < res.pageable)
    append_bundle_link(out, first, "next", page_url(app, r, res, path, extra, res.offset + res.count));
  if (paged && res.offset > 0)
    append_bundle_link(out, first, "previous",
                page_url(app, r, res, path, extra, std::max<std::int64_t>(0, res.offset - res.count)));
  out += ']';
  const bool notice = app.part2_notice != nullptr && holds_part2(res);
  const bool any = !res.matches.empty() || !res.included.empty() || !q.ignored.empty() || notice;
  if (any) {
    out += R"(,"entry":[)";
    bool first_entry = true;
    auto sep = [&] {
      if (!first_entry) out += ',';
      first_entry = false;
    };
    for (const auto& m : res.matches) {
      sep();
      append_entry(out, app, r, *m, "match");
    }
    for (const auto& inc : res.included) {
      sep();
      append_entry(out, app, r, *inc, "include");
    }
    if (!q.ignored.empty()) {
      sep();
      out += R"({"resource":)";
      out += ignored_outcome(q);
      out += R"(,"search":{"mode":"outcome"}})";
    }
    if (notice) {
      sep();
      out += R"({"resource":)";
      out += notice_outcome(app);
      out += R"(,"search":{"mode":"outcome"}})";
    }
    out += ']';
  }
  out += '}';
  return out;
}

}  // namespace gateway
