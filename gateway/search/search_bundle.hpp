// A search's answer as an R4 searchset Bundle: total, self/next/previous
// links, one entry per match (search.mode "match") and per included
// resource ("include"), resources cut down by _summary/_elements, and an
// OperationOutcome entry (search.mode "outcome") naming the parameters a
// lenient search ignored.
#pragma once

#include <string>

#include "gateway/search/search_service.hpp"

namespace gateway {

struct AppContext;

// `path` is what the links repeat, relative to the base ("Observation",
// "Patient/1/Observation", "" for system search); `extra_query` is put
// before the search's own parameters ("_since=..." for $everything).
std::string searchset_bundle(const AppContext& app, const SearchRequest& request, const SearchResult& result,
                             const std::string& path, const std::string& extra_query = {});

}  // namespace gateway
