// fhir::Resource: one generic value for all ~145 R4 resource types. It holds
// the element tree verbatim (order, decimal text, unknown extensions) and
// knows only the elements every resource shares: resourceType, id, meta.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"

namespace fhir {

// R4 id: [A-Za-z0-9\-\.]{1,64}
bool is_valid_id(std::string_view id);

class Resource {
 public:
  Resource() = default;
  // Parses JSON text and checks the shape every resource shares: an object
  // with a string resourceType and, if present, a string id.
  static Result<Resource> parse(std::string_view text);
  static Result<Resource> from_value(json::Value root);

  std::string_view type() const { return root_.string_at("resourceType"); }
  std::string_view id() const { return root_.string_at("id"); }
  bool has_id() const { return root_.find("id") != nullptr; }

  // Sets id right after resourceType (the order R4 JSON uses).
  void set_id(std::string_view id);
  // Sets meta.versionId and meta.lastUpdated, keeping every other meta
  // element where it was.
  void stamp_version(std::int64_t version_id, std::string_view last_updated);

  const json::Value& root() const { return root_; }
  json::Value& root() { return root_; }
  std::string to_json() const;

 private:
  explicit Resource(json::Value root) : root_(std::move(root)) {}
  json::Value root_;
};

}  // namespace fhir
