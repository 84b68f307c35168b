// Checking an audit log file (the live log or an exported archive): the
// whole hash chain in seq order, the search index against each record,
// and every checkpoint's hash and signature. Streams the file in one read
// snapshot (appends go on meanwhile); memory does not grow with the log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "consent/audit/audit_key.hpp"
#include "fhir/core/result.hpp"

namespace consent {

enum class AuditProblemKind {
  edited,               // a record's bytes do not hash to its stored hash
  deleted,              // a record is missing (a seq gap, a tail cut off
                        // under a checkpoint, or renumbered over)
  reordered,            // a record sits at another record's seq
  inserted,             // a record that was never appended there
  bad_signature,        // a checkpoint not signed by the key, or altered
  checkpoint_mismatch,  // a signed checkpoint disagrees with the chain
  index_mismatch,       // search index rows disagree with their record
};
const char* audit_problem_name(AuditProblemKind kind);

struct AuditProblem {
  std::int64_t seq = 0;  // the first seq found wrong (0: the log as a whole)
  AuditProblemKind kind = AuditProblemKind::edited;
  std::string detail;    // for people; never record content
};

struct AuditVerifyReport {
  std::int64_t records = 0;      // records checked (before a problem, if any)
  std::int64_t checkpoints = 0;  // checkpoints checked
  std::int64_t last_seq = 0;
  // Records after this are chained but not yet signed: a cut there cannot
  // be told from a log that ended there (a log closed cleanly has none).
  std::int64_t last_checkpoint_seq = 0;
  std::string last_hash;        // hex; worth writing down elsewhere as an anchor
  std::string key_fingerprint;  // the key the checkpoints were checked against
  // false: checked against the key stored in the file itself, which proves
  // consistency but not origin (whoever rewrote the file could re-key it).
  bool key_trusted = false;
  std::optional<AuditProblem> problem;  // the first one, in seq order
  bool ok() const { return !problem; }
};

// trusted: the key from configuration (private or public half); nullopt
// checks against the key stored in the log. An Issue means the file could
// not be read as an audit log at all; tampering is reported in the report.
fhir::Result<AuditVerifyReport> verify_audit_log(const std::string& path, const std::optional<AuditKey>& trusted);

}  // namespace consent
