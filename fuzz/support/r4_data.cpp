#include "fuzz/support/r4_data.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "fhir/json/parse.hpp"

namespace carebridge::fuzz {
namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "fuzz setup failed: %s\n", what.c_str());
  std::abort();
}

}  // namespace

std::string source_path(const std::string& relative) {
  const char* env = std::getenv("CAREBRIDGE_SOURCE_DIR");
  return std::string(env != nullptr && *env != '\0' ? env : CAREBRIDGE_SOURCE_DIR) + "/" + relative;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) die("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<const profiles::TypeModel> load_type_model() {
  auto model = profiles::TypeModel::load(source_path("profiles/r4/fhir.schema.json"));
  if (!model) die(model.issue().diagnostics);
  return *model;
}

std::shared_ptr<const fhir::PatientCompartment> load_compartment() {
  auto c = fhir::PatientCompartment::load(source_path("fhir/r4/CompartmentDefinition-patient.json"),
                                          source_path("fhir/r4/search-parameters.json"));
  if (!c) die(c.issue().diagnostics);
  return std::make_shared<const fhir::PatientCompartment>(std::move(*c));
}

fhir::json::Value load_json(const std::string& relative) {
  auto v = fhir::json::parse(read_file(source_path(relative)));
  if (!v) die(relative + ": " + v.issue().diagnostics);
  return std::move(*v);
}

}  // namespace carebridge::fuzz
