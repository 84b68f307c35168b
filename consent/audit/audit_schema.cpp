#include "consent/audit/audit_schema.hpp"

#include <cstdint>

#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_error.hpp"
#include "fhir/store/sqlite_transaction.hpp"

namespace consent {
namespace {

using fhir::store::Connection;
using fhir::store::Transaction;

// Not the store's "CBrg": a store opened on this file (or the reverse)
// is refused instead of being migrated into the other's shape.
constexpr std::int64_t kApplicationId = 0x43426175;  // "CBau"
// 2: records hold their fields only (the AuditEvent is rendered on read).
constexpr std::int64_t kSchemaVersion = 2;

// seq is the rowid, assigned by the writer (contiguous from 1), not
// AUTOINCREMENT. A record is its fields text (audit_fields.hpp), the
// AuditEvent's facts in a few hundred bytes; several share a page. Hashes
// and signatures are hex text: readable in the sqlite3 shell, which is
// where an auditor looks first. audit_index holds the selective search
// values (patient, agent), one b-tree keyed for the search (a second one,
// by seq, doubled the writer's cost). The
// triggers make the log append-only through SQL (the gateway never
// updates or deletes); someone with the file can drop them, which is what
// the hash chain is for.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE audit_record (
  seq         INTEGER PRIMARY KEY,
  recorded_ms INTEGER NOT NULL,
  fields      TEXT    NOT NULL,
  prev_hash   TEXT    NOT NULL,
  hash        TEXT    NOT NULL
) STRICT;
CREATE INDEX audit_record_by_time ON audit_record (recorded_ms);

CREATE TABLE audit_index (
  kind  TEXT    NOT NULL,
  value TEXT    NOT NULL,
  seq   INTEGER NOT NULL,
  PRIMARY KEY (kind, value, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_checkpoint (
  seq         INTEGER PRIMARY KEY,
  hash        TEXT    NOT NULL,
  recorded_ms INTEGER NOT NULL,
  key_id      TEXT    NOT NULL,
  signature   TEXT    NOT NULL
) STRICT;

CREATE TABLE audit_meta (
  key   TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_index_no_update BEFORE UPDATE ON audit_index
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_index_no_delete BEFORE DELETE ON audit_index
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_meta_no_update BEFORE UPDATE ON audit_meta
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_meta_no_delete BEFORE DELETE ON audit_meta
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

struct Stamp {
  std::int64_t application_id = 0;
  std::int64_t version = 0;
};

fhir::Result<std::int64_t> read_pragma(Connection& conn, std::string_view sql) {
  auto stmt = conn.prepare(sql);
  if (!stmt) return stmt.take_issue();
  auto row = stmt->step();
  if (!row) return row.take_issue();
  if (!*row) return fhir::store::storage_issue("pragma returned no row");
  return stmt->int64(0);
}

fhir::Result<Stamp> read_stamp(Connection& conn) {
  auto app = read_pragma(conn, "PRAGMA application_id");
  if (!app) return app.take_issue();
  auto version = read_pragma(conn, "PRAGMA user_version");
  if (!version) return version.take_issue();
  return Stamp{*app, *version};
}

// empty_ok: a fresh file (no id, version 0) is fine for the writer, which
// creates the schema; a reader wants an audit log.
fhir::Status check_stamp(const Stamp& s, bool empty_ok) {
  if (s.application_id == 0 && s.version == 0 && empty_ok) return fhir::ok_status();
  if (s.application_id != kApplicationId)
    return fhir::make_issue(fhir::err::kStorage, "The file is not a CareBridge audit log");
  if (s.version != kSchemaVersion)
    return fhir::make_issue(fhir::err::kStorage, "The audit log has schema version " + std::to_string(s.version) +
                                                     "; this build reads version " +
                                                     std::to_string(kSchemaVersion));
  return fhir::ok_status();
}

fhir::Status configure_writer(Connection& conn) {
  {
    auto stmt = conn.prepare("PRAGMA journal_mode = WAL");
    if (!stmt) return stmt.take_issue();
    auto row = stmt->step();
    if (!row) return row.take_issue();
    // A file system without shared memory keeps the old mode; without WAL
    // a long verify or search would block appends, so we refuse.
    if (!*row || stmt->text(0) != "wal") return fhir::store::storage_issue("the audit log cannot use WAL");
  }
  if (auto st = conn.exec("PRAGMA synchronous = FULL"); !st) return st;
  // Checkpoint the WAL every 64 MiB rather than 4 MiB: at a thousand
  // records per group the default ran a checkpoint (and its fsync of the
  // main file) on almost every commit (appends +15%).
  return conn.exec("PRAGMA wal_autocheckpoint = 16384");
}

fhir::Status create_schema(Connection& conn) {
  auto stamp = read_stamp(conn);
  if (!stamp) return stamp.take_issue();
  if (auto st = check_stamp(*stamp, true); !st) return st;
  if (stamp->version == kSchemaVersion) return fhir::ok_status();  // read-only files open too
  auto txn = Transaction::begin(conn, Transaction::Kind::immediate);
  if (!txn) return txn.take_issue();
  // Read again under the write lock: another process may have created it.
  stamp = read_stamp(conn);
  if (!stamp) return stamp.take_issue();
  if (auto st = check_stamp(*stamp, true); !st) return st;
  if (stamp->version == 0) {
    if (auto st = conn.exec(kSchema); !st) return st;
    // PRAGMA takes no bound parameters; both numbers are our constants.
    if (auto st = conn.exec("PRAGMA application_id = " + std::to_string(kApplicationId) +
                            "; PRAGMA user_version = " + std::to_string(kSchemaVersion));
        !st)
      return st;
  }
  return txn->commit();
}

}  // namespace

fhir::Result<std::unique_ptr<Connection>> open_audit_writer(const std::string& path, int busy_timeout_ms) {
  if (path.empty()) return fhir::make_issue(fhir::err::kInternal, "The audit log path is not set");
  auto conn = Connection::open(path, Connection::Mode::read_write_create, busy_timeout_ms);
  if (!conn) return conn.take_issue();
  if (auto st = configure_writer(**conn); !st) return st.take_issue();
  if (auto st = create_schema(**conn); !st) return st.take_issue();
  return conn;
}

fhir::Result<std::unique_ptr<Connection>> open_audit_reader(const std::string& path, int busy_timeout_ms) {
  auto conn = Connection::open(path, Connection::Mode::read_only, busy_timeout_ms);
  if (!conn) return conn.take_issue();
  auto stamp = read_stamp(**conn);
  if (!stamp) return stamp.take_issue();
  if (auto st = check_stamp(*stamp, false); !st) return st.take_issue();
  return conn;
}

fhir::Result<std::optional<std::string>> read_audit_meta(Connection& conn, std::string_view key) {
  auto stmt = conn.prepare("SELECT value FROM audit_meta WHERE key = ?");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, key);
  auto row = stmt->step();
  if (!row) return row.take_issue();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->text(0));
}

fhir::Status bind_audit_key(Connection& conn, const std::string& public_hex) {
  auto stored = read_audit_meta(conn, "public_key");
  if (!stored) return stored.take_issue();
  if (!stored->has_value()) {
    auto txn = Transaction::begin(conn, Transaction::Kind::immediate);
    if (!txn) return txn.take_issue();
    // OR IGNORE: another process may have bound its key meanwhile; the
    // read below then compares against that one.
    auto stmt = conn.prepare("INSERT OR IGNORE INTO audit_meta (key, value) VALUES ('public_key', ?)");
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, std::string_view(public_hex));
    if (auto st = stmt->run(); !st) return st;
    if (auto st = txn->commit(); !st) return st;
    stored = read_audit_meta(conn, "public_key");
    if (!stored) return stored.take_issue();
  }
  if (!stored->has_value() || **stored != public_hex)
    return fhir::make_issue(fhir::err::kStorage,
                            "The audit key file does not hold the key this audit log was signed with");
  return fhir::ok_status();
}

}  // namespace consent
