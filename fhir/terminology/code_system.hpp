// A FHIR CodeSystem loaded from its JSON definition: which codes it has and
// how they nest. Code tables the gateway checks against (purpose of use,
// and the consent issue's security labels) are HL7's own CodeSystem files,
// read at start-up, never hand-copied lists.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"

namespace fhir::terminology {

class CodeSystem {
 public:
  static Result<CodeSystem> load(const std::string& path);
  static Result<CodeSystem> from_json(const json::Value& code_system);

  const std::string& url() const { return url_; }
  bool contains(std::string_view code) const;
  // The code's display, "" when it has none or is unknown.
  const std::string& display(std::string_view code) const;
  // code is ancestor or below it in the concept tree (hierarchyMeaning is-a).
  bool is_a(std::string_view code, std::string_view ancestor) const;
  // Every code under ancestor (not ancestor itself), in file order.
  std::vector<std::string> descendants(std::string_view ancestor) const;

 private:
  struct Concept {
    std::string display;
    std::string parent;  // "" at the top
  };
  std::string url_;
  std::vector<std::string> order_;
  std::unordered_map<std::string, Concept> concepts_;
};

}  // namespace fhir::terminology
