#include "fhir/search/query_values.hpp"

#include <string>
#include <utility>

#include "fhir/resource/resource.hpp"
#include "fhir/search/date_range.hpp"
#include "fhir/search/query_escape.hpp"
#include "fhir/search/query_issues.hpp"
#include "fhir/search/query_number.hpp"
#include "fhir/search/reference_parts.hpp"
#include "fhir/search/string_normalise.hpp"

namespace fhir::search {
namespace {

constexpr std::string_view kBadPrefix = "unknown prefix (expected eq, ne, lt, gt, le, ge, sa, eb or ap)";

template <class To, class From>
Result<To> widen(Result<From> r) {
  if (!r) return r.take_issue();
  return To(std::move(*r));
}


Result<StringArg> string_arg(std::string_view item) {
  std::string raw = unescape_value(item);
  std::string folded = normalise_string(raw);
  return StringArg{std::move(folded), std::move(raw)};
}

// code | system|code | |code | system|
Result<TokenArg> token_arg(std::string_view item, std::string_view name) {
  auto parts = split_unescaped(item, '|');
  TokenArg t;
  if (parts.size() == 1) {
    t.code = unescape_value(parts[0]);
    return t;
  }
  if (parts.size() != 2 || (parts[0].empty() && parts[1].empty()))
    return invalid_value(name, "expected a token: code, system|code, |code or system|");
  t.system = unescape_value(parts[0]);
  if (!parts[1].empty()) t.code = unescape_value(parts[1]);
  return t;
}

Result<OfTypeArg> of_type_arg(std::string_view item, std::string_view name) {
  auto parts = split_unescaped(item, '|');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty())
    return invalid_value(name, ":of-type expects type-system|type-code|value");
  return OfTypeArg{unescape_value(parts[0]), unescape_value(parts[1]), unescape_value(parts[2])};
}

Result<DateArg> date_arg(std::string_view item, std::string_view name) {
  auto p = split_prefix(item);
  if (!p) return invalid_value(name, kBadPrefix);
  // An unencoded '+' of a zone offset arrives as a space (form encoding);
  // no date holds a space, so it can only have been that '+'.
  std::string text(p->rest);
  for (char& c : text)
    if (c == ' ') c = '+';
  auto range = parse_date_range(text);
  if (!range) return invalid_value(name, "expected a date: [prefix]yyyy[-mm[-dd[Thh:mm[:ss[.fff]][Z|+hh:mm|-hh:mm]]]]");
  return DateArg{p->prefix, range->low, range->high};
}

Result<NumberArg> number_arg(std::string_view item, std::string_view name) {
  auto p = split_prefix(item);
  if (!p) return invalid_value(name, kBadPrefix);
  auto n = parse_number(p->prefix, p->rest);
  if (!n) return invalid_value(name, "expected a number: [prefix]decimal, e.g. ge5.4 or 1e2");
  return std::move(*n);
}

// number | number|system|code | number||code
Result<QuantityArg> quantity_arg(std::string_view item, std::string_view name) {
  auto parts = split_unescaped(item, '|');
  if (parts.size() != 1 && parts.size() != 3)
    return invalid_value(name, "expected a quantity: [prefix]number[|system|code]");
  auto number = number_arg(parts[0], name);
  if (!number) return number.take_issue();
  QuantityArg q;
  q.number = std::move(*number);
  if (parts.size() == 3) {
    if (!parts[1].empty()) q.system = unescape_value(parts[1]);
    if (!parts[2].empty()) q.code = unescape_value(parts[2]);
  }
  return q;
}

// id | Type/id | Type/id/_history/v | absolute URL[|version]
Result<ReferenceArg> reference_arg(std::string_view item, std::string_view type_modifier, std::string_view name) {
  static constexpr std::string_view kForms = "expected a reference: id, Type/id or an absolute URL";
  auto parts = split_unescaped(item, '|');
  if (parts.size() > 2) return invalid_value(name, kForms);
  std::string text = unescape_value(parts[0]);
  ReferenceArg r;
  if (text.find(':') != std::string::npos) {
    // Absolute (and canonical "url|version"): type and id only when the
    // URL ends in Type/id, as reference_values.cpp indexes it.
    if (parts.size() == 2) r.version = unescape_value(parts[1]);
    if (auto ref = parse_reference(text); ref && !ref->local) {
      r.type = std::string(ref->type);
      r.id = std::string(ref->id);
      if (!ref->version.empty()) r.version = std::string(ref->version);
    }
    r.url = std::move(text);
  } else if (parts.size() == 2) {
    return invalid_value(name, kForms);
  } else if (text.find('/') != std::string::npos) {
    auto ref = parse_reference(text);
    if (!ref || ref->local || !ref->base.empty() || ref->id.empty()) return invalid_value(name, kForms);
    r.type = std::string(ref->type);
    r.id = std::string(ref->id);
    r.version = std::string(ref->version);
  } else if (fhir::is_valid_id(text)) {
    r.id = std::move(text);
  } else {
    return invalid_value(name, kForms);
  }
  if (!type_modifier.empty()) {
    if (!r.type.empty() && r.type != type_modifier)
      return invalid_value(name, "the reference names another type than the :type modifier");
    r.type = std::string(type_modifier);
  }
  return r;
}

Result<CompositeArg> composite_arg(const SearchParam& param, std::string_view item, std::string_view name) {
  auto parts = split_unescaped(item, '$');
  if (parts.size() != param.components.size())
    return invalid_value(name, "expected one value per component, separated by '$' (" +
                                   std::to_string(param.components.size()) + " components)");
  CompositeArg c;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const SearchParam* component = param.components[i].param;
    if (component == nullptr) return invalid_value(name, "composite component without a definition");
    if (parts[i].empty()) return invalid_value(name, "empty composite component");
    auto arg = parse_component(component->type, parts[i], name);
    if (!arg) return arg.take_issue();
    c.parts.push_back(std::move(*arg));
  }
  return c;
}

Result<Arg> parse_item(const SearchParam& param, Modifier modifier, std::string_view type_modifier,
                       std::string_view item, std::string_view name) {
  switch (param.type) {
    case ParamType::token:
      if (modifier == Modifier::text) return widen<Arg>(string_arg(item));
      if (modifier == Modifier::of_type) return widen<Arg>(of_type_arg(item, name));
      return widen<Arg>(token_arg(item, name));
    case ParamType::reference:
      if (modifier == Modifier::identifier) return widen<Arg>(token_arg(item, name));
      return widen<Arg>(reference_arg(item, type_modifier, name));
    case ParamType::composite:
      return widen<Arg>(composite_arg(param, item, name));
    case ParamType::special:
      return invalid_value(name, "special parameters take no values here");
    default:
      break;
  }
  auto c = parse_component(param.type, item, name);
  if (!c) return c.take_issue();
  return std::visit([](auto& v) { return Arg(std::move(v)); }, *c);
}

}  // namespace

Result<ComponentArg> parse_component(ParamType type, std::string_view item, std::string_view name) {
  switch (type) {
    case ParamType::string:
      return widen<ComponentArg>(string_arg(item));
    case ParamType::token:
      return widen<ComponentArg>(token_arg(item, name));
    case ParamType::date:
      return widen<ComponentArg>(date_arg(item, name));
    case ParamType::number:
      return widen<ComponentArg>(number_arg(item, name));
    case ParamType::quantity:
      return widen<ComponentArg>(quantity_arg(item, name));
    case ParamType::reference:
      return widen<ComponentArg>(reference_arg(item, {}, name));
    case ParamType::uri:
      return ComponentArg(UriArg{unescape_value(item)});
    case ParamType::composite:
    case ParamType::special:
      break;
  }
  return invalid_value(name, "a component of this type cannot be searched");
}

Result<std::vector<Arg>> parse_values(const SearchParam& param, Modifier modifier, std::string_view type_modifier,
                                      std::string_view value, std::string_view name) {
  std::vector<Arg> out;
  for (std::string_view item : split_unescaped(value, ',')) {
    if (item.empty()) return invalid_value(name, "empty value in a comma-separated list");
    auto arg = parse_item(param, modifier, type_modifier, item, name);
    if (!arg) return arg.take_issue();
    out.push_back(std::move(*arg));
  }
  return out;
}

}  // namespace fhir::search
