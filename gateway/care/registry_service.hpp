// The measurement-based-care registry (issue 9), computed for one
// requester: one row per person and instrument (mappers/care
// registry_rows.hpp) over the care facts the requester may see, and the
// population's quality measures. The population is every person with a
// score or a flag the requester may see; a caseload is whom its Group
// names. A person is every Patient record linked
// as one; their row is named by the record the caseload names (or, for
// the population, the first of their records by id) among those the
// requester may see. A person none of whose Patient records the
// requester may see has no row at all, and a fact counts only when the
// version it came from passes the same consent filter as a search
// (fhir/store care_fact.hpp), so no row, score, flag or measure rests on
// withheld data. Runs on the storage pool: it blocks on the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"
#include "mappers/care/quality_measures.hpp"
#include "mappers/care/registry_rows.hpp"

namespace consent {
class DisclosureFilter;
class LinkedRecords;
}
namespace mappers::care {
struct CareRules;
}

namespace gateway {

struct RegistryAsk {
  // The caseload's Patient ids, in the Group's order; nullopt: the whole
  // population (every patient with care facts).
  std::optional<std::vector<std::string>> caseload;
  std::int64_t offset = 0;                // persons skipped
  std::optional<std::int64_t> count;      // persons in this page; nullopt: all
  bool measures = true;                   // compute the quality measures (all persons)
  std::int64_t now_ms = 0;
};

struct RegistryAnswer {
  std::int64_t persons = 0;  // persons with a row, all pages
  std::vector<mappers::care::RegistryRow> rows;  // this page's persons, in person order
  std::vector<mappers::care::QualityMeasure> measures;
  // The Patient versions this page's rows were about (the audit trail's
  // entities and patients).
  std::vector<fhir::store::VersionRecord> patients;
};

// links: which Patient records are one person (the consent index's, so
// rows and decisions agree). filter: null when enforcement is off or the
// requester is exempt.
fhir::Result<RegistryAnswer> compute_registry(fhir::store::Store& store, const mappers::care::CareRules& rules,
                                              const consent::LinkedRecords& links,
                                              const consent::DisclosureFilter* filter, const RegistryAsk& ask);

}  // namespace gateway
