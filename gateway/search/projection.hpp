// _summary and _elements (R4 search.html "Summary", "Elements"): on search
// results and, as R4 allows, on read and vread.
#pragma once

#include <string>
#include <vector>

#include "fhir/core/query.hpp"
#include "fhir/core/result.hpp"
#include "fhir/search/query.hpp"

namespace gateway {

struct AppContext;

struct Projection {
  fhir::search::Summary summary = fhir::search::Summary::none;
  std::vector<std::string> elements;
  // Whether it changes anything: _summary=false/count and no _elements
  // leave the resource as stored.
  bool active() const;
};

// From a read's query (_summary, _elements); bad values are 400.
fhir::Result<Projection> projection_from_query(const fhir::QueryParams& query);

// The stored JSON, cut down as asked and tagged SUBSETTED when anything
// was removed; `out` gets it appended.
void append_projected(std::string& out, const AppContext& app, const Projection& p, const std::string& json);

}  // namespace gateway
