// What the targets load once, in LLVMFuzzerInitialize: the R4 definitions
// and fixtures from the source tree (CAREBRIDGE_SOURCE_DIR, compiled in;
// the environment variable of the same name overrides it). A definition
// that does not load aborts: a fuzzer without its model tests nothing.
#pragma once

#include <memory>
#include <string>

#include "fhir/json/value.hpp"
#include "fhir/resource/patient_compartment.hpp"
#include "profiles/type_model.hpp"

namespace carebridge::fuzz {

std::string source_path(const std::string& relative);
std::string read_file(const std::string& path);

std::shared_ptr<const profiles::TypeModel> load_type_model();      // profiles/r4/fhir.schema.json
std::shared_ptr<const fhir::PatientCompartment> load_compartment();  // fhir/r4/*.json
// A parsed JSON file under the source tree.
fhir::json::Value load_json(const std::string& relative);

}  // namespace carebridge::fuzz
