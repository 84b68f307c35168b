#include "gateway/write/plan.hpp"

#include <charconv>
#include <map>
#include <set>

#include "fhir/core/base64.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/core/id_generator.hpp"
#include "fhir/core/query.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/search/query_parser.hpp"
#include "gateway/write/check.hpp"
#include "gateway/write/etag.hpp"
#include "profiles/type_model.hpp"
#include "profiles/validator.hpp"

namespace gateway {
namespace {

using fhir::json::Value;

bool is_patch_type(std::string_view media) {
  return media == "application/json-patch+json";
}

// The entry's url: [type], [type]/[id], [type]/[id]/_history/[vid], each
// optionally with ?criteria.
struct EntryUrl {
  std::string type, id, vid, query;
};

fhir::Result<EntryUrl> parse_entry_url(std::string_view url, const WriteContext& ctx) {
  auto bad = [] { return fhir::make_issue(fhir::err::kInvalidRequest, "request.url is not a FHIR REST URL"); };
  while (!url.empty() && url.front() == '/') url.remove_prefix(1);
  EntryUrl out;
  std::size_t q = url.find('?');
  if (q != std::string_view::npos) {
    out.query = std::string(url.substr(q + 1));
    url = url.substr(0, q);
  }
  std::vector<std::string_view> segs;
  std::size_t start = 0;
  while (start <= url.size()) {
    std::size_t slash = url.find('/', start);
    if (slash == std::string_view::npos) slash = url.size();
    segs.push_back(url.substr(start, slash - start));
    start = slash + 1;
  }
  if (segs.empty() || segs.size() == 3 || segs.size() > 4) return bad();
  out.type = std::string(segs[0]);
  if (!ctx.types->is_resource_type(out.type))
    return fhir::make_issue(fhir::err::kUnknownType, "request.url names no R4 resource type");
  if (segs.size() >= 2) {
    out.id = std::string(segs[1]);
    if (!fhir::is_valid_id(out.id)) return fhir::make_issue(fhir::err::kInvalidId, "Malformed id in request.url");
  }
  if (segs.size() == 4) {
    if (segs[2] != "_history" || segs[3].empty()) return bad();
    out.vid = std::string(segs[3]);
  }
  return out;
}

fhir::Result<Value> patch_from_binary(const Value& resource) {
  if (resource.string_at("resourceType") != "Binary" ||
      resource.string_at("contentType") != "application/json-patch+json")
    return fhir::make_issue(fhir::err::kUnsupportedMediaType,
                            "PATCH entries carry a Binary of application/json-patch+json");
  auto decoded = fhir::base64_decode(resource.string_at("data"));
  if (!decoded) return fhir::make_issue(fhir::err::kInvalidRequest, "Binary.data is not base64");
  return fhir::json::parse(*decoded);
}

// One Bundle entry -> a planned entry (not yet validated).
fhir::Result<PlannedEntry> plan_entry(std::size_t index, Value& entry, const WriteContext& ctx) {
  PlannedEntry e;
  e.index = index;
  if (!entry.is_object()) return fhir::make_issue(fhir::err::kInvalidResource, "An entry must be an object");
  e.full_url = std::string(entry.string_at("fullUrl"));
  const Value* request = entry.find("request");
  if (request == nullptr || !request->is_object())
    return fhir::make_issue(fhir::err::kInvalidResource, "The entry has no request",
                            "Bundle.entry[" + std::to_string(index) + "].request");
  std::string_view method = request->string_at("method");
  auto url = parse_entry_url(request->string_at("url"), ctx);
  if (!url) return url.take_issue();
  e.type = url->type;
  e.id = url->id;
  e.vid = url->vid;
  auto if_match = parse_if_match(request->string_at("ifMatch"));
  if (!if_match) return if_match.take_issue();
  e.if_match = *if_match;
  Value* resource = entry.find("resource");

  if (method == "GET" || method == "HEAD") {
    e.method = EntryMethod::get;
    e.criteria = url->query;
    // A search's values are checked now, so a bad one fails a transaction
    // before anything is written (unknown names are the search's to judge).
    if (e.id.empty()) {
      auto params = fhir::parse_query(e.criteria);
      if (!params) return fhir::make_issue(fhir::err::kInvalidParameter, "Malformed search in a GET entry");
      auto q = fhir::search::parse_search(*ctx.search, e.type, *params, fhir::search::Handling::lenient);
      if (!q) return q.take_issue();
    }
    return e;
  }
  if (auto st = check_writable_type(e.type); !st) return st.take_issue();
  if (auto st = check_bundle_entry_type(e.type); !st) return st.take_issue();
  if (method == "DELETE") {
    e.method = EntryMethod::remove;
    e.criteria = url->query;
    if (e.id.empty() == e.criteria.empty())
      return fhir::make_issue(fhir::err::kInvalidRequest, "DELETE takes Type/id or Type?criteria");
    return e;
  }
  if (method == "PATCH") {
    e.method = EntryMethod::patch;
    e.criteria = url->query;
    if (e.id.empty() == e.criteria.empty())
      return fhir::make_issue(fhir::err::kInvalidRequest, "PATCH takes Type/id or Type?criteria");
    if (resource == nullptr) return fhir::make_issue(fhir::err::kInvalidResource, "PATCH needs a resource");
    auto patch = patch_from_binary(*resource);
    if (!patch) return patch.take_issue();
    e.patch = std::move(*patch);
    return e;
  }
  if (method != "POST" && method != "PUT")
    return fhir::make_issue(fhir::err::kInvalidRequest, "request.method must be GET, HEAD, POST, PUT, PATCH or DELETE");
  if (resource == nullptr) return fhir::make_issue(fhir::err::kInvalidResource, "POST and PUT need a resource");
  auto r = fhir::Resource::from_value(std::move(*resource));
  if (!r) return r.take_issue();
  if (method == "POST") {
    e.method = EntryMethod::post;
    if (!e.id.empty()) return fhir::make_issue(fhir::err::kInvalidRequest, "POST takes request.url Type");
    e.criteria = std::string(request->string_at("ifNoneExist"));
    if (auto st = check_identity(*r, e.type, {}, false); !st) return st.take_issue();
    e.id = fhir::new_resource_id();
    r->set_id(e.id);
  } else {
    e.method = EntryMethod::put;
    e.criteria = url->query;
    if (e.id.empty() == e.criteria.empty())
      return fhir::make_issue(fhir::err::kInvalidRequest, "PUT takes Type/id or Type?criteria");
    if (auto st = check_identity(*r, e.type, e.id, !e.id.empty()); !st) return st.take_issue();
  }
  e.resource = std::move(*r);
  return e;
}

// "Bundle.entry[12].resource.birthDate" -> 12.
std::optional<std::size_t> entry_of(const std::string& expression) {
  constexpr std::string_view kPrefix = "Bundle.entry[";
  if (expression.rfind(kPrefix, 0) != 0) return std::nullopt;
  std::size_t n = 0;
  const char* begin = expression.data() + kPrefix.size();
  auto [p, ec] = std::from_chars(begin, expression.data() + expression.size(), n);
  if (ec != std::errc() || *p != ']') return std::nullopt;
  return n;
}

// An expression about an entry's resource ("Patient.id", "resourceType")
// as a path in the Bundle ("Bundle.entry[2].resource.id"), the resource the
// OperationOutcome is about.
std::string in_entry_resource(const std::string& where, const std::string& expression) {
  if (expression.rfind("Bundle.entry[", 0) == 0) return expression;  // already a Bundle path
  if (expression == "resourceType") return where + ".resource.resourceType";
  if (expression.empty() || expression[0] < 'A' || expression[0] > 'Z') return expression;
  std::size_t dot = expression.find('.');
  return where + ".resource" + (dot == std::string::npos ? std::string() : expression.substr(dot));
}

}  // namespace

fhir::Issue entry_issue(const PlannedEntry& e, fhir::Issue issue, bool in_bundle) {
  if (!in_bundle) return issue;
  std::string where = "Bundle.entry[" + std::to_string(e.index) + "]";
  issue.diagnostics = where + ": " + issue.diagnostics;
  if (issue.expression.empty()) issue.expression = where;
  // A PATCH entry's resource is the patch; issues of the patched resource
  // keep their own paths (the diagnostics name the entry).
  else if (e.method != EntryMethod::patch) issue.expression = in_entry_resource(where, issue.expression);
  return issue;
}

fhir::Result<WritePlan> plan_rest_write(const RestWrite& w, const WriteContext& ctx) {
  WritePlan plan;
  PlannedEntry e;
  e.method = w.method;
  e.type = w.type;
  e.id = w.id;
  e.criteria = w.method == EntryMethod::post ? std::string(w.if_none_exist) : w.criteria;
  if (auto st = check_writable_type(w.type); !st) return st.take_issue();
  auto if_match = parse_if_match(w.if_match);
  if (!if_match) return if_match.take_issue();
  e.if_match = *if_match;
  if (w.method == EntryMethod::remove) {
    plan.entries.push_back(std::move(e));
    return plan;
  }
  if (w.body.empty())
    return fhir::make_issue(fhir::err::kInvalidResource, "The request has no body");
  if (w.method == EntryMethod::patch) {
    if (!is_patch_type(w.content_type))
      return fhir::make_issue(fhir::err::kUnsupportedMediaType,
                              "PATCH takes application/json-patch+json");
    auto patch = fhir::json::parse(w.body);
    if (!patch) return patch.take_issue();
    e.patch = std::move(*patch);
    plan.entries.push_back(std::move(e));
    return plan;
  }
  auto r = fhir::Resource::parse(w.body);
  if (!r) return r.take_issue();
  bool update_by_id = w.method == EntryMethod::put && !w.id.empty();
  if (auto st = check_identity(*r, w.type, w.id, update_by_id); !st) return st.take_issue();
  if (auto st = validate_resource(*r, ctx); !st) return st.take_issue();
  // R4 create: the server assigns the id and ignores one in the body.
  if (w.method == EntryMethod::post) {
    e.id = fhir::new_resource_id();
    r->set_id(e.id);
  }
  e.resource = std::move(*r);
  plan.entries.push_back(std::move(e));
  return plan;
}

namespace {

fhir::Result<WritePlan> plan_parsed_bundle(fhir::Resource& bundle, const WriteContext& ctx) {
  Value& root = bundle.root();
  if (bundle.type() != "Bundle")
    return fhir::make_issue(fhir::err::kInvalidResource, "POST / takes a Bundle", "resourceType");
  std::string_view type = root.string_at("type");
  WritePlan plan;
  if (type == "transaction") plan.kind = PlanKind::transaction;
  else if (type == "batch") plan.kind = PlanKind::batch;
  else
    return fhir::make_issue(fhir::err::kInvalidResource,
                            "POST / takes a Bundle of type transaction or batch", "Bundle.type");

  // One validation pass over the whole Bundle checks every entry's
  // resource; issues are filed under the entry their path names.
  std::vector<fhir::Issue> issues = profiles::validate(*ctx.types, root);
  std::map<std::size_t, fhir::Issue> entry_issues;
  for (auto& i : issues) {
    if (i.severity != fhir::Severity::error && i.severity != fhir::Severity::fatal) continue;
    auto n = entry_of(i.expression);
    if (!n || plan.kind == PlanKind::transaction) return i;  // the path names the entry
    entry_issues.emplace(*n, std::move(i));
  }

  Value* entries = root.find("entry");
  if (entries == nullptr) return plan;
  std::set<std::string> full_urls;
  for (std::size_t i = 0; i < entries->items().size(); ++i) {
    Value& entry = entries->items()[i];
    std::string full_url(entry.string_at("fullUrl"));
    if (!full_url.empty() && !full_urls.insert(full_url).second) {
      PlannedEntry at;
      at.index = i;
      return entry_issue(at, fhir::make_issue(fhir::err::kInvalidResource, "Duplicate fullUrl in the Bundle"), true);
    }
    auto e = plan_entry(i, entry, ctx);
    if (e && entry_issues.count(i) == 0) {
      plan.entries.push_back(std::move(*e));
      continue;
    }
    PlannedEntry failed;
    failed.index = i;
    fhir::Issue issue = e ? entry_issues.at(i) : e.take_issue();
    if (plan.kind == PlanKind::transaction) return entry_issue(failed, std::move(issue), true);
    failed.failed = std::move(issue);  // named with its entry when it is reported
    plan.entries.push_back(std::move(failed));
  }
  return plan;
}

}  // namespace

fhir::Result<WritePlan> plan_bundle(std::string_view body, const WriteContext& ctx) {
  auto parsed = fhir::Resource::parse(body);
  if (!parsed) return parsed.take_issue();
  return plan_parsed_bundle(*parsed, ctx);
}

fhir::Result<WritePlan> plan_import(std::string_view body, const WriteContext& ctx) {
  auto parsed = fhir::Resource::parse(body);
  if (!parsed) return parsed.take_issue();
  std::string_view bundle_type = parsed->root().string_at("type");
  if (parsed->type() == "Bundle" && (bundle_type == "transaction" || bundle_type == "batch"))
    return plan_parsed_bundle(*parsed, ctx);
  RestWrite w;
  w.type = std::string(parsed->type());
  w.method = parsed->has_id() ? EntryMethod::put : EntryMethod::post;
  w.id = parsed->has_id() ? std::string(parsed->id()) : std::string();
  w.body = body;
  return plan_rest_write(w, ctx);
}

}  // namespace gateway
