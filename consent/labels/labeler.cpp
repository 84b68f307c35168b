#include "consent/labels/labeler.hpp"

#include <charconv>

namespace consent {
namespace {

using fhir::json::Value;

std::optional<double> number(const Value* v) {
  if (v == nullptr || !v->is_number()) return std::nullopt;
  double out = 0;
  const std::string& t = v->text();
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  if (ec != std::errc()) return std::nullopt;
  return out;
}

// An element scored by a screening instrument: code (CodeableConcept) with
// valueQuantity or valueInteger (Observation and its components).
void label_scored(const LabelRules& rules, const Value& obj, LabelSet& out) {
  const Value* code = obj.find("code");
  if (code == nullptr || !code->is_object()) return;
  std::optional<double> value;
  if (const Value* q = obj.find("valueQuantity"); q != nullptr && q->is_object()) value = number(q->find("value"));
  if (!value) value = number(obj.find("valueInteger"));
  if (!value) return;
  if (const Value* codings = code->find("coding"); codings != nullptr && codings->is_array())
    for (const auto& c : codings->items())
      if (c.is_object()) rules.label_score(c.string_at("system"), c.string_at("code"), *value, out);
}

// Every coding anywhere in the resource (contained resources too), but
// not in meta (the labels themselves) or the narrative.
void walk(const LabelRules& rules, const Value& node, LabelSet& out) {
  if (node.is_array()) {
    for (const auto& item : node.items()) walk(rules, item, out);
    return;
  }
  if (!node.is_object()) return;
  std::string_view system = node.string_at("system");
  std::string_view code = node.string_at("code");
  if (!system.empty() && !code.empty()) rules.label_coding(system, code, out);
  // An inline label (on some element): the resource says so (DS4P), and
  // enforcement knows to look inside it.
  if (node.string_at("url") == kInlineLabelUrl) out.add({std::string(kActCodeSystem), std::string(kProcessInlineLabel)});
  label_scored(rules, node, out);
  for (const auto& [key, child] : node.members()) {
    if (key == "meta" || (key == "text" && child.is_object())) continue;
    walk(rules, child, out);
  }
}

// The values at a dotted path ("context.encounter"), through arrays.
void collect(const Value& node, std::string_view path, std::vector<const Value*>& out) {
  if (node.is_array()) {
    for (const auto& item : node.items()) collect(item, path, out);
    return;
  }
  if (!node.is_object()) return;
  std::size_t dot = path.find('.');
  const Value* child = node.find(path.substr(0, dot));
  if (child == nullptr) return;
  if (dot == std::string_view::npos) {
    if (child->is_array())
      for (const auto& item : child->items()) out.push_back(&item);
    else
      out.push_back(child);
    return;
  }
  collect(*child, path.substr(dot + 1), out);
}

}  // namespace

LabelSet source_labels(const LabelRules& rules, const Value& resource) {
  LabelSet out;
  const Value* meta = resource.find("meta");
  const Value* security = meta != nullptr && meta->is_object() ? meta->find("security") : nullptr;
  if (security == nullptr || !security->is_array()) return out;
  for (const auto& c : security->items()) {
    if (!c.is_object()) continue;
    std::string_view system = rules.canonical_system(c.string_at("system"));
    std::string_view code = c.string_at("code");
    if (!system.empty() && !code.empty()) out.add({std::string(system), std::string(code)});
  }
  return out;
}

LabelSet label_resource(const LabelRules& rules, const Value& resource, const LabelSources& sources) {
  LabelSet out = source_labels(rules, resource);
  walk(rules, resource, out);
  if (sources.part2_program) out.add_all(rules.part2_labels());
  if (sources.propagated != nullptr) out.add_all(*sources.propagated);
  if (out.confidentiality().empty()) out.add({std::string(kConfidentialitySystem), "N"});
  return out;
}

std::vector<std::string> propagation_sources(const LabelRules& rules, const Value& resource) {
  std::vector<const Value*> refs;
  for (const auto& path : rules.propagation_paths()) collect(resource, path, refs);
  std::vector<std::string> out;
  for (const Value* r : refs) {
    if (!r->is_object()) continue;
    std::string_view ref = r->string_at("reference");
    std::size_t slash = ref.find('/');
    // Relative "Type/id" only: what the store holds under that name. A
    // versioned "Type/id/_history/v" (a derived score's derivedFrom, a
    // Provenance target) propagates from the resource it names too: labels
    // only rise, and relabeling must find the same sources again.
    if (slash == std::string_view::npos || slash == 0 || ref.find(':') != std::string_view::npos) continue;
    if (const std::size_t rest = ref.find('/', slash + 1); rest != std::string_view::npos) {
      if (ref.substr(rest, 10) != "/_history/" || rest + 10 >= ref.size()) continue;
      ref = ref.substr(0, rest);
    }
    if (rules.is_hub(ref.substr(0, slash))) continue;
    out.emplace_back(ref);
  }
  return out;
}

}  // namespace consent
