// Which patients' compartments a resource is in, from the R4
// CompartmentDefinition for Patient and the search parameters it names.
// The store records this beside every version, so that later consent,
// $everything and audit can ask "whose data is this" without re-deriving it.
//
// The compartment parameters' FHIRPath expressions are simple paths with an
// optional `.where(resolve() is Patient)`; this evaluates just that subset.
// The search issue's FHIRPath evaluator generalises it.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/resource/resource.hpp"

namespace fhir {

class PatientCompartment {
 public:
  static Result<PatientCompartment> load(const std::string& compartment_definition_path,
                                         const std::string& search_parameters_path);

  // Patient ids (sorted, unique) whose compartment holds this resource.
  std::vector<std::string> patients_of(const Resource& r) const;

  // Resource types that can be in a patient compartment.
  bool has_type(std::string_view type) const { return paths_.count(std::string(type)) > 0; }
  // Those types, sorted.
  std::vector<std::string> types() const;

 private:
  // type -> element paths (after the type name) that reference the patient
  std::unordered_map<std::string, std::vector<std::vector<std::string>>> paths_;
};

}  // namespace fhir
