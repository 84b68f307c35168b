#include "gateway/search/search_scopes.hpp"

#include <string>
#include <vector>

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

void narrow_includes_to_scopes(fhir::search::SearchQuery& q, const auth::ScopeSet& scopes) {
  narrow(q.include, false, scopes, q.ignored);
  narrow(q.revinclude, true, scopes, q.ignored);
}

}  // namespace gateway
