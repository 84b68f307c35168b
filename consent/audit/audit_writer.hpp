// The audit log's single writer: one thread appends whatever has queued
// as one transaction (group commit: concurrent appends share one fsync),
// chaining each record's hash in commit order and signing a checkpoint
// every checkpoint_every records and on close. The same shape as
// fhir::store's SqliteWriter, on the audit log's own file.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "consent/audit/audit_entry.hpp"
#include "consent/audit/audit_fields.hpp"
#include "consent/audit/audit_hash.hpp"
#include "consent/audit/audit_key.hpp"
#include "fhir/core/clock.hpp"

namespace fhir::store {
class Connection;
}

namespace consent {

class AuditWriter {
 public:
  // Takes the opened read-write connection; from here on only the writer
  // thread uses it. key must be able to sign.
  AuditWriter(std::unique_ptr<fhir::store::Connection> conn, AuditKey key, const fhir::Clock& clock,
              std::int64_t checkpoint_every, int max_group);
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;
  ~AuditWriter();

  // Queues the entry. An invalid entry (kInvalidValue) and any append
  // after close (kUnavailable) get done at once on the calling thread.
  void submit(AuditEntry entry, AuditDone done);

  // Stops accepting, appends everything queued, signs a checkpoint at the
  // last record, joins the thread. Idempotent.
  void close();
  // Closes the connection (after close), so the last connection on the
  // file checkpoints the WAL into it.
  void close_connection();

  // Records committed and group commits that held them, since start.
  std::int64_t appended() const { return appended_.load(std::memory_order_relaxed); }
  std::int64_t commits() const { return commits_.load(std::memory_order_relaxed); }

 private:
  struct Pending {
    std::int64_t recorded_ms = 0;
    std::string fields;  // the fields text; its index rows are read from it
    AuditDone done;
  };
  struct Tail {
    std::int64_t seq = 0;
    AuditDigest hash = kGenesisHash;
    std::int64_t checkpoint_seq = 0;
  };

  // A committed (or failed) group on its way to its callers: first is the
  // seq of its first record, nullopt when it failed.
  struct Finished {
    std::vector<Pending> group;
    std::optional<std::int64_t> first;
  };

  void run();
  void complete();  // the completer thread's loop
  std::optional<std::int64_t> write_group(std::vector<Pending>& group);
  void commit_group(std::vector<Pending>& group);
  void checkpoint_on_close();
  fhir::Result<Tail> read_tail();
  fhir::Status append_one(Pending& p, Tail& tail);
  fhir::Status write_checkpoint(const Tail& tail);

  std::unique_ptr<fhir::store::Connection> conn_;  // writer thread only, until joined
  const AuditKey key_;
  const fhir::Clock& clock_;
  const std::int64_t checkpoint_every_;
  const std::size_t max_group_;

  std::mutex mu_;
  std::condition_variable queued_;  // signalled on submit and on close
  std::deque<Pending> queue_;       // guarded by mu_
  // Fields texts done with, handed back for the next submits to fill
  // (fewer allocations, and none freed on another thread). Guarded by mu_.
  std::vector<std::string> spare_;
  bool closing_ = false;            // guarded by mu_
  std::atomic<std::int64_t> appended_{0};
  std::atomic<std::int64_t> commits_{0};

  // The completer thread tells the callers of a group, so the writer goes
  // straight on to the next group: every disclosure waits on the writer,
  // and the callbacks (each posts to its request's executor) cost it as
  // much as the inserts did.
  std::mutex finished_mu_;
  std::condition_variable finished_cv_;
  std::deque<Finished> finished_;  // guarded by finished_mu_
  bool finished_closing_ = false;  // guarded by finished_mu_

  std::once_flag closed_;
  std::thread completer_;
  std::thread thread_;  // last: starts once everything above is built
};

}  // namespace consent
