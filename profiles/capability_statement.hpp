// Builds the server's CapabilityStatement from what the router really serves
// (the gateway passes its route table's interactions), never from a
// hand-kept file.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace profiles {

struct CapabilityInput {
  std::string software_name;
  std::string software_version;
  std::string base_url;
  std::string date;  // instant the statement was generated
  // SMART Backend Services token endpoint; when set, rest.security says
  // that every request needs a token from it (SMART App Launch "oauth-uris").
  std::string token_url;
  std::vector<std::string> resource_types;
  std::vector<std::string> type_interactions;    // R4 TypeRestfulInteraction codes
  std::vector<std::string> system_interactions;  // R4 SystemRestfulInteraction codes
  bool conditional_create = false;
  bool conditional_update = false;
  bool conditional_delete = false;  // single match only
  struct SearchParam {
    std::string name;        // the code
    std::string definition;  // canonical URL of the SearchParameter
    std::string type;        // R4 SearchParamType code
  };
  // Per resource type: its search parameters, and the _include and
  // _revinclude values it serves ("CarePlan:goal").
  std::map<std::string, std::vector<SearchParam>> search_params;
  std::map<std::string, std::vector<std::string>> search_includes;
  std::map<std::string, std::vector<std::string>> search_revincludes;
  // Operations per resource type ("" for the whole server): name ->
  // OperationDefinition canonical.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> operations;
};

std::string capability_statement_json(const CapabilityInput& in);

}  // namespace profiles
