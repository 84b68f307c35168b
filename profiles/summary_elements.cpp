#include "profiles/summary_elements.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"

namespace profiles {

using fhir::Issue;
using fhir::Result;
using fhir::json::Value;

namespace {

// The table ships with the binary: a bad one is our failure, not the client's.
Issue table_error(std::string_view where, std::string_view what) {
  return fhir::make_issue(fhir::err::kInternal,
                          "R4 summary elements, " + std::string(where) + ": " + std::string(what));
}

bool contains(const std::vector<std::string>& sorted, std::string_view name) {
  return std::binary_search(sorted.begin(), sorted.end(), name, std::less<>());
}

std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::vector<std::string>> name_list(const Value& entry, std::string_view type,
                                           std::string_view key) {
  const Value* list = entry.find(key);
  if (list == nullptr || !list->is_array())
    return table_error(type, std::string(key) + " is not an array");
  std::vector<std::string> names;
  names.reserve(list->items().size());
  for (const Value& name : list->items()) {
    if (!name.is_string() || name.text().empty())
      return table_error(type, std::string(key) + " holds a non-name");
    names.push_back(name.text());
  }
  return names;
}

}  // namespace

TypeSummary::TypeSummary(std::vector<std::string> summary, std::vector<std::string> mandatory,
                         std::vector<std::string> choice)
    : summary_(sorted(std::move(summary))),
      mandatory_(sorted(std::move(mandatory))),
      choice_(sorted(std::move(choice))) {}

bool TypeSummary::is_summary(std::string_view base) const { return contains(summary_, base); }

bool TypeSummary::is_mandatory(std::string_view base) const { return contains(mandatory_, base); }

std::string_view TypeSummary::base_name(std::string_view member) const {
  if (member.starts_with('_')) member.remove_prefix(1);
  // JSON names a choice by its type in upper camel case (valueQuantity).
  // The generator checks that no other element of a type looks like that.
  for (const std::string& base : choice_) {
    if (member.size() > base.size() && member.starts_with(base) &&
        member[base.size()] >= 'A' && member[base.size()] <= 'Z')
      return member.substr(0, base.size());
  }
  return member;
}

Result<SummaryElements> SummaryElements::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return table_error(path, "cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return table_error(path, "cannot read the file");
  Result<Value> table = fhir::json::parse(text.str());
  if (!table) return table_error(path, table.issue().diagnostics);
  return from_json(*table);
}

Result<SummaryElements> SummaryElements::from_json(const Value& table) {
  if (!table.is_object() || table.members().empty()) return table_error("root", "not an object");
  SummaryElements out;
  for (const auto& [type, entry] : table.members()) {
    if (type.starts_with('_')) continue;
    if (!entry.is_object()) return table_error(type, "not an object");
    auto summary = name_list(entry, type, "summary");
    if (!summary) return summary.take_issue();
    auto mandatory = name_list(entry, type, "mandatory");
    if (!mandatory) return mandatory.take_issue();
    auto choice = name_list(entry, type, "choice");
    if (!choice) return choice.take_issue();
    // _summary=true keeps mandatory elements because the table says they
    // are summary elements; a table without that would drop them.
    for (const std::string& name : *mandatory)
      if (std::find(summary->begin(), summary->end(), name) == summary->end())
        return table_error(type, "mandatory " + name + " is not a summary element");
    out.types_.emplace(type, TypeSummary(std::move(*summary), std::move(*mandatory),
                                         std::move(*choice)));
  }
  if (out.types_.empty()) return table_error("root", "no resource types");
  return out;
}

const TypeSummary* SummaryElements::find(std::string_view resource_type) const {
  auto it = types_.find(resource_type);
  return it == types_.end() ? nullptr : &it->second;
}

std::vector<std::string> SummaryElements::resource_types() const {
  std::vector<std::string> names;
  names.reserve(types_.size());
  for (const auto& entry : types_) names.push_back(entry.first);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace profiles
