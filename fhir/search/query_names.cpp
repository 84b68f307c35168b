#include "fhir/search/query_names.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "fhir/search/fhir_types.hpp"
#include "fhir/search/query_issues.hpp"

namespace fhir::search {
namespace {

struct ModifierName {
  std::string_view text;
  Modifier modifier;
};

// What we serve, per R4 spelling; a modifier must also be one R4 allows
// on the parameter's type (SearchParam::modifiers).
constexpr std::array<ModifierName, 9> kServed = {{{"missing", Modifier::missing},
                                                  {"exact", Modifier::exact},
                                                  {"contains", Modifier::contains},
                                                  {"text", Modifier::text},
                                                  {"not", Modifier::not_},
                                                  {"of-type", Modifier::of_type},
                                                  {"identifier", Modifier::identifier},
                                                  {"above", Modifier::above},
                                                  {"below", Modifier::below}}};

// R4 also lists token :above/:below/:in/:not-in (they need a terminology
// server) and reference :above/:below (a hierarchy walk): not served.
bool served_on(ParamType type, Modifier m) {
  if (m == Modifier::above || m == Modifier::below) return type == ParamType::uri;
  return true;
}

// "code:modifier" -> {"code", "modifier"}.
std::pair<std::string_view, std::string_view> split_modifier(std::string_view link) {
  auto colon = link.find(':');
  if (colon == std::string_view::npos) return {link, {}};
  return {link.substr(0, colon), link.substr(colon + 1)};
}

bool targets(const SearchParam& p, std::string_view type) {
  return std::find(p.targets.begin(), p.targets.end(), type) != p.targets.end();
}

// The types a reference parameter can reach from `type`. R4 lists one
// target set per definition, shared by every base (Observation `patient`
// says Patient and Group, because other bases allow a Group), but the
// expression on this type may say more: when each of its branches ends in
// `.where(resolve() is X)` with one X, only X can be reached.
std::vector<std::string> reachable_targets(const SearchParam& p, std::string_view type) {
  const std::string& text = p.expression.text();
  const std::string prefix = std::string(type) + ".";
  std::string only;
  bool narrowed = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t bar = text.find(" | ", start);
    std::string_view branch(text.data() + start, (bar == std::string::npos ? text.size() : bar) - start);
    start = bar == std::string::npos ? text.size() + 1 : bar + 3;
    if (branch.substr(0, prefix.size()) != prefix) continue;
    constexpr std::string_view kResolve = ".where(resolve() is ";
    std::size_t at = branch.rfind(kResolve);
    if (at == std::string_view::npos || branch.back() != ')') return p.targets;
    std::string_view target = branch.substr(at + kResolve.size(), branch.size() - 1 - at - kResolve.size());
    if (narrowed && target != only) return p.targets;
    only = std::string(target);
    narrowed = true;
  }
  if (!narrowed || std::find(p.targets.begin(), p.targets.end(), only) == p.targets.end()) return p.targets;
  return {only};
}

std::string on_type(std::string_view type) {
  return type.empty() ? std::string("for a search across all types") : "for " + std::string(type);
}

// The final parameter and its modifier.
NameResolution resolve_final(const SearchParams& params, std::string_view type, std::string_view link,
                             ResolvedName out) {
  auto [code, modifier] = split_modifier(link);
  if (code.empty()) return {std::nullopt, "malformed parameter name"};
  const BoundParam* bound = params.find(type, code);
  if (bound == nullptr) return {std::nullopt, "unknown parameter '" + std::string(code) + "' " + on_type(type)};
  const SearchParam& p = *bound->param;
  // _text, _content and _query have no expression in R4; `near` and the
  // other special parameters need code of their own.
  if (p.type == ParamType::special || p.expression.is_empty())
    return {std::nullopt, "parameter '" + std::string(code) + "' is not supported by this server"};
  out.param = &p;
  if (modifier.empty()) return {std::move(out), {}};
  if (p.type == ParamType::reference && looks_like_resource_type(modifier)) {
    if (!targets(p, modifier))
      return {std::nullopt, "'" + std::string(modifier) + "' is not a target type of '" + std::string(code) + "'"};
    out.modifier = Modifier::type;
    out.type_modifier = std::string(modifier);
    return {std::move(out), {}};
  }
  for (const auto& served : kServed)
    if (served.text == modifier && served_on(p.type, served.modifier) &&
        std::find(p.modifiers.begin(), p.modifiers.end(), modifier) != p.modifiers.end()) {
      out.modifier = served.modifier;
      return {std::move(out), {}};
    }
  return {std::nullopt, "modifier ':" + std::string(modifier) + "' is not supported on " +
                            std::string(param_type_code(p.type)) + " parameters"};
}

struct Context {
  const SearchParams& params;
  std::string_view full_name;  // as sent: errors name it, not the rest being resolved
};

Result<NameResolution> resolve(const Context& cx, std::string_view type, std::string_view name, ResolvedName out);

// _has:Source:reference:rest
Result<NameResolution> resolve_has(const Context& cx, std::string_view type, std::string_view name, ResolvedName out) {
  static constexpr std::string_view kForm = "malformed _has (expected _has:Type:reference:parameter)";
  // Criterion evaluates every _has before the forward chain.
  if (!out.chain.empty()) return NameResolution{std::nullopt, "_has after a chained parameter"};
  std::string_view rest = name.substr(5);
  auto c1 = rest.find(':');
  auto c2 = c1 == std::string_view::npos ? c1 : rest.find(':', c1 + 1);
  if (c2 == std::string_view::npos || c2 + 1 == rest.size()) return NameResolution{std::nullopt, std::string(kForm)};
  std::string_view source = rest.substr(0, c1);
  std::string_view code = rest.substr(c1 + 1, c2 - c1 - 1);
  if (!looks_like_resource_type(source)) return NameResolution{std::nullopt, std::string(kForm)};
  const BoundParam* bound = cx.params.find(source, code);
  if (bound == nullptr || bound->param->type != ParamType::reference)
    return NameResolution{std::nullopt,
                          "_has: no reference parameter '" + std::string(code) + "' on " + std::string(source)};
  if (!targets(*bound->param, type))
    return NameResolution{std::nullopt, "_has: " + std::string(source) + "." + std::string(code) +
                                            " does not refer to " + (type.empty() ? "this search" : std::string(type))};
  out.has.push_back(ReverseChain{std::string(source), bound->param});
  return resolve(cx, source, rest.substr(c2 + 1), std::move(out));
}

Result<NameResolution> resolve(const Context& cx, std::string_view type, std::string_view name, ResolvedName out) {
  if (out.has.size() + out.chain.size() > kMaxLinks)
    return NameResolution{std::nullopt, "more than " + std::to_string(kMaxLinks) + " chained links"};
  if (name.starts_with("_has:")) return resolve_has(cx, type, name, std::move(out));
  auto dot = name.find('.');
  if (dot == std::string_view::npos) return resolve_final(cx.params, type, name, std::move(out));

  // One forward link: code[:Type], then the rest on the target type.
  auto [code, type_name] = split_modifier(name.substr(0, dot));
  std::string_view rest = name.substr(dot + 1);
  std::string_view next_code = split_modifier(rest.substr(0, rest.find('.'))).first;
  const BoundParam* bound = code.empty() ? nullptr : cx.params.find(type, code);
  if (bound == nullptr || bound->param->type != ParamType::reference)
    return NameResolution{std::nullopt,
                          "no reference parameter '" + std::string(code) + "' to chain through " + on_type(type)};
  const SearchParam& p = *bound->param;
  std::string target;
  if (!type_name.empty()) {
    if (!looks_like_resource_type(type_name) || !targets(p, type_name))
      return NameResolution{std::nullopt,
                            "'" + std::string(type_name) + "' is not a target type of '" + std::string(code) + "'"};
    target = std::string(type_name);
  } else {
    // R4: without :Type the chain must be unambiguous. Only the targets
    // defining the next parameter count: Observation's `patient` may be a
    // Patient or a Group, but only a Patient has `name`.
    std::size_t candidates = 0;
    for (const auto& t : reachable_targets(p, type))
      if (cx.params.find(t, next_code) != nullptr) {
        ++candidates;
        target = t;
      }
    if (candidates == 0)
      return NameResolution{std::nullopt, "no target type of '" + std::string(code) + "' has a parameter '" +
                                              std::string(next_code) + "'"};
    if (candidates > 1)
      return invalid_value(cx.full_name, "ambiguous chain: '" + std::string(code) +
                                             "' may refer to several types; name one as " + std::string(code) +
                                             ":Type");
  }
  out.chain.push_back(Chain{&p, target});
  return resolve(cx, target, rest, std::move(out));
}

}  // namespace

Result<NameResolution> resolve_name(const SearchParams& params, std::string_view type, std::string_view name) {
  return resolve(Context{params, name}, type, name, ResolvedName{});
}

}  // namespace fhir::search
