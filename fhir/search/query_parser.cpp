#include "fhir/search/query_parser.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fhir/search/query_include.hpp"
#include "fhir/search/query_issues.hpp"
#include "fhir/search/query_names.hpp"
#include "fhir/search/query_values.hpp"

namespace fhir::search {
namespace {

// R4 common and result parameters we do not serve (issue 5 leaves them
// out). _text, _content and _query are in the registry without an
// expression and are refused by query_names.cpp.
constexpr std::array<std::string_view, 4> kUnserved = {"_list", "_filter", "_contained", "_containedType"};

// Result parameters that take one value: a second one is ambiguous.
constexpr std::array<std::string_view, 5> kSingle = {"_count", "_total", "_summary", "_snapshot", "_offset"};

template <std::size_t N>
bool among(const std::array<std::string_view, N>& names, std::string_view name) {
  for (auto n : names)
    if (n == name) return true;
  return false;
}

class Parser {
 public:
  Parser(const SearchParams& params, std::string_view type, const ParseOptions& options)
      : params_(params), options_(options) {
    q_.type = std::string(type);
  }

  Result<SearchQuery> run(const QueryParams& query) {
    // _type first: criteria and _sort resolve against its types.
    for (const auto& [name, value] : query)
      if (name == "_type")
        if (Status s = types(name, value); !s) return s.take_issue();
    if (!q_.type.empty())
      search_types_ = {q_.type};
    else if (!q_.types.empty())
      search_types_ = q_.types;
    else
      search_types_ = {std::string()};

    for (const auto& [name, value] : query) {
      if (name == "_type") continue;
      Status s = is_result_parameter(name) ? result_parameter(name, value) : criterion(name, value);
      if (!s) return s.take_issue();
    }
    return std::move(q_);
  }

 private:
  static std::string_view base_name(std::string_view name) { return name.substr(0, name.find(':')); }

  static bool is_result_parameter(std::string_view name) {
    std::string_view base = base_name(name);
    return base == "_sort" || base == "_count" || base == "_total" || base == "_summary" || base == "_elements" ||
           base == "_include" || base == "_revinclude" || base == "_snapshot" || base == "_offset" ||
           base == "_format" || base == "_pretty" || among(kUnserved, base);
  }

  // Unknown or unsupported: Prefer: handling decides.
  Status unsupported(const std::string& name, const std::string& value, std::string reason) {
    if (options_.handling == Handling::strict) return unsupported_parameter(name, reason);
    q_.ignored.push_back(IgnoredParam{name, value, std::move(reason)});
    return ok_status();
  }

  Status ignore_empty(const std::string& name) {
    q_.ignored.push_back(IgnoredParam{name, {}, "empty value"});
    return ok_status();
  }

  Status types(const std::string& name, const std::string& value) {
    if (!q_.type.empty()) return unsupported(name, value, "_type applies to system-level searches only");
    if (value.empty()) return ignore_empty(name);
    auto t = parse_types(value, options_.is_resource_type);
    if (!t) return t.take_issue();
    for (auto& type : *t)
      if (std::find(q_.types.begin(), q_.types.end(), type) == q_.types.end()) q_.types.push_back(std::move(type));
    return ok_status();
  }

  Status result_parameter(const std::string& name, const std::string& value) {
    std::string_view base = base_name(name);
    std::string_view modifier = name.size() > base.size() ? std::string_view(name).substr(base.size() + 1) : "";
    if (base == "_format" || base == "_pretty") return ok_status();
    if (among(kUnserved, base)) return unsupported(name, value, "not supported by this server");
    bool include = base == "_include" || base == "_revinclude";
    bool iterate = modifier == "iterate" || modifier == "recurse";
    if (!modifier.empty() && !(include && iterate))
      return unsupported(name, value, "modifier ':" + std::string(modifier) + "' is not supported here");
    if (value.empty()) return ignore_empty(name);
    if (among(kSingle, base) && !seen_.insert(std::string(base)).second)
      return invalid_value(name, "given more than once");
    if (include) {
      auto spec = parse_include(params_, name, iterate, value, options_.is_resource_type);
      if (!spec) return spec.take_issue();
      (base == "_include" ? q_.include : q_.revinclude).push_back(std::move(*spec));
      return ok_status();
    }
    if (base == "_sort") return append(parse_sort(params_, search_types_, value, q_.sort), q_.sort);
    if (base == "_elements") return append(parse_elements(value), q_.elements);
    if (base == "_count") return assign(parse_count(value), q_.count);
    if (base == "_total") return assign(parse_total(value), q_.total);
    if (base == "_summary") return assign(parse_summary(value), q_.summary);
    if (base == "_snapshot") return assign(parse_snapshot(value), q_.snapshot);
    return assign(parse_offset(value), q_.offset);
  }

  template <class T, class To>
  static Status assign(Result<T> r, To& to) {
    if (!r) return r.take_issue();
    to = std::move(*r);
    return ok_status();
  }

  template <class T>
  static Status append(Result<std::vector<T>> r, std::vector<T>& to) {
    if (!r) return r.take_issue();
    for (auto& v : *r) to.push_back(std::move(v));
    return ok_status();
  }

  Status criterion(const std::string& name, const std::string& value) {
    // Resolved once per searched type: at system level with several
    // _type types the name must mean the same kind of thing in each.
    std::optional<ResolvedName> first;
    for (const std::string& type : search_types_) {
      auto r = resolve_name(params_, type, name);
      if (!r) return r.take_issue();
      if (!r->resolved) return unsupported(name, value, std::move(r->unsupported));
      if (!first) {
        first = std::move(r->resolved);
      } else if (r->resolved->param->type != first->param->type || r->resolved->modifier != first->modifier) {
        return unsupported(name, value, "the parameter differs between the _type types");
      }
    }
    if (value.empty()) return ignore_empty(name);
    Criterion c;
    c.name = name;
    c.value = value;
    c.has = std::move(first->has);
    c.chain = std::move(first->chain);
    c.param = first->param;
    c.modifier = first->modifier;
    if (c.modifier == Modifier::missing) {
      if (value != "true" && value != "false") return invalid_value(name, ":missing expects true or false");
      c.missing = value == "true";
    } else {
      auto args = parse_values(*c.param, c.modifier, first->type_modifier, value, name);
      if (!args) return args.take_issue();
      c.any_of = std::move(*args);
    }
    q_.criteria.push_back(std::move(c));
    return ok_status();
  }

  const SearchParams& params_;
  const ParseOptions& options_;
  SearchQuery q_;
  std::vector<std::string> search_types_;  // q_.type, or _type's, or "" (all types)
  std::set<std::string> seen_;             // single-valued result parameters met so far
};

}  // namespace

Result<SearchQuery> parse_search(const SearchParams& params, std::string_view type, const QueryParams& query,
                                 const ParseOptions& options) {
  return Parser(params, type, options).run(query);
}

Result<SearchQuery> parse_search(const SearchParams& params, std::string_view type, const QueryParams& query,
                                 Handling handling) {
  ParseOptions options;
  options.handling = handling;
  return parse_search(params, type, query, options);
}

}  // namespace fhir::search
