#include "consent/audit/audit_verify.hpp"

#include <utility>

#include "consent/audit/audit_fields.hpp"
#include "consent/audit/audit_hash.hpp"
#include "consent/audit/audit_schema.hpp"
#include "consent/audit/audit_tamper.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_transaction.hpp"

namespace consent {
namespace {

using fhir::store::Connection;
using fhir::store::Stmt;

constexpr int kBusyTimeoutMs = 5000;

// A statement walked forward one row at a time, in the order its SQL
// names; three of them (records, index rows, checkpoints) advance in step
// by seq, so the pass holds one row of each in memory.
class Cursor {
 public:
  static fhir::Result<Cursor> open(Connection& conn, std::string_view sql) {
    auto stmt = conn.prepare(sql);
    if (!stmt) return stmt.take_issue();
    Cursor c(std::move(*stmt));
    if (auto st = c.next(); !st) return st.take_issue();
    return c;
  }
  fhir::Status next() {
    auto row = stmt_.step();
    if (!row) return row.take_issue();
    has_ = *row;
    return fhir::ok_status();
  }
  bool has() const { return has_; }
  std::int64_t seq() const { return stmt_.int64(0); }
  const Stmt& row() const { return stmt_; }

 private:
  explicit Cursor(Stmt stmt) : stmt_(std::move(stmt)) {}
  Stmt stmt_;
  bool has_ = false;
};

class Verifier {
 public:
  Verifier(Connection& conn, AuditKey key, AuditVerifyReport& report)
      : conn_(conn), key_(std::move(key)), report_(report) {}

  fhir::Status run() {
    auto records = Cursor::open(conn_, "SELECT seq, recorded_ms, fields, prev_hash, hash "
                                       "FROM audit_record ORDER BY seq");
    if (!records) return records.take_issue();
    auto checkpoints = Cursor::open(conn_, "SELECT seq, hash, recorded_ms, key_id, signature "
                                           "FROM audit_checkpoint ORDER BY seq");
    if (!checkpoints) return checkpoints.take_issue();
    while (records->has()) {
      if (auto st = check_record(records->row()); !st) return st;
      if (!report_.problem) {
        if (auto st = check_index(records->seq()); !st) return st;
      }
      if (!report_.problem) check_checkpoints(*checkpoints, records->seq());
      if (report_.problem) break;
      if (auto st = records->next(); !st) return st;
    }
    if (report_.problem) return fhir::ok_status();
    // Past the last record: a checkpoint here signs records that are gone.
    if (checkpoints->has())
      return found(expected_, AuditProblemKind::deleted,
                   "the checkpoint at seq " + std::to_string(checkpoints->seq()) + " covers records that are gone");
    return check_no_extra_index_rows();
  }

 private:
  fhir::Status found(std::int64_t seq, AuditProblemKind kind, std::string detail) {
    report_.problem = AuditProblem{seq, kind, std::move(detail)};
    return fhir::ok_status();
  }

  fhir::Status check_record(const Stmt& row) {
    const std::int64_t seq = row.int64(0);
    if (seq > expected_)
      return found(expected_, AuditProblemKind::deleted,
                   seq == expected_ + 1 ? "the record is missing"
                                        : "records up to seq " + std::to_string(seq - 1) + " are missing");
    if (seq < expected_) return found(seq, AuditProblemKind::inserted, "a record out of sequence");
    fields_ = row.text(2);
    const auto prev = digest_from_hex(row.text(3));
    const auto hash = digest_from_hex(row.text(4));
    AuditDigest computed{};
    if (prev && hash) computed = chain_hash(*prev, CanonicalRecord{seq, row.int64(1), fields_});
    if (!prev || !hash || computed != *hash || *prev != prev_) {
      auto p = classify_break(conn_, seq, prev_);
      if (!p) return p.take_issue();
      report_.problem = std::move(*p);
      return fhir::ok_status();
    }
    prev_ = computed;
    ++expected_;
    ++report_.records;
    report_.last_seq = seq;
    return fhir::ok_status();
  }

  // Each indexed line of the record's fields text must have its index row
  // (one primary-key probe each); rows beyond those are counted here and
  // looked for at the end.
  fhir::Status check_index(std::int64_t seq) {
    std::string_view rest = fields_;
    while (!rest.empty()) {
      const auto eol = rest.find('\n');
      const std::string_view line = rest.substr(0, eol);
      rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 1);
      const auto tab = line.find('\t');
      if (tab == std::string_view::npos) return found(seq, AuditProblemKind::edited, "malformed search fields");
      const std::string_view kind = line.substr(0, tab);
      if (!is_indexed_kind(kind)) continue;
      auto stmt = conn_.prepare("SELECT 1 FROM audit_index WHERE kind = ? AND value = ? AND seq = ?");
      if (!stmt) return stmt.take_issue();
      stmt->bind(1, kind).bind(2, line.substr(tab + 1)).bind(3, seq);
      auto row = stmt->step();
      if (!row) return row.take_issue();
      if (!*row) return found(seq, AuditProblemKind::index_mismatch, "a search index row of the record is missing");
      ++index_rows_;
    }
    return fhir::ok_status();
  }

  // More index rows than records account for: some were added. Which
  // record they point at takes a pass over the index, run only then.
  fhir::Status check_no_extra_index_rows() {
    {
      auto stmt = conn_.prepare("SELECT count(*) FROM audit_index");
      if (!stmt) return stmt.take_issue();
      auto row = stmt->step();
      if (!row) return row.take_issue();
      if (*row && stmt->int64(0) == index_rows_) return fhir::ok_status();
    }
    auto rows = Cursor::open(conn_, "SELECT seq, kind, value FROM audit_index");
    if (!rows) return rows.take_issue();
    std::int64_t first = 0;
    while (rows->has()) {
      const std::int64_t seq = rows->seq();
      const std::string line = "\n" + rows->row().text(1) + "\t" + rows->row().text(2) + "\n";
      auto rec = conn_.prepare("SELECT instr(char(10) || fields, ?) > 0 FROM audit_record WHERE seq = ?");
      if (!rec) return rec.take_issue();
      rec->bind(1, std::string_view(line)).bind(2, seq);
      auto row = rec->step();
      if (!row) return row.take_issue();
      const bool accounted = *row && rec->int64(0) != 0 && seq <= report_.last_seq;
      if (!accounted && (first == 0 || seq < first)) first = seq;
      if (auto st = rows->next(); !st) return st;
    }
    return found(first, AuditProblemKind::index_mismatch, "search index rows that no record names");
  }

  void check_checkpoints(Cursor& checkpoints, std::int64_t seq) {
    while (checkpoints.has() && checkpoints.seq() <= seq) {
      const std::int64_t at = checkpoints.seq();
      const Stmt& row = checkpoints.row();
      if (at < seq) {
        (void)found(at, AuditProblemKind::checkpoint_mismatch, "a checkpoint for no record");
        return;
      }
      const auto hash = digest_from_hex(row.text(1));
      const auto signature = bytes_from_hex(row.text(4));
      const std::int64_t recorded_ms = row.int64(2);
      if (!hash || !signature || row.text(3) != key_.fingerprint() ||
          !key_.verify(checkpoint_message(at, recorded_ms, *hash), *signature)) {
        (void)found(at, AuditProblemKind::bad_signature,
                    row.text(3) != key_.fingerprint() ? "the checkpoint names another key"
                                                      : "the checkpoint's signature does not verify");
        return;
      }
      if (*hash != prev_) {
        (void)found(at, AuditProblemKind::checkpoint_mismatch,
                    "the chain does not reach the signed hash: a record after seq " +
                        std::to_string(report_.last_checkpoint_seq) + " and up to here was rewritten");
        return;
      }
      ++report_.checkpoints;
      report_.last_checkpoint_seq = at;
      if (auto st = checkpoints.next(); !st) {
        (void)found(at, AuditProblemKind::checkpoint_mismatch, "the checkpoints cannot be read");
        return;
      }
    }
  }

 public:
  const AuditDigest& last_hash() const { return prev_; }

 private:
  Connection& conn_;
  const AuditKey key_;
  AuditVerifyReport& report_;
  std::int64_t expected_ = 1;
  AuditDigest prev_ = kGenesisHash;  // the verified hash of record expected_-1
  std::int64_t index_rows_ = 0;      // index rows the records account for
  std::string fields_;               // reused across rows
};

}  // namespace

const char* audit_problem_name(AuditProblemKind kind) {
  switch (kind) {
    case AuditProblemKind::edited: return "edited";
    case AuditProblemKind::deleted: return "deleted";
    case AuditProblemKind::reordered: return "reordered";
    case AuditProblemKind::inserted: return "inserted";
    case AuditProblemKind::bad_signature: return "bad-signature";
    case AuditProblemKind::checkpoint_mismatch: return "checkpoint-mismatch";
    case AuditProblemKind::index_mismatch: return "index-mismatch";
  }
  return "unknown";
}

fhir::Result<AuditVerifyReport> verify_audit_log(const std::string& path, const std::optional<AuditKey>& trusted) {
  auto conn = open_audit_reader(path, kBusyTimeoutMs);
  if (!conn) return conn.take_issue();
  // One snapshot: appends committed meanwhile are simply not looked at.
  auto txn = fhir::store::Transaction::begin(**conn, fhir::store::Transaction::Kind::deferred);
  if (!txn) return txn.take_issue();
  auto stored_hex = read_audit_meta(**conn, "public_key");
  if (!stored_hex) return stored_hex.take_issue();

  AuditVerifyReport report;
  std::optional<AuditKey> key = trusted;
  report.key_trusted = trusted.has_value();
  if (!key) {
    if (!stored_hex->has_value())
      return fhir::make_issue(fhir::err::kStorage, "The audit log names no key and none was given");
    auto stored = AuditKey::from_public_hex(**stored_hex);
    if (!stored) return stored.take_issue();
    key = std::move(*stored);
  }
  report.key_fingerprint = key->fingerprint();
  if (trusted && stored_hex->has_value() && **stored_hex != trusted->public_hex()) {
    report.problem = AuditProblem{0, AuditProblemKind::bad_signature, "the log names another key than the one given"};
    return report;
  }
  Verifier verifier(**conn, std::move(*key), report);
  if (auto st = verifier.run(); !st) return st.take_issue();
  report.last_hash = to_hex(verifier.last_hash());
  return report;
}

}  // namespace consent
