// The read queries over the version tables. They run on whatever connection
// they are given: a leased reader (committed data only) or the writer inside
// its group transaction (where they also see the group's earlier units).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"

namespace fhir::store {

class Connection;

// query_head without the JSON (VersionRecord::json empty).
Result<std::optional<VersionRecord>> query_head_meta(Connection& conn, std::string_view type, std::string_view id);
Result<std::optional<VersionRecord>> query_head(Connection& conn, std::string_view type,
                                                std::string_view id);
Result<std::optional<VersionRecord>> query_version(Connection& conn, std::string_view type,
                                                   std::string_view id, std::int64_t version);
// Page and total come from one read snapshot, so they agree.
Result<HistoryPage> query_history(Connection& conn, const HistoryQuery& q);
// The highest seq stored (0 for an empty store).
Result<std::int64_t> query_last_seq(Connection& conn);
// Current versions in (type, id) order after the given key, for reindexing.
// Every version with seq > after, oldest first, labels included (relabeling).
Result<std::vector<VersionRecord>> query_versions_after(Connection& conn, std::int64_t after, int limit);
Result<std::vector<VersionRecord>> query_heads_after(Connection& conn, std::string_view type, std::string_view id,
                                                     int limit);
Result<std::vector<VersionRecord>> query_changes_since(Connection& conn, std::int64_t seq, int limit);
Result<std::optional<std::string>> query_meta(Connection& conn, std::string_view key);
// The greatest last_updated_ms stored (nullopt for an empty store).
Result<std::optional<std::int64_t>> query_max_last_updated(Connection& conn);

}  // namespace fhir::store
