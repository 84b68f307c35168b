#include "fhir/search/search_param_definition.hpp"

#include <string>
#include <utility>

#include "fhir/core/errors.hpp"

namespace fhir::search {
namespace {

std::vector<std::string> strings_at(const json::Value& r, std::string_view key) {
  std::vector<std::string> out;
  if (const json::Value* a = r.find(key); a != nullptr && a->is_array())
    for (const auto& v : a->items())
      if (v.is_string()) out.push_back(v.text());
  return out;
}

Issue invalid(const std::string& url, const std::string& why, std::string expression = {}) {
  return make_issue(err::kInvalidValue, "SearchParameter " + url + ": " + why, std::move(expression));
}

Result<fhirpath::Expression> compile_named(const std::string& url, std::string_view text) {
  auto e = fhirpath::compile(text);
  if (!e) return invalid(url, e.issue().diagnostics, std::string(text));
  return e;
}

}  // namespace

Result<std::unique_ptr<SearchParam>> read_definition(const json::Value& r) {
  auto p = std::make_unique<SearchParam>();
  p->url = std::string(r.string_at("url"));
  p->code = std::string(r.string_at("code"));
  if (p->url.empty() || p->code.empty()) return invalid(p->url, "needs url and code");
  auto type = param_type_from_code(r.string_at("type"));
  if (!type) return invalid(p->url, "unknown type '" + std::string(r.string_at("type")) + "'");
  p->type = *type;
  p->modifiers = modifiers_for(*type);
  p->base = strings_at(r, "base");
  p->targets = strings_at(r, "target");
  if (p->base.empty()) return invalid(p->url, "has no base");
  if (std::string_view text = r.string_at("expression"); !text.empty()) {
    auto e = compile_named(p->url, text);
    if (!e) return e.take_issue();
    p->expression = std::move(*e);
  }
  if (const json::Value* comps = r.find("component"); comps != nullptr && comps->is_array()) {
    for (const auto& c : comps->items()) {
      CompositeComponent cc;
      cc.definition = std::string(c.string_at("definition"));
      auto e = compile_named(p->url, c.string_at("expression"));
      if (!e) return e.take_issue();
      if (cc.definition.empty()) return invalid(p->url, "component without definition");
      cc.expression = std::move(*e);
      p->components.push_back(std::move(cc));
    }
  }
  if (p->type == ParamType::composite && p->components.empty())
    return invalid(p->url, "composite without components");
  return p;
}

}  // namespace fhir::search
