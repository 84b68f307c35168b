// One R4 complex type, backbone element or resource as the R4 JSON schema
// defines it: the table of its JSON member names. Built by TypeModel.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "profiles/primitive_kind.hpp"
#include "profiles/string_hash.hpp"

namespace profiles {

class TypeDef;

// How an element's JSON value is checked.
enum class ElementKind : unsigned char {
  primitive,      // a JSON scalar, checked by primitive_format
  complex,        // a JSON object of another TypeDef (datatype or backbone)
  resource,       // a JSON object holding a resource of its own resourceType
  companion,      // `_name`: id and extensions of primitive `name` (an Element)
  resource_type,  // the `resourceType` member of a resource
};

struct ElementDef {
  std::string name;       // JSON member name: "valueQuantity", "_given"
  std::string type_name;  // "Quantity", "date", "Patient_Contact", "Element"
  ElementKind kind = ElementKind::complex;
  bool is_array = false;               // max cardinality > 1: always a JSON array
  PrimitiveKind primitive{};           // meaningful when kind == primitive
  const TypeDef* type = nullptr;       // complex and companion elements
  std::vector<std::string> codes;      // sorted; the schema's enum (a required binding), empty = any
  std::uint8_t choice_group = 0;       // 1..64 for the types of one choice element (value[x])
  std::string choice_name;             // "value" for valueQuantity; empty if not a choice

  bool allows_code(std::string_view code) const;  // true when codes is empty
};

class TypeDef {
 public:
  explicit TypeDef(std::string name) : name_(std::move(name)) {}
  TypeDef(const TypeDef&) = delete;  // elements point at TypeDefs: never copy or move one
  TypeDef& operator=(const TypeDef&) = delete;

  // The schema's name: "Patient", "HumanName", "Patient_Contact".
  const std::string& name() const { return name_; }
  bool is_resource() const { return is_resource_; }
  // Backbone elements are named Owner_Part in the schema.
  bool is_backbone() const { return name_.find('_') != std::string::npos; }
  // nullptr when the type has no such element.
  const ElementDef* find(std::string_view json_name) const;
  const std::vector<ElementDef>& elements() const { return elements_; }

 private:
  friend class TypeModelBuilder;

  std::string name_;
  bool is_resource_ = false;
  std::vector<ElementDef> elements_;  // schema order, then `_x` the loader adds; fixed once built
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> index_;
};

}  // namespace profiles
