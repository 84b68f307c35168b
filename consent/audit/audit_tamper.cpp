#include "consent/audit/audit_tamper.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "fhir/store/sqlite_connection.hpp"

namespace consent {
namespace {

using fhir::store::Connection;

// How far from k a moved record is looked for. Moves further than this are
// reported as edits: still caught, only named less precisely.
constexpr std::int64_t kWindow = 64;

struct Stored {
  std::int64_t recorded_ms = 0;
  std::string fields;
  std::optional<AuditDigest> prev;
  std::optional<AuditDigest> hash;
};

fhir::Result<std::optional<Stored>> load(Connection& conn, std::int64_t seq) {
  auto stmt =
      conn.prepare("SELECT recorded_ms, fields, prev_hash, hash FROM audit_record WHERE seq = ?");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, seq);
  auto row = stmt->step();
  if (!row) return row.take_issue();
  if (!*row) return std::optional<Stored>();
  return std::optional<Stored>(
      Stored{stmt->int64(0), stmt->text(1), digest_from_hex(stmt->text(2)), digest_from_hex(stmt->text(3))});
}

// Whether r, its content and stored links untouched, is the record
// appended as seq s.
bool intact_as(const Stored& r, std::int64_t s) {
  if (!r.prev || !r.hash) return false;
  return chain_hash(*r.prev, CanonicalRecord{s, r.recorded_ms, r.fields}) == *r.hash;
}

AuditProblem problem(std::int64_t seq, AuditProblemKind kind, std::string detail) {
  return AuditProblem{seq, kind, std::move(detail)};
}

// The original record k, still intact and linked to k-1, somewhere in
// (k, k + kWindow]?
fhir::Result<std::optional<std::int64_t>> find_original(Connection& conn, std::int64_t k,
                                                        const AuditDigest& expected_prev) {
  for (std::int64_t p = k + 1; p <= k + kWindow; ++p) {
    auto q = load(conn, p);
    if (!q) return q.take_issue();
    if (*q && intact_as(**q, k) && (*q)->prev == expected_prev) return std::optional<std::int64_t>(p);
  }
  return std::optional<std::int64_t>();
}

}  // namespace

fhir::Result<AuditProblem> classify_break(Connection& conn, std::int64_t k, const AuditDigest& expected_prev) {
  auto loaded = load(conn, k);
  if (!loaded) return loaded.take_issue();
  if (!*loaded) return problem(k, AuditProblemKind::deleted, "the record is missing");
  const Stored& r = **loaded;
  const std::string at = std::to_string(k);

  if (intact_as(r, k)) {
    // r itself is as appended, but chained to a record that is no longer
    // at k-1: records were inserted before it, or k-1 was rewritten with
    // a recomputed hash.
    for (std::int64_t j = std::max<std::int64_t>(1, k - kWindow); j < k - 1; ++j) {
      auto q = load(conn, j);
      if (!q) return q.take_issue();
      if (*q && (*q)->hash == r.prev)
        return problem(j + 1, AuditProblemKind::inserted,
                       "records were inserted after seq " + std::to_string(j) + "; seq " + at + " chains to it");
    }
    if (k == 1) return problem(1, AuditProblemKind::inserted, "the first record chains to a predecessor");
    return problem(k - 1, AuditProblemKind::edited,
                   "seq " + at + " chains to a different record than the one now before it");
  }

  // r does not hash as seq k: is it an intact record from another seq?
  for (std::int64_t d = 1; d <= kWindow; ++d) {
    for (const std::int64_t s : {k + d, k - d}) {
      if (s < 1 || !intact_as(r, s)) continue;
      if (s > k) {
        auto original = find_original(conn, k, expected_prev);
        if (!original) return original.take_issue();
        if (*original)
          return problem(k, AuditProblemKind::reordered,
                         "the record at seq " + at + " was appended as seq " + std::to_string(s) +
                             "; the original seq " + at + " is at seq " + std::to_string(**original));
        return problem(k, AuditProblemKind::deleted,
                       "the record at seq " + at + " was appended as seq " + std::to_string(s) +
                           "; the records before it are gone");
      }
      return problem(s, AuditProblemKind::inserted,
                     "the record at seq " + at + " was appended as seq " + std::to_string(s) +
                         "; records were inserted before it");
    }
  }

  // Not a record of this log anywhere near. A forgery that pushed the
  // original k along, or k edited in place?
  auto next = load(conn, k + 1);
  if (!next) return next.take_issue();
  if (*next && intact_as(**next, k) && (*next)->prev == expected_prev)
    return problem(k, AuditProblemKind::inserted, "a record was inserted at seq " + at);
  return problem(k, AuditProblemKind::edited, "the record does not match its hash");
}

}  // namespace consent
