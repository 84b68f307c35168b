// POST /Patient/$match (R4 patient-operation-match): which stored Patients
// may be the person a Parameters body describes (`resource`, a Patient;
// `onlyCertainMatches`; `count`), each scored by the same matcher and
// rules that link records on ingest (mappers/identity, matching-rules.json).
// The answer is a searchset Bundle, best score first: search.mode "match",
// search.score, and the match-grade extension on search. Candidates come
// from the blocking searches of the link step (birth date, strong
// identifiers; gateway/write/link_blocking.hpp) run under the request's
// consent filter, so a Patient the requester may not see is never
// considered, scored or named. Writes nothing; one AuditEvent (operation)
// names what it returned.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "consent/enforcement/consent_index.hpp"
#include "consent/enforcement/disclosure_filter.hpp"
#include "consent/labels/label_output.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/core/id_generator.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "fhir/resource/operation_outcome.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/disclosure/present.hpp"
#include "gateway/disclosure/request_filter.hpp"
#include "gateway/handlers/bundle_link.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/storage/storage_pool.hpp"
#include "gateway/write/link_blocking.hpp"
#include "mappers/identity/patient_matcher.hpp"

namespace gateway {
namespace {

namespace identity = mappers::identity;
using fhir::json::Value;

// R4 leaves the number to the server when count is absent.
constexpr int kDefaultCount = 10;
constexpr int kMaxCount = 100;

struct MatchRequest {
  Value patient;
  bool only_certain = false;
  int count = kDefaultCount;
};

fhir::Issue bad(std::string why, std::string expression) {
  return fhir::make_issue(fhir::err::kInvalidParameter, std::move(why), std::move(expression));
}

// The operation's input: a Parameters resource, or (leniently) the Patient
// itself as the body, as operations with one resource input allow.
fhir::Result<MatchRequest> parse_body(const std::string& body) {
  auto doc = fhir::json::parse(body);
  if (!doc) return fhir::make_issue(fhir::err::kInvalidJson, "The body is not JSON");
  MatchRequest m;
  if (doc->is_object() && doc->string_at("resourceType") == "Patient") {
    m.patient = std::move(*doc);
    return m;
  }
  if (!doc->is_object() || doc->string_at("resourceType") != "Parameters")
    return fhir::make_issue(fhir::err::kInvalidRequest,
                            "Patient/$match takes a Parameters resource (resource, onlyCertainMatches, count)");
  static const std::vector<Value> kNone;
  const Value* params = doc->find("parameter");
  bool have_patient = false, have_certain = false, have_count = false;
  for (const auto& p : params != nullptr && params->is_array() ? params->items() : kNone) {
    const std::string_view name = p.string_at("name");
    if (name == "resource") {
      const Value* r = p.find("resource");
      if (r == nullptr || !r->is_object() || r->string_at("resourceType") != "Patient" || have_patient)
        return bad("Parameter resource: exactly one Patient", "Parameters.parameter.resource");
      m.patient = *r;
      have_patient = true;
    } else if (name == "onlyCertainMatches") {
      const Value* b = p.find("valueBoolean");
      if (b == nullptr || !b->is_bool() || have_certain)
        return bad("Parameter onlyCertainMatches: one valueBoolean", "Parameters.parameter.valueBoolean");
      m.only_certain = b->as_bool();
      have_certain = true;
    } else if (name == "count") {
      const Value* n = p.find("valueInteger");
      int count = 0;
      const std::string text = n != nullptr && n->is_number() ? n->text() : std::string();
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size() || count < 1 || have_count)
        return bad("Parameter count: one positive valueInteger", "Parameters.parameter.valueInteger");
      m.count = std::min(count, kMaxCount);
      have_count = true;
    } else {
      return bad("Parameter '" + std::string(name) + "' is not a parameter of Patient/$match", "Parameters.parameter");
    }
  }
  if (!have_patient) return bad("Parameter resource (a Patient) is required", "Parameters.parameter");
  return m;
}

struct Candidate {
  std::shared_ptr<const fhir::store::VersionRecord> rec;
  identity::MatchResult result;
};

// Blocking, then scoring, on the storage pool. Only what filter lets
// through is searched (null: all).
fhir::Result<std::vector<Candidate>> find(const AppContext& app, const identity::Demographics& query,
                                          const consent::DisclosureFilter* filter) {
  std::vector<Candidate> out;
  auto searches = blocking_searches(app.write, query);
  if (!searches) return searches.take_issue();
  std::set<std::string> ids;
  for (const auto& c : *searches) {
    fhir::store::SearchSpec spec;
    spec.types = {"Patient"};
    spec.query = &c.query;
    spec.params = app.search.get();
    spec.now_ms = app.clock->now_ms();
    spec.limit = kMaxMatchCandidates;
    spec.filter = filter;
    auto hits = app.store->search(spec);
    if (!hits) return hits.take_issue();
    for (auto& h : *hits) ids.insert(std::move(h.id));
  }
  for (const auto& id : ids) {
    auto rec = app.store->read_head("Patient", id);
    if (!rec) return rec.take_issue();
    if (!*rec || (*rec)->deleted || (filter != nullptr && !filter->may_receive(**rec))) continue;
    auto json = fhir::json::parse((*rec)->json);
    if (!json) continue;
    auto theirs = identity::patient_demographics(*json);
    if (!theirs) continue;
    identity::MatchResult r = identity::match(query, *theirs, *app.write.matching);
    if (r.outcome == identity::Outcome::none) continue;
    present(app, **rec);
    out.push_back(Candidate{std::make_shared<const fhir::store::VersionRecord>(std::move(**rec)), std::move(r)});
  }
  return out;
}

// R4: with onlyCertainMatches, only a certain match is returned, and none
// when there are several. Records linked as one person count as one.
void keep_certain(const AppContext& app, std::vector<Candidate>& list) {
  std::erase_if(list, [](const Candidate& c) { return c.result.grade != identity::MatchGrade::certain; });
  if (list.size() < 2 || app.consents == nullptr) return;
  const auto snapshot = app.consents->snapshot();
  const std::string_view person = snapshot->person_of(list.front().rec->id);
  for (const auto& c : list)
    if (snapshot->person_of(c.rec->id) != person) {
      list.clear();
      return;
    }
}

std::string score_text(double score) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", score);
  return buf;
}

std::string bundle(const AppContext& app, const consent::DisclosureFilter* filter,
                   const std::vector<Candidate>& list) {
  std::string out;
  out += R"({"resourceType":"Bundle","id":")";
  out += fhir::new_resource_id();
  out += R"(","meta":{"lastUpdated":")";
  out += fhir::format_instant(app.clock->now_ms());
  out += R"("},"type":"searchset","total":)";
  out += std::to_string(list.size());
  out += R"(,"link":[)";
  bool first = true;
  append_bundle_link(out, first, "self", app.base_url + "/Patient/$match");
  out += ']';
  bool part2 = false;
  if (!list.empty()) {
    out += R"(,"entry":[)";
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto& rec = *list[i].rec;
      const auto& r = list[i].result;
      part2 = part2 || consent::is_part2_key(rec.label_key);
      if (i > 0) out += ',';
      out += R"({"fullUrl":")";
      fhir::json::append_escaped(app.base_url + "/Patient/" + rec.id, out);
      out += R"(","resource":)";
      std::string scratch;
      out += disclosed_json(filter, rec, scratch);
      out += R"(,"search":{)";
      if (r.grade) {
        out += R"("extension":[{"url":")";
        out += identity::kMatchGradeExtension;
        out += R"(","valueCode":")";
        out += identity::match_grade_code(*r.grade);
        out += R"("}],)";
      }
      out += R"("mode":"match","score":)";
      out += score_text(r.score);
      out += "}}";
    }
    // 42 CFR 2.32: a Bundle holding Part 2 records carries the notice once.
    if (part2 && app.part2_notice != nullptr) {
      fhir::Issue issue;
      issue.severity = fhir::Severity::information;
      issue.code = "informational";
      issue.diagnostics = app.part2_notice->text;
      out += R"(,{"resource":)";
      out += fhir::operation_outcome_json(issue);
      out += R"(,"search":{"mode":"outcome"}})";
    }
    out += ']';
  }
  out += '}';
  return out;
}

}  // namespace

net::awaitable<void> handle_match(Exchange& x, const AppContext& app) {
  if (x.route.type != "Patient") {
    x.fail(fhir::make_issue(fhir::err::kUnknownRoute, "$match is defined on Patient"));
    co_return;
  }
  if (app.write.matching == nullptr) {
    x.fail(fhir::make_issue(fhir::err::kUnavailable, "Patient matching is not configured"));
    co_return;
  }
  auto request = parse_body(x.request.body);
  if (!request) {
    x.fail(request.issue());
    co_return;
  }
  auto query = identity::patient_demographics(request->patient);
  if (!query) {
    x.fail(bad(query.issue().diagnostics, "Parameters.parameter.resource"));
    co_return;
  }
  const consent::DisclosureFilter* filter = disclosure_for(x, app);
  auto found = co_await app.storage->run([&] { return find(app, *query, filter); });
  if (!found) {
    x.fail(found.issue());
    co_return;
  }
  std::vector<Candidate> list = std::move(*found);
  std::sort(list.begin(), list.end(), [](const Candidate& a, const Candidate& b) {
    if (a.result.score != b.result.score) return a.result.score > b.result.score;
    return a.rec->id < b.rec->id;
  });
  if (request->only_certain) keep_certain(app, list);
  if (list.size() > static_cast<std::size_t>(request->count)) list.resize(static_cast<std::size_t>(request->count));
  x.response.status = 200;
  x.response.body = bundle(app, filter, list);
  if (app.audit == nullptr) co_return;
  consent::AuditDescription d = describe_request(x, app, "operation");
  for (const auto& c : list) add_version(d, filter, *c.rec);
  mark_disclosure(d, app, filter);
  co_await record_audit(x, app, std::move(d));
}

}  // namespace gateway
