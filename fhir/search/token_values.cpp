#include "fhir/search/token_values.hpp"

#include <array>

#include "fhir/search/string_values.hpp"

namespace fhir::search {
namespace {

// R4 ContactPoint.system codes: an Identifier's system is a URI instead,
// which is how the two shapes (both {system, value}) are told apart.
constexpr std::array<std::string_view, 7> kContactSystems = {"phone", "fax", "email", "pager",
                                                             "url", "sms", "other"};

bool is_contact_system(std::string_view s) {
  for (auto c : kContactSystems)
    if (c == s) return true;
  return false;
}

void append_text(const json::Value* v, std::vector<StringValue>& texts) {
  if (v != nullptr && v->is_string() && !v->text().empty()) texts.push_back(make_string_value(v->text()));
}

void append_coding(const json::Value& c, std::vector<TokenValue>& out, std::vector<StringValue>& texts) {
  if (!c.is_object()) return;
  append_text(c.find("display"), texts);
  const json::Value* code = c.find("code");
  if (code == nullptr || !code->is_string()) return;
  TokenValue t;
  t.code = code->text();
  if (const json::Value* system = c.find("system"); system != nullptr && system->is_string()) {
    t.system = system->text();
    t.has_system = true;
  }
  out.push_back(std::move(t));
}

void append_codeable_concept(const json::Value& cc, std::vector<TokenValue>& out, std::vector<StringValue>& texts) {
  if (const json::Value* codings = cc.find("coding"); codings != nullptr && codings->is_array())
    for (const auto& c : codings->items()) append_coding(c, out, texts);
  append_text(cc.find("text"), texts);
}

void append_identifier(const json::Value& id, std::vector<TokenValue>& out, std::vector<StringValue>& texts) {
  const json::Value* type = id.find("type");
  if (type != nullptr) append_text(type->find("text"), texts);
  const json::Value* value = id.find("value");
  if (value == nullptr || !value->is_string()) return;
  TokenValue t;
  t.code = value->text();
  if (const json::Value* system = id.find("system"); system != nullptr && system->is_string()) {
    t.system = system->text();
    t.has_system = true;
  }
  if (const json::Value* codings = type ? type->find("coding") : nullptr; codings && codings->is_array() &&
                                                                         !codings->items().empty()) {
    t.type_system = std::string(codings->items().front().string_at("system"));
    t.type_code = std::string(codings->items().front().string_at("code"));
  }
  out.push_back(std::move(t));
}

void append_contact_point(const json::Value& cp, std::vector<TokenValue>& out) {
  const json::Value* value = cp.find("value");
  if (value == nullptr || !value->is_string()) return;
  TokenValue t;
  t.code = value->text();
  out.push_back(std::move(t));
}

void append_primitive(const json::Value& v, std::vector<TokenValue>& out) {
  TokenValue t;
  if (v.is_bool()) t.code = v.as_bool() ? "true" : "false";
  else if (v.is_string() || v.is_number()) t.code = v.text();
  if (!t.code.empty()) out.push_back(std::move(t));
}

}  // namespace

void append_token_values(const fhirpath::Node& n, std::vector<TokenValue>& out, std::vector<StringValue>& texts) {
  const json::Value& v = *n.value;
  if (!v.is_object()) {
    append_primitive(v, out);
    return;
  }
  if (n.opaque) return;
  std::string_view t = n.type;
  // The type when the path told us, else the shape: CodeableConcept has
  // coding/text, Coding has code, Identifier and ContactPoint have value.
  if (t == "CodeableConcept" || (t.empty() && (v.find("coding") || (v.find("text") && !v.find("value")))))
    append_codeable_concept(v, out, texts);
  else if (t == "Coding" || (t.empty() && v.find("code")))
    append_coding(v, out, texts);
  else if (t == "ContactPoint" || (t.empty() && v.find("value") &&
                                   (is_contact_system(v.string_at("system")) || v.find("rank"))))
    append_contact_point(v, out);
  else if (t == "Identifier" || (t.empty() && v.find("value")))
    append_identifier(v, out, texts);
}

}  // namespace fhir::search
