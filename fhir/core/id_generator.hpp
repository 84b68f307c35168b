// Server-assigned logical ids: random UUIDs (122 random bits), which are
// valid R4 ids and reveal nothing about order or volume.
#pragma once

#include <string>

namespace fhir {

std::string new_resource_id();

}  // namespace fhir
