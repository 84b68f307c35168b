#include "profiles/capability_statement.hpp"

#include "fhir/json/value.hpp"
#include "fhir/json/write.hpp"

namespace profiles {
namespace {

using fhir::json::Value;

Value str(const std::string& s) { return Value::make_string(s); }

Value interactions(const std::vector<std::string>& codes) {
  Value list = Value::make_array();
  for (const auto& c : codes) {
    Value i = Value::make_object();
    i.set("code", str(c));
    list.push_back(std::move(i));
  }
  return list;
}

bool has(const std::vector<std::string>& v, const char* code) {
  for (const auto& c : v)
    if (c == code) return true;
  return false;
}

}  // namespace

Value strings(const std::vector<std::string>& items) {
  Value a = Value::make_array();
  for (const auto& i : items) a.push_back(str(i));
  return a;
}

// R4 CapabilityStatement.rest.resource searchInclude, searchRevInclude,
// searchParam and operation.
// The operations in.operations lists for type ("" for the whole server),
// as the element's `operation` array.
void add_operations(Value& element, const CapabilityInput& in, const std::string& type) {
  auto it = in.operations.find(type);
  if (it == in.operations.end()) return;
  Value& ops = element.set("operation", Value::make_array());
  for (const auto& [name, definition] : it->second) {
    Value v = Value::make_object();
    v.set("name", str(name));
    v.set("definition", str(definition));
    ops.push_back(std::move(v));
  }
}

void add_search(Value& r, const CapabilityInput& in, const std::string& type) {
  if (auto it = in.search_includes.find(type); it != in.search_includes.end() && !it->second.empty())
    r.set("searchInclude", strings(it->second));
  if (auto it = in.search_revincludes.find(type); it != in.search_revincludes.end() && !it->second.empty())
    r.set("searchRevInclude", strings(it->second));
  if (auto it = in.search_params.find(type); it != in.search_params.end() && !it->second.empty()) {
    Value& params = r.set("searchParam", Value::make_array());
    for (const auto& p : it->second) {
      Value v = Value::make_object();
      v.set("name", str(p.name));
      v.set("definition", str(p.definition));
      v.set("type", str(p.type));
      params.push_back(std::move(v));
    }
  }
  add_operations(r, in, type);
}

std::string capability_statement_json(const CapabilityInput& in) {
  Value cs = Value::make_object();
  cs.set("resourceType", str("CapabilityStatement"));
  cs.set("status", str("active"));
  cs.set("date", str(in.date));
  cs.set("publisher", str("CareBridge"));
  cs.set("kind", str("instance"));
  Value& sw = cs.set("software", Value::make_object());
  sw.set("name", str(in.software_name));
  sw.set("version", str(in.software_version));
  Value& impl = cs.set("implementation", Value::make_object());
  impl.set("description", str("CareBridge FHIR R4 gateway for integrated behavioral-health care"));
  impl.set("url", str(in.base_url));
  cs.set("fhirVersion", str("4.0.1"));
  Value& formats = cs.set("format", Value::make_array());
  formats.push_back(str("application/fhir+json"));
  formats.push_back(str("json"));

  Value& rests = cs.set("rest", Value::make_array());
  Value rest = Value::make_object();
  rest.set("mode", str("server"));
  if (!in.token_url.empty()) {
    Value& security = rest.set("security", Value::make_object());
    Value oauth = Value::make_object();
    oauth.set("url", str("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"));
    Value token = Value::make_object();
    token.set("url", str("token"));
    token.set("valueUri", str(in.token_url));
    oauth.set("extension", Value::make_array()).push_back(std::move(token));
    security.set("extension", Value::make_array()).push_back(std::move(oauth));
    Value coding = Value::make_object();
    coding.set("system", str("http://terminology.hl7.org/CodeSystem/restful-security-service"));
    coding.set("code", str("SMART-on-FHIR"));
    Value service = Value::make_object();
    service.set("coding", Value::make_array()).push_back(std::move(coding));
    security.set("service", Value::make_array()).push_back(std::move(service));
    security.set("description",
                 str("SMART Backend Services: every request but /metadata, /.well-known/smart-configuration, "
                     "/.well-known/jwks.json and the token endpoint carries a Bearer access token from it "
                     "(private_key_jwt with RS384 or ES384; system scopes; purpose of use in "
                     "extensions.hl7-b2b)."));
  }
  Value& resources = rest.set("resource", Value::make_array());
  for (const auto& type : in.resource_types) {
    Value r = Value::make_object();
    r.set("type", str(type));
    r.set("interaction", interactions(in.type_interactions));
    if (has(in.type_interactions, "vread")) r.set("versioning", str("versioned-update"));
    if (has(in.type_interactions, "vread")) r.set("readHistory", Value::make_bool(true));
    if (has(in.type_interactions, "update")) r.set("updateCreate", Value::make_bool(true));
    if (in.conditional_create) r.set("conditionalCreate", Value::make_bool(true));
    if (in.conditional_update) r.set("conditionalUpdate", Value::make_bool(true));
    if (in.conditional_delete) r.set("conditionalDelete", str("single"));
    add_search(r, in, type);
    resources.push_back(std::move(r));
  }
  rest.set("interaction", interactions(in.system_interactions));
  add_operations(rest, in, "");  // the whole server's
  rests.push_back(std::move(rest));
  return fhir::json::write(cs);
}

}  // namespace profiles
