#include "fhir/terminology/code_system.hpp"

#include <fstream>
#include <sstream>

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"

namespace fhir::terminology {
namespace {

// Nested concepts are children (R4 CodeSystem.concept.concept).
Status add_concepts(const json::Value& list, const std::string& parent, std::vector<std::string>& order,
                    auto& concepts) {
  if (!list.is_array()) return make_issue(err::kInvalidResource, "CodeSystem.concept must be an array");
  for (const auto& c : list.items()) {
    std::string code(c.string_at("code"));
    if (code.empty()) return make_issue(err::kInvalidResource, "a CodeSystem concept has no code");
    order.push_back(code);
    concepts[code] = {std::string(c.string_at("display")), parent};
    if (const auto* children = c.find("concept"))
      if (auto st = add_concepts(*children, code, order, concepts); !st) return st;
  }
  return ok_status();
}

}  // namespace

Result<CodeSystem> CodeSystem::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_issue(err::kInternal, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto doc = json::parse(ss.str());
  if (!doc) return doc.take_issue();
  return from_json(*doc);
}

Result<CodeSystem> CodeSystem::from_json(const json::Value& cs) {
  if (!cs.is_object() || cs.string_at("resourceType") != "CodeSystem")
    return make_issue(err::kInvalidResource, "not a CodeSystem");
  CodeSystem out;
  out.url_ = std::string(cs.string_at("url"));
  if (const auto* list = cs.find("concept"))
    if (auto st = add_concepts(*list, "", out.order_, out.concepts_); !st) return st.take_issue();
  return out;
}

bool CodeSystem::contains(std::string_view code) const { return concepts_.count(std::string(code)) > 0; }

const std::string& CodeSystem::display(std::string_view code) const {
  static const std::string kNone;
  auto it = concepts_.find(std::string(code));
  return it == concepts_.end() ? kNone : it->second.display;
}

bool CodeSystem::is_a(std::string_view code, std::string_view ancestor) const {
  std::string at(code);
  // The tree is finite and loaded from nested JSON, so parents never cycle.
  while (!at.empty()) {
    if (at == ancestor) return true;
    auto it = concepts_.find(at);
    if (it == concepts_.end()) return false;
    at = it->second.parent;
  }
  return false;
}

std::vector<std::string> CodeSystem::descendants(std::string_view ancestor) const {
  std::vector<std::string> out;
  for (const auto& code : order_)
    if (code != ancestor && is_a(code, ancestor)) out.push_back(code);
  return out;
}

}  // namespace fhir::terminology
