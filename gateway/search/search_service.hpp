// One search, start to finish, on the storage pool: the matching ids from
// the store (one SQL query with every predicate, fhir/store/search_sql.hpp),
// the page the request asks for, the resources of that page, and what
// _include/_revinclude add. Used by type, system and compartment search,
// POST _search, batch search entries and Patient/$everything.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/search/query.hpp"
#include "fhir/search/query_parser.hpp"
#include "fhir/store/store.hpp"

namespace consent {
class DisclosureFilter;
}

namespace gateway {

struct AppContext;
namespace auth {
struct RequestContext;
}

struct SearchRequest {
  fhir::search::SearchQuery query;
  // Who asks: included resources are limited to types it may read, and
  // paging cursors are bound to it. Null only for the gateway's own use.
  const auth::RequestContext* requester = nullptr;
  // Consent enforcement (gateway/disclosure): every query of the search,
  // its count and its includes see only what this lets through. Null: all.
  const fhir::store::RowFilter* filter = nullptr;
  // The same filter as the consent decision it is, for what it withholds
  // inside resources (inline labels). Null: nothing.
  const consent::DisclosureFilter* disclosure = nullptr;
  // Changes whenever consents change: paging cursors do not survive it.
  std::uint64_t filter_generation = 0;
  std::vector<std::string> types;  // what is searched (one type, _type's, or a compartment's)
  // The compartment searched (R4 CompartmentDefinition-patient): one
  // patient, or for $everything the records linked to it as one person
  // that the requester may see. Empty: none.
  std::vector<std::string> compartment_patients;
  std::optional<std::int64_t> since_ms;
};

using RecordPtr = std::shared_ptr<const fhir::store::VersionRecord>;

struct SearchResult {
  std::int64_t total = 0;   // every match, not only this page
  std::int64_t pageable = 0;  // the first search_max_results of them, which pages reach
  std::int64_t offset = 0;  // of this page
  int count = 0;            // page size asked (after the server's cap)
  // Present when there are more pages: the cursor their links carry.
  std::optional<std::string> cursor;
  std::vector<RecordPtr> matches;
  std::vector<RecordPtr> included;
};

// How requests' search parameters are parsed: the request's Prefer:
// handling, and the gateway's resource types for _type and _include.
fhir::search::ParseOptions search_parse_options(const AppContext& app, bool strict_handling);

// Blocking: call on the storage pool.
fhir::Result<SearchResult> run_search(const AppContext& app, const SearchRequest& request);

}  // namespace gateway
