#include "fhir/store/sqlite_queries.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <string>

#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_row_filter.hpp"
#include "fhir/store/sqlite_transaction.hpp"

namespace fhir::store {
namespace {

constexpr std::int64_t kNoBound = std::numeric_limits<std::int64_t>::max();

// Column order read by read_record.
#define CAREBRIDGE_VERSION_COLUMNS \
  "v.seq, v.type, v.id, v.version, v.last_updated_ms, v.deleted, v.method, v.json," \
  " coalesce(l.label_key, ''), coalesce(l.patients, '')"
// Each version's labels, beside it (LEFT: a version written before labels
// existed reads as unlabeled until relabeled).
#define CAREBRIDGE_LABEL_JOIN " LEFT JOIN version_label AS l ON l.seq = v.seq"
// The consent filter of a query, when it has one: ?7 the filter, ?8 whether
// it wants the JSON (CASE is lazy, so the JSON is read only then).
#define CAREBRIDGE_VISIBLE \
  " AND cb_visible(?7, v.type, v.id, coalesce(l.label_key, ''), coalesce(l.patients, '')," \
  " CASE WHEN ?8 THEN v.json ELSE '' END)"

// CROSS JOIN fixes the loop order (SQLite never reorders it): the head's
// primary key first, then one rowid lookup into the version log.
// The head row holds its version's labels: no join.
constexpr std::string_view kHeadSql =
    "SELECT v.seq, v.type, v.id, v.version, v.last_updated_ms, v.deleted, v.method, v.json, h.label_key, h.patients"
    " FROM resource_head AS h CROSS JOIN resource_version AS v ON v.seq = h.seq"
    " WHERE h.type = ?1 AND h.id = ?2";

// The same without the JSON (json reads ''): the version log's row is read
// up to method, so a large resource's overflow pages are never touched.
constexpr std::string_view kHeadMetaSql =
    "SELECT v.seq, v.type, v.id, v.version, v.last_updated_ms, v.deleted, v.method, '', h.label_key, h.patients"
    " FROM resource_head AS h CROSS JOIN resource_version AS v ON v.seq = h.seq"
    " WHERE h.type = ?1 AND h.id = ?2";

constexpr std::string_view kVersionSql =
    "SELECT " CAREBRIDGE_VERSION_COLUMNS
    " FROM resource_version AS v" CAREBRIDGE_LABEL_JOIN
    " WHERE v.type = ?1 AND v.id = ?2 AND v.version = ?3";

// max(seq) on the rowid is one b-tree descent.
constexpr std::string_view kLastSeqSql = "SELECT max(seq) FROM resource_version";
constexpr std::string_view kMaxLastUpdatedSql =
    "SELECT max(last_updated_ms) FROM resource_version";

VersionRecord read_record(const Stmt& s) {
  VersionRecord r;
  r.seq = s.int64(0);
  r.type = s.text(1);
  r.id = s.text(2);
  r.version = s.int64(3);
  r.last_updated_ms = s.int64(4);
  r.deleted = s.int64(5) != 0;
  r.method = s.text(6);
  r.json = s.text(7);
  r.label_key = s.text(8);
  r.patients = s.text(9);
  return r;
}

// History SQL. Parameters keep one meaning in every variant: ?1 type, ?2 id,
// ?3 highest seq, ?4 since, ?5 limit, ?6 offset. Filters that are absent are left out
// of the text rather than bound as "match anything", so the planner picks
// the index for the query actually asked. All variants are fixed text.
enum class Level { system, type, instance };

std::string history_sql(Level level, bool since, bool count, bool filtered) {
  if (level == Level::system && !since && count && !filtered) {
    // count(*) over a rowid range walks the table itself, JSON and all;
    // a bare count(*) walks the narrowest index instead (about 10x faster),
    // and the versions above the snapshot are a short rowid range.
    return "SELECT (SELECT count(*) FROM resource_version)"
           " - (SELECT count(*) FROM resource_version WHERE seq > ?3)";
  }
  std::string sql = count ? "SELECT count(*)" : "SELECT " CAREBRIDGE_VERSION_COLUMNS;
  sql += " FROM resource_version AS v";
  if (!count || filtered) sql += CAREBRIDGE_LABEL_JOIN;
  sql += " WHERE v.seq <= ?3";
  if (level != Level::system) sql += " AND v.type = ?1";
  if (level == Level::instance) sql += " AND v.id = ?2";
  if (since) sql += " AND v.last_updated_ms >= ?4";
  if (filtered) sql += CAREBRIDGE_VISIBLE;
  if (!count) {
    // Within one resource version order is seq order, and the unique
    // (type, id, version) index delivers it without a sort.
    sql += level == Level::instance ? " ORDER BY v.version DESC" : " ORDER BY v.seq DESC";
    sql += " LIMIT ?5 OFFSET ?6";
  }
  return sql;
}

const std::string& cached_history_sql(Level level, bool since, bool count, bool filtered) {
  static const auto table = [] {
    std::array<std::string, 24> t;
    for (int l = 0; l < 3; ++l)
      for (int s = 0; s < 2; ++s)
        for (int c = 0; c < 2; ++c)
          for (int f = 0; f < 2; ++f)
            t[static_cast<std::size_t>(l * 8 + s * 4 + c * 2 + f)] =
                history_sql(static_cast<Level>(l), s == 1, c == 1, f == 1);
    return t;
  }();
  return table[static_cast<std::size_t>(static_cast<int>(level) * 8 + (since ? 4 : 0) +
                                        (count ? 2 : 0) + (filtered ? 1 : 0))];
}

// Every row the statement returns, as records appended to out.
Status read_records(Stmt& stmt, std::vector<VersionRecord>& out) {
  for (;;) {
    auto row = stmt.step();
    if (!row) return row.take_issue();
    if (!*row) return ok_status();
    out.push_back(read_record(stmt));
  }
}

Result<std::optional<VersionRecord>> one_record(Stmt& stmt) {
  auto row = stmt.step();
  if (!row) return row.take_issue();
  if (!*row) return std::optional<VersionRecord>();
  return std::optional<VersionRecord>(read_record(stmt));
}

void bind_filters(Stmt& stmt, Level level, const HistoryQuery& q, std::int64_t max_seq) {
  stmt.bind(3, max_seq);
  if (level != Level::system) stmt.bind(1, q.type);
  if (level == Level::instance) stmt.bind(2, q.id);
  if (q.since_ms) stmt.bind(4, *q.since_ms);
  if (q.filter) {
    stmt.bind_pointer(7, q.filter, kRowFilterPointer);
    stmt.bind(8, std::int64_t{q.filter->wants_content() ? 1 : 0});
  }
}

Result<std::int64_t> count_history(Connection& conn, Level level, const HistoryQuery& q,
                                   std::int64_t snapshot) {
  auto stmt = conn.prepare(cached_history_sql(level, q.since_ms.has_value(), true, q.filter != nullptr));
  if (!stmt) return stmt.take_issue();
  bind_filters(*stmt, level, q, snapshot);
  auto row = stmt->step();
  if (!row) return row.take_issue();
  return *row ? stmt->int64(0) : 0;
}

Status page_history(Connection& conn, Level level, const HistoryQuery& q,
                    std::int64_t max_seq, std::vector<VersionRecord>& out) {
  auto stmt = conn.prepare(cached_history_sql(level, q.since_ms.has_value(), false, q.filter != nullptr));
  if (!stmt) return stmt.take_issue();
  bind_filters(*stmt, level, q, max_seq);
  stmt->bind(5, static_cast<std::int64_t>(q.count));
  stmt->bind(6, q.offset);
  return read_records(*stmt, out);
}

}  // namespace

Result<std::optional<VersionRecord>> query_head(Connection& conn, std::string_view type,
                                                std::string_view id) {
  auto stmt = conn.prepare(kHeadSql);
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, type).bind(2, id);
  return one_record(*stmt);
}

Result<std::optional<VersionRecord>> query_head_meta(Connection& conn, std::string_view type,
                                                     std::string_view id) {
  auto stmt = conn.prepare(kHeadMetaSql);
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, type).bind(2, id);
  return one_record(*stmt);
}

Result<std::optional<VersionRecord>> query_version(Connection& conn, std::string_view type,
                                                   std::string_view id, std::int64_t version) {
  auto stmt = conn.prepare(kVersionSql);
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, type).bind(2, id).bind(3, version);
  return one_record(*stmt);
}

Result<HistoryPage> query_history(Connection& conn, const HistoryQuery& q) {
  if (q.type.empty() && !q.id.empty())
    return make_issue(err::kInvalidParameter, "Instance history needs a resource type");
  if (q.count < 0) return make_issue(err::kInvalidParameter, "_count must not be negative");
  if (q.offset < 0) return make_issue(err::kInvalidParameter, "offset must not be negative");
  const Level level = q.type.empty() ? Level::system
                      : q.id.empty() ? Level::type
                                     : Level::instance;
  const std::int64_t snapshot = q.at_or_below_seq.value_or(kNoBound);
  std::int64_t page_max = snapshot;
  if (q.before_seq) page_max = std::min(page_max, std::max<std::int64_t>(*q.before_seq, 1) - 1);

  // A deferred transaction: both statements read the same snapshot, so the
  // total cannot disagree with the page when a commit lands in between.
  // Inside the writer's group there already is one, with the same effect.
  std::optional<Transaction> txn;
  if (!conn.in_transaction()) {
    auto begun = Transaction::begin(conn, Transaction::Kind::deferred);
    if (!begun) return begun.take_issue();
    txn.emplace(std::move(*begun));
  }
  HistoryPage page;
  auto total = count_history(conn, level, q, snapshot);
  if (!total) return total.take_issue();
  page.total = *total;
  // _count=0: the caller wants the total alone.
  if (q.count > 0 && page_max > 0) {
    if (auto st = page_history(conn, level, q, page_max, page.entries); !st)
      return st.take_issue();
  }
  if (txn) {
    if (auto st = txn->commit(); !st) return st.take_issue();
  }
  return page;
}

Result<std::int64_t> query_last_seq(Connection& conn) {
  auto stmt = conn.prepare(kLastSeqSql);
  if (!stmt) return stmt.take_issue();
  auto row = stmt->step();
  if (!row) return row.take_issue();
  if (!*row || stmt->is_null(0)) return std::int64_t{0};
  return stmt->int64(0);
}

Result<std::vector<VersionRecord>> query_heads_after(Connection& conn, std::string_view type, std::string_view id,
                                                     int limit) {
  auto stmt = conn.prepare(
      "SELECT " CAREBRIDGE_VERSION_COLUMNS
      " FROM resource_head AS h CROSS JOIN resource_version AS v ON v.seq = h.seq"
      CAREBRIDGE_LABEL_JOIN " WHERE (h.type, h.id) > (?1, ?2) ORDER BY h.type, h.id LIMIT ?3");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, type).bind(2, id).bind(3, std::int64_t{limit});
  std::vector<VersionRecord> out;
  if (auto st = read_records(*stmt, out); !st) return st.take_issue();
  return out;
}

Result<std::vector<VersionRecord>> query_versions_after(Connection& conn, std::int64_t after, int limit) {
  auto stmt = conn.prepare("SELECT " CAREBRIDGE_VERSION_COLUMNS " FROM resource_version AS v" CAREBRIDGE_LABEL_JOIN
                           " WHERE v.seq > ?1 ORDER BY v.seq LIMIT ?2");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, after).bind(2, std::int64_t{limit});
  std::vector<VersionRecord> out;
  if (auto st = read_records(*stmt, out); !st) return st.take_issue();
  return out;
}

Result<std::vector<VersionRecord>> query_changes_since(Connection& conn, std::int64_t seq, int limit) {
  auto stmt = conn.prepare(
      "SELECT seq, type, id, version, deleted FROM resource_version WHERE seq > ?1"
      " ORDER BY seq LIMIT ?2");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, seq).bind(2, std::int64_t{limit});
  std::vector<VersionRecord> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.take_issue();
    if (!*row) return out;
    VersionRecord r;
    r.seq = stmt->int64(0);
    r.type = stmt->text(1);
    r.id = stmt->text(2);
    r.version = stmt->int64(3);
    r.deleted = stmt->int64(4) != 0;
    out.push_back(std::move(r));
  }
}

Result<std::optional<std::int64_t>> query_max_last_updated(Connection& conn) {
  auto stmt = conn.prepare(kMaxLastUpdatedSql);
  if (!stmt) return stmt.take_issue();
  auto row = stmt->step();
  if (!row) return row.take_issue();
  if (!*row || stmt->is_null(0)) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(stmt->int64(0));
}

Result<std::optional<std::string>> query_meta(Connection& conn, std::string_view key) {
  auto stmt = conn.prepare("SELECT value FROM store_meta WHERE key = ?1");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, key);
  auto row = stmt->step();
  if (!row) return row.take_issue();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->text(0));
}

}  // namespace fhir::store
