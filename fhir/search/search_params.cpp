#include "fhir/search/search_params.hpp"

#include <fstream>
#include <sstream>
#include <utility>

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/search/search_param_definition.hpp"

namespace fhir::search {

namespace {

// R4: every resource but these three is a DomainResource.
bool is_domain_resource(std::string_view type) {
  return type != "Bundle" && type != "Binary" && type != "Parameters";
}

bool is_common_base(std::string_view base) { return base == "Resource" || base == "DomainResource"; }

}  // namespace

class SearchParamsBuilder {
 public:
  static Result<std::shared_ptr<const SearchParams>> build(const json::Value& bundle) {
    std::shared_ptr<SearchParams> reg(new SearchParams());
    const json::Value* entries = bundle.find("entry");
    if (!bundle.is_object() || entries == nullptr || !entries->is_array())
      return make_issue(err::kInternal, "search parameters: not a Bundle with entries");
    std::string problems;
    for (const auto& e : entries->items()) {
      const json::Value* r = e.find("resource");
      if (r == nullptr || r->string_at("resourceType") != "SearchParameter") continue;
      auto p = read_definition(*r);
      if (!p) {
        problems += p.issue().diagnostics + " [" + p.issue().expression + "]\n";
        continue;
      }
      reg->by_url_.emplace((*p)->url, p->get());
      reg->params_.push_back(std::move(*p));
    }
    for (auto& p : reg->params_)
      for (auto& c : p->components) {
        auto it = reg->by_url_.find(c.definition);
        if (it == reg->by_url_.end()) problems += "SearchParameter " + p->url + ": unknown component " + c.definition + "\n";
        else c.param = it->second;
      }
    if (!problems.empty())
      return make_issue(err::kInternal, "search parameters that cannot be loaded:\n" + problems);
    index(*reg);
    return std::shared_ptr<const SearchParams>(std::move(reg));
  }

 private:
  static void add(SearchParams::TypeEntry& entry, const SearchParam& p, std::string_view type) {
    if (entry.by_code.count(p.code) != 0) return;
    entry.by_code.emplace(p.code, entry.params.size());
    // Pruned per type: `Patient.telecom.where(..) | Person.telecom.where(..)
    // | ...` is one definition for five types, and a Person needs one branch.
    fhirpath::Expression e = type.empty() ? p.expression : p.expression.for_resource_type(type);
    entry.params.push_back(BoundParam{&p, std::move(e)});
  }

  static void index(SearchParams& reg) {
    for (const auto& p : reg.params_)
      for (const auto& base : p->base)
        if (!is_common_base(base)) add(reg.by_type_[base], *p, base);
    for (auto& [type, entry] : reg.by_type_) add_common(reg, entry, type);
    add_common(reg, reg.common_, {});
    for (const auto& p : reg.params_)
      for (const auto& base : p->base)
        if (base == "Resource") add(reg.common_plain_, *p, {});
  }

  static void add_common(const SearchParams& reg, SearchParams::TypeEntry& entry, std::string_view type) {
    bool domain = type.empty() || is_domain_resource(type);
    for (const auto& p : reg.params_)
      for (const auto& base : p->base)
        if (base == "Resource" || (base == "DomainResource" && domain)) add(entry, *p, type);
  }
};

SearchParams::SearchParams() = default;
SearchParams::~SearchParams() = default;

Result<std::shared_ptr<const SearchParams>> SearchParams::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_issue(err::kInternal, "search parameters: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto bundle = json::parse(text.str());
  if (!bundle) return make_issue(err::kInternal, "search parameters: " + path + ": " + bundle.issue().diagnostics);
  return from_bundle(*bundle);
}

Result<std::shared_ptr<const SearchParams>> SearchParams::from_bundle(const json::Value& bundle) {
  return SearchParamsBuilder::build(bundle);
}

const SearchParams::TypeEntry& SearchParams::entry(std::string_view resource_type) const {
  auto it = by_type_.find(resource_type);
  if (it != by_type_.end()) return it->second;
  return is_domain_resource(resource_type) ? common_ : common_plain_;
}

const BoundParam* SearchParams::find(std::string_view resource_type, std::string_view code) const {
  const TypeEntry& e = entry(resource_type);
  auto it = e.by_code.find(code);
  return it == e.by_code.end() ? nullptr : &e.params[it->second];
}

std::span<const BoundParam> SearchParams::for_type(std::string_view resource_type) const {
  return entry(resource_type).params;
}

const SearchParam* SearchParams::find_by_url(std::string_view url) const {
  auto it = by_url_.find(url);
  return it == by_url_.end() ? nullptr : it->second;
}

}  // namespace fhir::search
