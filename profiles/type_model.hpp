// TypeModel: every R4 type, read once at startup from the official R4 JSON
// schema (fhir.schema.json). The HL7 publisher generates that schema from
// the StructureDefinitions; it covers all resource types, so nothing here
// is a hand-kept list. Immutable after load and shared between threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "profiles/string_hash.hpp"
#include "profiles/type_def.hpp"

namespace profiles {

class TypeModel {
 public:
  // Reads and parses the schema file (share/carebridge/r4/fhir.schema.json).
  static fhir::Result<std::shared_ptr<const TypeModel>> load(const std::string& schema_path);
  // Builds from an already parsed schema.
  static fhir::Result<std::shared_ptr<const TypeModel>> from_schema(const fhir::json::Value& schema);

  TypeModel(const TypeModel&) = delete;  // elements point into types_
  TypeModel& operator=(const TypeModel&) = delete;
  ~TypeModel();

  bool is_resource_type(std::string_view name) const { return find_resource(name) != nullptr; }
  // Sorted; from the schema's ResourceList.
  const std::vector<std::string>& resource_types() const { return resource_types_; }
  // Any complex type, backbone element or resource; nullptr if unknown.
  const TypeDef* find_type(std::string_view name) const;
  // Resource types only; nullptr for datatypes and unknown names.
  const TypeDef* find_resource(std::string_view name) const;

 private:
  friend class TypeModelBuilder;
  TypeModel();

  // unique_ptr: TypeDefs never move once elements point at them.
  std::vector<std::unique_ptr<TypeDef>> types_;
  std::unordered_map<std::string, const TypeDef*, StringHash, std::equal_to<>> by_name_;
  std::vector<std::string> resource_types_;
};

}  // namespace profiles
