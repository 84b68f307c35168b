#include "gateway/app/capability.hpp"

#include <algorithm>
#include <string_view>

#include "fhir/search/search_params.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/routing/route.hpp"
#include "profiles/capability_statement.hpp"
#include "profiles/type_model.hpp"

namespace gateway {
namespace {

// What search serves, from the same registry the planner uses.
void add_search_params(profiles::CapabilityInput& in, const fhir::search::SearchParams& registry) {
  for (const auto& type : in.resource_types) {
    for (const auto& bp : registry.for_type(type)) {
      const auto& p = *bp.param;
      if (p.expression.is_empty()) continue;  // _text, _content, _query: not served
      in.search_params[type].push_back({p.code, p.url, std::string(fhir::search::param_type_code(p.type))});
      if (p.type != fhir::search::ParamType::reference) continue;
      in.search_includes[type].push_back(type + ":" + p.code);
      for (const auto& target : p.targets) {
        auto& rev = in.search_revincludes[target];
        std::string value = type + ":" + p.code;
        if (std::find(rev.begin(), rev.end(), value) == rev.end()) rev.push_back(std::move(value));
      }
    }
    if (!in.search_includes[type].empty()) in.search_includes[type].push_back("*");
  }
}

}  // namespace

std::string build_capability_statement(const AppContext& app, const std::string& date) {
  profiles::CapabilityInput in;
  in.software_name = "CareBridge";
  in.software_version = CAREBRIDGE_VERSION;
  in.base_url = app.base_url;
  in.token_url = app.base_url + "/auth/token";
  in.date = date;
  in.resource_types = app.types->resource_types();
  for (const auto& r : route_table()) {
    if (r.access == RouteAccess::open) continue;  // metadata and the OAuth endpoints: not FHIR interactions
    std::string_view pattern = r.pattern;
    auto& list = pattern.substr(0, 6) == "{type}" ? in.type_interactions : in.system_interactions;
    std::string_view codes = r.codes;
    while (!codes.empty()) {
      std::string code(codes.substr(0, codes.find(' ')));
      codes.remove_prefix(std::min(codes.size(), code.size() + 1));
      if (std::find(list.begin(), list.end(), code) == list.end()) list.push_back(code);
    }
    if (r.interaction == Interaction::conditional_update) in.conditional_update = true;
    if (r.interaction == Interaction::conditional_remove) in.conditional_delete = true;
    if (r.interaction == Interaction::create) in.conditional_create = true;  // If-None-Exist
  }
  add_search_params(in, *app.search);
  in.operations["Patient"].emplace_back("everything", "http://hl7.org/fhir/OperationDefinition/Patient-everything");
  // Candidates for one person, scored (issue 9; README "One patient across
  // source systems").
  in.operations["Patient"].emplace_back("match", "http://hl7.org/fhir/OperationDefinition/Patient-match");
  // The accounting of disclosures (compliance role; README "Audit trail").
  in.operations["Patient"].emplace_back("disclosures", "urn:carebridge:OperationDefinition:Patient-disclosures");
  // The measurement-based-care registry, of a caseload and of everyone
  // (README "Care model").
  in.operations["Group"].emplace_back("registry", "urn:carebridge:OperationDefinition:Group-registry");
  in.operations[""].emplace_back("registry", "urn:carebridge:OperationDefinition:registry");
  // Where a subscription's deliveries stand (README "Forwarding").
  in.operations["Subscription"].emplace_back(
      "status", "http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-status");
  return profiles::capability_statement_json(in);
}

}  // namespace gateway
