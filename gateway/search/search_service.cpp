#include "gateway/search/search_service.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "fhir/json/parse.hpp"
#include "fhir/search/index_values.hpp"
#include "fhir/search/query_canonical.hpp"
#include "fhir/search/search_params.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/auth/request_context.hpp"
#include "gateway/disclosure/present.hpp"
#include "gateway/search/received_match_filter.hpp"
#include "gateway/search/result_cache.hpp"
#include "profiles/type_model.hpp"

namespace gateway {
namespace {

using fhir::search::Criterion;
using fhir::search::IncludeSpec;
using fhir::search::SearchQuery;
using fhir::store::SearchHit;
using Key = std::pair<std::string, std::string>;

// Includes stop growing here (R4 lets a server limit them; :iterate could
// otherwise walk a whole store).
constexpr std::size_t kMaxIncluded = 1000;
constexpr int kMaxIterations = 4;

// The request's search as the store runs it.
fhir::store::SearchSpec request_spec(const AppContext& app, const SearchRequest& r) {
  fhir::store::SearchSpec spec;
  spec.types = r.types;
  spec.query = &r.query;
  spec.params = app.search.get();
  spec.compartment_patients = r.compartment_patients;
  spec.since_ms = r.since_ms;
  spec.now_ms = app.clock->now_ms();
  spec.limit = app.settings.search_max_results;
  spec.filter = r.filter;
  return spec;
}

// A search for included resources: another type and query, under the
// request's predicates (the compartment, and consent's later), so an
// include never shows what the search itself could not; _since does not
// apply to them.
fhir::store::SearchSpec include_spec(const AppContext& app, const SearchRequest& r, const std::string& type,
                                     const SearchQuery& q) {
  fhir::store::SearchSpec spec = request_spec(app, r);
  spec.types = {type};
  spec.query = &q;
  spec.since_ms.reset();
  return spec;
}

// The canonical query without paging: what a cursor is bound to.
std::string cursor_key(const SearchRequest& r) {
  SearchQuery q = r.query;
  q.snapshot.reset();
  q.offset.reset();
  q.count.reset();
  std::string key = fhir::search::canonical_query(q);
  for (const auto& t : r.types) key += "|" + t;
  for (const auto& p : r.compartment_patients) key += "|Patient/" + p;
  if (r.since_ms) key += "|" + std::to_string(*r.since_ms);
  // A cursor serves only the requester (and grant) that made it.
  // Length-prefixed: a user id a client chose cannot pose as other fields.
  if (r.requester != nullptr)
    for (const std::string& field : {r.requester->client_id, r.requester->scopes.to_string(),
                                     r.requester->purpose.code, r.requester->user_id})
      key += "|" + std::to_string(field.size()) + ":" + field;
  if (r.filter != nullptr) key += "|consents:" + std::to_string(r.filter_generation);
  return key;
}

fhir::Result<std::vector<RecordPtr>> load(const AppContext& app, const std::vector<SearchHit>& hits) {
  std::vector<RecordPtr> out;
  out.reserve(hits.size());
  for (const auto& h : hits) {
    auto rec = app.store->read_head(h.type, h.id);
    if (!rec) return rec.take_issue();
    // Deleted since the first page was read: the page is one shorter.
    if (!*rec || (*rec)->deleted) continue;
    present(app, **rec);
    out.push_back(std::make_shared<const fhir::store::VersionRecord>(std::move(**rec)));
  }
  return out;
}

Criterion criterion_for(const fhir::search::SearchParam* p) {
  Criterion c;
  c.name = p->code;
  c.param = p;
  return c;
}

// Resources of `type` with these ids (include_spec says under what).
fhir::Result<std::vector<SearchHit>> by_ids(const AppContext& app, const SearchRequest& r, const std::string& type,
                                            const std::set<std::string>& ids) {
  const auto* id_param = app.search->find(type, "_id");
  if (id_param == nullptr || ids.empty()) return std::vector<SearchHit>{};
  SearchQuery q;
  q.type = type;
  Criterion c = criterion_for(id_param->param);
  for (const auto& id : ids) c.any_of.push_back(fhir::search::TokenArg{std::nullopt, id});
  q.criteria.push_back(std::move(c));
  return app.store->search(include_spec(app, r, type, q));
}

class Includer {
 public:
  Includer(const AppContext& app, const SearchRequest& r, SearchResult& out) : app_(app), r_(r), out_(out) {
    for (const auto& m : out.matches) seen_.emplace(m->type, m->id);
  }

  fhir::Status run() {
    std::vector<RecordPtr> frontier = out_.matches;
    for (int round = 0; round < kMaxIterations && !frontier.empty(); ++round) {
      const bool first = round == 0;
      std::map<std::string, std::set<std::string>> targets;
      for (const auto& rec : frontier) forward_targets(*rec, first, targets);
      std::vector<SearchHit> hits;
      for (const auto& [type, ids] : targets) {
        auto found = by_ids(app_, r_, type, ids);
        if (!found) return found.take_issue();
        hits.insert(hits.end(), found->begin(), found->end());
      }
      if (auto st = reverse_hits(frontier, first, hits); !st) return st;
      std::vector<SearchHit> fresh;
      for (auto& h : hits)
        if (seen_.size() < kMaxIncluded + out_.matches.size() && seen_.emplace(h.type, h.id).second)
          fresh.push_back(std::move(h));
      auto recs = load(app_, fresh);
      if (!recs) return recs.take_issue();
      out_.included.insert(out_.included.end(), recs->begin(), recs->end());
      frontier = std::move(*recs);
      if (!any_iterate()) break;
    }
    return fhir::ok_status();
  }

 private:
  bool any_iterate() const {
    auto it = [](const IncludeSpec& s) { return s.iterate; };
    return std::any_of(r_.query.include.begin(), r_.query.include.end(), it) ||
           std::any_of(r_.query.revinclude.begin(), r_.query.revinclude.end(), it);
  }

  bool may_read(const std::string& type) const {
    return r_.requester == nullptr || r_.requester->scopes.allows(type, auth::kRead);
  }

  // _include: the references the included resource's parameter holds.
  void forward_targets(const fhir::store::VersionRecord& rec, bool first,
                       std::map<std::string, std::set<std::string>>& targets) {
    std::optional<fhir::json::Value> json;
    for (const IncludeSpec& s : r_.query.include) {
      if (!first && !s.iterate) continue;
      if (!s.source_type.empty() && s.source_type != rec.type) continue;
      if (!json) {
        auto parsed = fhir::json::parse(rec.json);
        if (!parsed) return;
        json = std::move(*parsed);
      }
      for (const auto& bp : app_.search->for_type(rec.type)) {
        if (bp.param->type != fhir::search::ParamType::reference) continue;
        if (!s.wildcard && bp.param != s.param && bp.param->code != (s.param ? s.param->code : "")) continue;
        fhir::search::IndexValues rows;
        fhir::search::extract_param(bp, *json, rows);
        for (const auto& ref : rows.references) {
          const auto& v = ref.value;
          if (v.local || v.type.empty() || v.id.empty() || !v.url.empty()) continue;
          if (!s.target_type.empty() && v.type != s.target_type) continue;
          if (!may_read(v.type)) continue;
          targets[v.type].insert(v.id);
        }
      }
    }
  }

  // _revinclude: resources whose parameter refers to one of the frontier.
  fhir::Status reverse_hits(const std::vector<RecordPtr>& frontier, bool first, std::vector<SearchHit>& hits) {
    for (const IncludeSpec& s : r_.query.revinclude) {
      if ((!first && !s.iterate) || s.source_type.empty() || !may_read(s.source_type)) continue;
      for (const auto& bp : app_.search->for_type(s.source_type)) {
        if (bp.param->type != fhir::search::ParamType::reference) continue;
        if (!s.wildcard && bp.param->code != s.param->code) continue;
        SearchQuery q;
        q.type = s.source_type;
        Criterion c = criterion_for(bp.param);
        for (const auto& rec : frontier) {
          if (!s.target_type.empty() && rec->type != s.target_type) continue;
          fhir::search::ReferenceArg a;
          a.type = rec->type;
          a.id = rec->id;
          c.any_of.push_back(std::move(a));
        }
        if (c.any_of.empty()) continue;
        q.criteria.push_back(std::move(c));
        auto spec = include_spec(app_, r_, s.source_type, q);
        spec.limit = static_cast<std::int64_t>(kMaxIncluded);
        auto found = app_.store->search(spec);
        if (!found) return found.take_issue();
        hits.insert(hits.end(), found->begin(), found->end());
      }
    }
    return fhir::ok_status();
  }

  const AppContext& app_;
  const SearchRequest& r_;
  SearchResult& out_;
  std::set<Key> seen_;
};

}  // namespace

fhir::search::ParseOptions search_parse_options(const AppContext& app, bool strict_handling) {
  fhir::search::ParseOptions o;
  o.handling = strict_handling ? fhir::search::Handling::strict : fhir::search::Handling::lenient;
  const profiles::TypeModel* types = app.types.get();
  o.is_resource_type = [types](std::string_view t) { return types->is_resource_type(t); };
  return o;
}

fhir::Result<SearchResult> run_search(const AppContext& app, const SearchRequest& request) {
  SearchResult out;
  const auto& q = request.query;
  out.count = std::min(q.count.value_or(app.settings.search_default_count), app.settings.search_max_count);
  out.offset = q.offset.value_or(0);

  const std::string key = cursor_key(request);
  fhir::store::SearchSpec spec = request_spec(app, request);
  // What the requester receives redacted must match as received.
  std::optional<ReceivedMatchFilter> as_received;
  if (request.disclosure != nullptr && request.filter != nullptr) {
    as_received.emplace(*request.disclosure, q, *app.search, spec.now_ms);
    if (as_received->needed()) spec.match_filter = &*as_received;
  }
  ResultCache::Hits hits;
  if (q.snapshot) hits = app.results->get(*q.snapshot, key);
  if (hits) {
    out.cursor = *q.snapshot;
  } else {
    auto found = app.store->search(spec);
    if (!found) return found.take_issue();
    hits = std::make_shared<const std::vector<SearchHit>>(std::move(*found));
  }
  out.total = static_cast<std::int64_t>(hits->size());
  out.pageable = out.total;
  // More matches than a search pages through: the pages stop at the cap,
  // the total stays exact.
  if (out.total >= app.settings.search_max_results) {
    auto n = app.store->count(spec);
    if (!n) return n.take_issue();
    out.total = *n;
  }
  const bool entries = q.summary != fhir::search::Summary::count && out.count > 0;
  if (!out.cursor && static_cast<std::int64_t>(hits->size()) > out.count && entries)
    out.cursor = app.results->put(key, hits);
  if (!entries) return out;

  const auto paged = static_cast<std::int64_t>(hits->size());
  const auto begin = std::min<std::int64_t>(out.offset, paged);
  const auto end = std::min<std::int64_t>(begin + out.count, paged);
  std::vector<SearchHit> page(hits->begin() + begin, hits->begin() + end);
  auto recs = load(app, page);
  if (!recs) return recs.take_issue();
  out.matches = std::move(*recs);
  if (!q.include.empty() || !q.revinclude.empty()) {
    if (auto st = Includer(app, request, out).run(); !st) return st.take_issue();
  }
  return out;
}

}  // namespace gateway
