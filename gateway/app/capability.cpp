#include "gateway/app/capability.hpp"

#include <algorithm>
#include <string_view>

#include "gateway/app/app_context.hpp"
#include "gateway/routing/route.hpp"
#include "profiles/capability_statement.hpp"
#include "profiles/type_model.hpp"

namespace gateway {

std::string build_capability_statement(const AppContext& app, const std::string& date) {
  profiles::CapabilityInput in;
  in.software_name = "CareBridge";
  in.software_version = CAREBRIDGE_VERSION;
  in.base_url = app.base_url;
  in.date = date;
  in.resource_types = app.types->resource_types();
  for (const auto& r : route_table()) {
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
  return profiles::capability_statement_json(in);
}

}  // namespace gateway
