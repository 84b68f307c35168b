// The labeling stage's decision for one resource: which DS4P labels it
// carries. Labels a source sent are kept (the gateway may raise, never
// lower, a classification); the rules add what the resource's codes and
// scores say; a Part 2 program's records carry its labels; and labels flow
// in from the resources it refers to clinically. Exactly one
// confidentiality code results, the highest, N when nothing says more.
#pragma once

#include <string>
#include <vector>

#include "consent/labels/label_rules.hpp"
#include "consent/labels/security_label.hpp"
#include "fhir/json/value.hpp"

namespace consent {

struct LabelSources {
  bool part2_program = false;            // the source client is a 42 CFR Part 2 program
  const LabelSet* propagated = nullptr;  // labels of what it refers to (propagation_sources)
};

LabelSet label_resource(const LabelRules& rules, const fhir::json::Value& resource, const LabelSources& sources);

// The labels the source itself put in meta.security (system names made
// canonical), before the gateway adds any.
LabelSet source_labels(const LabelRules& rules, const fhir::json::Value& resource);

// "Type/id" of the resources this one refers to along the propagation
// paths (Observation.focus, hasMember, derivedFrom, reasonReference,
// encounter, ...), leaving out the hub types everything refers to.
std::vector<std::string> propagation_sources(const LabelRules& rules, const fhir::json::Value& resource);

}  // namespace consent
