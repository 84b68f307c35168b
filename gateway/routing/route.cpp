#include "gateway/routing/route.hpp"

#include "fhir/core/errors.hpp"
#include "fhir/resource/resource.hpp"
#include "profiles/type_model.hpp"

namespace gateway {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segs;
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    segs.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segs;
}

bool is_variable(std::string_view seg) { return !seg.empty() && seg.front() == '{'; }

// Matches segments against a pattern; fills route variables.
bool match_pattern(std::string_view pattern, const std::vector<std::string_view>& segs, Route& r) {
  auto pat = split_path(pattern);
  if (pat.size() != segs.size()) return false;
  for (std::size_t i = 0; i < pat.size(); ++i) {
    if (!is_variable(pat[i])) {
      if (pat[i] != segs[i]) return false;
      continue;
    }
    // A variable never matches an empty segment ("Patient//_history" is not
    // an instance) or a reserved word of the REST API.
    if (segs[i].empty() || segs[i].front() == '_' || segs[i].front() == '$') return false;
    if (pat[i] == "{type}") r.type = segs[i];
    else if (pat[i] == "{id}") r.id = segs[i];
    else if (pat[i] == "{vid}") r.vid = segs[i];
    else if (pat[i] == "{ctype}") r.compartment_type = segs[i];
  }
  return true;
}

}  // namespace

const std::vector<RouteSpec>& route_table() {
  static const std::vector<RouteSpec> kRoutes = {
      {"GET", "metadata", Interaction::capabilities, "", RouteAccess::open},
      {"GET", ".well-known/smart-configuration", Interaction::smart_configuration, "", RouteAccess::open},
      {"GET", ".well-known/jwks.json", Interaction::jwks, "", RouteAccess::open},
      {"POST", "auth/token", Interaction::token, "", RouteAccess::open},
      {"GET", "", Interaction::search_system, "search-system"},
      {"POST", "_search", Interaction::search_system, ""},
      {"POST", "", Interaction::bundle, "transaction batch"},
      {"GET", "_history", Interaction::history_system, "history-system"},
      {"GET", "$registry", Interaction::registry, ""},
      {"GET", "{type}", Interaction::search_type, "search-type"},
      {"POST", "{type}/_search", Interaction::search_type, ""},
      {"POST", "{type}/$match", Interaction::match, ""},
      {"POST", "{type}", Interaction::create, "create"},
      {"PUT", "{type}", Interaction::conditional_update, "update"},
      {"PATCH", "{type}", Interaction::conditional_patch, "patch"},
      {"DELETE", "{type}", Interaction::conditional_remove, "delete"},
      {"GET", "{type}/_history", Interaction::history_type, "history-type"},
      {"GET", "{type}/{id}", Interaction::read, "read"},
      {"PUT", "{type}/{id}", Interaction::update, "update"},
      {"PATCH", "{type}/{id}", Interaction::patch, "patch"},
      {"DELETE", "{type}/{id}", Interaction::remove, "delete"},
      {"GET", "{type}/{id}/_history", Interaction::history_instance, "history-instance"},
      {"GET", "{type}/{id}/_history/{vid}", Interaction::vread, "vread"},
      {"GET", "{type}/{id}/$everything", Interaction::everything, ""},
      {"GET", "{type}/{id}/$consent-decision", Interaction::consent_decision, ""},
      {"GET", "{type}/{id}/$disclosures", Interaction::disclosures, ""},
      {"GET", "{type}/{id}/$registry", Interaction::registry, ""},
      {"GET", "{type}/{id}/$status", Interaction::subscription_status, ""},
      {"GET", "{type}/{id}/{ctype}", Interaction::search_compartment, ""},
  };
  return kRoutes;
}

fhir::Result<Route> match_route(std::string_view method, std::string_view path,
                                const profiles::TypeModel& types) {
  auto segs = split_path(path);
  bool path_known = false;    // some route has this path, maybe not this method
  bool unknown_type = false;  // a route would match but for the type name
  for (const auto& spec : route_table()) {
    Route r;
    if (!match_pattern(spec.pattern, segs, r)) continue;
    if ((!r.type.empty() && !types.is_resource_type(r.type)) ||
        (!r.compartment_type.empty() && !types.is_resource_type(r.compartment_type))) {
      unknown_type = true;
      continue;
    }
    path_known = true;
    if (method != spec.method) continue;
    if (!r.id.empty() && !fhir::is_valid_id(r.id))
      return fhir::make_issue(fhir::err::kInvalidId,
                              "Resource ids are 1-64 characters from A-Z a-z 0-9 - and .");
    if (!r.vid.empty() && !fhir::is_valid_id(r.vid))
      return fhir::make_issue(fhir::err::kInvalidId, "Malformed version id");
    r.interaction = spec.interaction;
    r.access = spec.access;
    return r;
  }
  if (path_known)
    return fhir::make_issue(fhir::err::kMethodNotAllowed,
                            std::string(method) + " is not supported on this path");
  if (unknown_type)
    return fhir::make_issue(fhir::err::kUnknownType, "Not a FHIR R4 resource type");
  return fhir::make_issue(fhir::err::kUnknownRoute, "No such path on this server");
}

}  // namespace gateway
