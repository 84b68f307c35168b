// The registry of R4 search parameters, loaded once from the spec's own
// definitions (share/carebridge/r4/search-parameters.json, a Bundle of
// SearchParameter). Every expression is compiled at load: one we cannot
// compile fails the load, listing all of them, rather than surfacing while
// indexing. Immutable after load and shared between threads.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "fhir/search/search_param.hpp"

namespace fhir::search {

// A parameter as it applies to one resource type.
struct BoundParam {
  const SearchParam* param = nullptr;  // owned by the registry
  // param->expression pruned to this type (search_params.cpp says why).
  fhirpath::Expression expression;
};

class SearchParams {
 public:
  // Errors: kInternal (fatal) for an unreadable file, a malformed
  // definition, or expressions we cannot compile (all listed).
  static Result<std::shared_ptr<const SearchParams>> load(const std::string& path);
  static Result<std::shared_ptr<const SearchParams>> from_bundle(const json::Value& bundle);

  SearchParams(const SearchParams&) = delete;  // BoundParams point into params_
  SearchParams& operator=(const SearchParams&) = delete;
  ~SearchParams();

  // nullptr when `code` is not a parameter of `resource_type`.
  const BoundParam* find(std::string_view resource_type, std::string_view code) const;
  // Every parameter of the type, its own and the common ones (_id,
  // _lastUpdated, _tag, _security, _profile, _source...). A type with none
  // of its own gets the common ones.
  std::span<const BoundParam> for_type(std::string_view resource_type) const;
  const SearchParam* find_by_url(std::string_view url) const;
  const std::vector<std::unique_ptr<SearchParam>>& all() const { return params_; }

 private:
  friend class SearchParamsBuilder;
  SearchParams();

  struct TypeEntry {
    std::vector<BoundParam> params;
    std::map<std::string, std::size_t, std::less<>> by_code;  // index into params
  };
  const TypeEntry& entry(std::string_view resource_type) const;

  // unique_ptr: SearchParams never move once BoundParams point at them.
  std::vector<std::unique_ptr<SearchParam>> params_;
  std::map<std::string, const SearchParam*, std::less<>> by_url_;
  std::map<std::string, TypeEntry, std::less<>> by_type_;
  TypeEntry common_;        // for types with no parameters of their own
  TypeEntry common_plain_;  // the same without DomainResource's (Bundle, Binary, Parameters)
};

}  // namespace fhir::search
