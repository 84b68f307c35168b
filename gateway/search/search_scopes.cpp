#include "gateway/search/search_scopes.hpp"

#include <string>
#include <vector>

#include "fhir/core/errors.hpp"
#include "fhir/search/search_param.hpp"

namespace gateway {
namespace {

using fhir::search::IncludeSpec;

std::string spec_text(const IncludeSpec& s) {
  if (s.wildcard) return s.source_type.empty() ? "*" : s.source_type + ":*";
  std::string out = s.source_type + ":" + (s.param != nullptr ? s.param->code : "");
  if (!s.target_type.empty()) out += ":" + s.target_type;
  return out;
}

// The types an include spec can bring in.
std::vector<std::string> reachable(const IncludeSpec& s, bool reverse) {
  if (reverse) return {s.source_type};
  if (!s.target_type.empty()) return {s.target_type};
  if (s.param != nullptr) return s.param->targets;
  return {};  // a wildcard: any type, filtered per resource
}

void narrow(std::vector<IncludeSpec>& specs, bool reverse, const auth::ScopeSet& scopes,
            std::vector<fhir::search::IgnoredParam>& ignored) {
  std::vector<IncludeSpec> kept;
  for (auto& s : specs) {
    auto types = reachable(s, reverse);
    bool any_readable = types.empty();
    for (const auto& t : types) any_readable = any_readable || scopes.allows(t, auth::kRead);
    if (any_readable) {
      kept.push_back(std::move(s));
      continue;
    }
    fhir::search::IgnoredParam p;
    p.name = reverse ? "_revinclude" : "_include";
    p.value = spec_text(s);
    p.reason = "the access token's scopes do not grant reading what " + p.value + " includes";
    ignored.push_back(std::move(p));
  }
  specs = std::move(kept);
}

}  // namespace

fhir::Status require_criteria_scopes(const fhir::search::SearchQuery& q, const auth::ScopeSet& scopes) {
  auto need = [&scopes](const std::string& type) -> fhir::Status {
    if (scopes.allows(type, auth::kSearch)) return fhir::ok_status();
    return fhir::make_issue(fhir::err::kForbidden, "The access token's scopes do not grant s (search) on " + type +
                                                       ", which this search's chain or _has crosses");
  };
  for (const auto& c : q.criteria) {
    for (const auto& link : c.has)
      if (auto st = need(link.source_type); !st) return st;
    for (const auto& link : c.chain) {
      if (!link.target_type.empty()) {
        if (auto st = need(link.target_type); !st) return st;
      } else if (link.reference_param != nullptr) {
        for (const auto& t : link.reference_param->targets)
          if (auto st = need(t); !st) return st;
      }
    }
  }
  return fhir::ok_status();
}

void narrow_includes_to_scopes(fhir::search::SearchQuery& q, const auth::ScopeSet& scopes) {
  narrow(q.include, false, scopes, q.ignored);
  narrow(q.revinclude, true, scopes, q.ignored);
}

}  // namespace gateway
