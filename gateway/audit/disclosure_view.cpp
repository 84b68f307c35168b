#include "gateway/audit/disclosure_view.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace gateway {

bool narrow_to_patient(consent::AuditDescription& d, std::string_view patient) {
  std::vector<consent::AuditedEntity> own;
  for (auto& e : d.entities)
    if (std::find(e.patients.begin(), e.patients.end(), patient) != e.patients.end()) {
      e.patients = {std::string(patient)};
      own.push_back(std::move(e));
    }
  d.entities = std::move(own);
  d.patients = {std::string(patient)};
  d.query.clear();
  return !d.entities.empty();
}

}  // namespace gateway
