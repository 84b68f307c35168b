#include "fhir/resource/patient_compartment.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"

namespace fhir {
namespace {

Result<json::Value> load_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_issue(err::kInternal, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '(')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == ')')) s.remove_suffix(1);
  return s;
}

// "Observation.subject.where(resolve() is Patient)" -> {"subject"} when the
// expression starts with type; other shapes are not compartment paths.
std::vector<std::vector<std::string>> paths_for(std::string_view type, std::string_view expression) {
  std::vector<std::vector<std::string>> out;
  std::size_t start = 0;
  while (start <= expression.size()) {
    std::size_t bar = expression.find('|', start);
    std::string_view part = trim(expression.substr(start, bar == std::string_view::npos
                                                              ? std::string_view::npos
                                                              : bar - start));
    start = bar == std::string_view::npos ? expression.size() + 1 : bar + 1;
    if (std::size_t w = part.find(".where("); w != std::string_view::npos) {
      // Only the "is Patient" filter keeps the path relevant.
      if (part.find("Patient", w) == std::string_view::npos) continue;
      part = part.substr(0, w);
    }
    if (part.size() <= type.size() || part.substr(0, type.size()) != type ||
        part[type.size()] != '.')
      continue;
    part.remove_prefix(type.size() + 1);
    if (part.find_first_of("()") != std::string_view::npos) continue;
    std::vector<std::string> segs;
    std::size_t s = 0;
    while (s <= part.size()) {
      std::size_t dot = part.find('.', s);
      segs.emplace_back(part.substr(s, dot == std::string_view::npos ? std::string_view::npos : dot - s));
      s = dot == std::string_view::npos ? part.size() + 1 : dot + 1;
    }
    out.push_back(std::move(segs));
  }
  return out;
}

void collect(const json::Value& node, const std::vector<std::string>& path, std::size_t i,
             std::vector<std::string>& out) {
  if (node.is_array()) {
    for (const auto& item : node.items()) collect(item, path, i, out);
    return;
  }
  if (!node.is_object()) return;
  if (i == path.size()) {
    std::string_view ref = node.string_at("reference");
    if (std::size_t h = ref.find("/_history/"); h != std::string_view::npos) ref = ref.substr(0, h);
    std::size_t p = ref.rfind("Patient/");
    if (p == std::string_view::npos || (p != 0 && ref[p - 1] != '/')) return;
    std::string_view id = ref.substr(p + 8);
    if (is_valid_id(id)) out.emplace_back(id);
    return;
  }
  if (const json::Value* child = node.find(path[i])) collect(*child, path, i + 1, out);
}

}  // namespace

Result<PatientCompartment> PatientCompartment::load(const std::string& compartment_definition_path,
                                                    const std::string& search_parameters_path) {
  auto def = load_json(compartment_definition_path);
  if (!def) return def.take_issue();
  auto params = load_json(search_parameters_path);
  if (!params) return params.take_issue();

  // code@base -> expression, from the search parameter Bundle.
  std::unordered_map<std::string, std::string> expressions;
  if (const json::Value* entries = params->find("entry"); entries && entries->is_array()) {
    for (const auto& e : entries->items()) {
      const json::Value* sp = e.find("resource");
      if (sp == nullptr) continue;
      std::string_view code = sp->string_at("code");
      std::string_view expr = sp->string_at("expression");
      if (const json::Value* bases = sp->find("base"); bases && bases->is_array())
        for (const auto& b : bases->items())
          expressions[std::string(code) + "@" + b.text()] = std::string(expr);
    }
  }

  PatientCompartment pc;
  if (const json::Value* resources = def->find("resource"); resources && resources->is_array()) {
    for (const auto& r : resources->items()) {
      std::string type(r.string_at("code"));
      const json::Value* ps = r.find("param");
      if (ps == nullptr || !ps->is_array()) continue;
      auto& paths = pc.paths_[type];
      for (const auto& p : ps->items()) {
        if (p.text() == "{def}") continue;  // Patient itself: handled by id
        auto it = expressions.find(p.text() + "@" + type);
        if (it == expressions.end()) continue;
        for (auto& path : paths_for(type, it->second)) paths.push_back(std::move(path));
      }
    }
  }
  if (pc.paths_.empty())
    return make_issue(err::kInternal, "the patient CompartmentDefinition defines no resources");
  return pc;
}

std::vector<std::string> PatientCompartment::patients_of(const Resource& r) const {
  std::vector<std::string> out;
  if (r.type() == "Patient" && !r.id().empty()) out.emplace_back(r.id());
  auto it = paths_.find(std::string(r.type()));
  if (it != paths_.end())
    for (const auto& path : it->second) collect(r.root(), path, 0, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> PatientCompartment::types() const {
  std::vector<std::string> out;
  for (const auto& [type, paths] : paths_) out.push_back(type);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace fhir
