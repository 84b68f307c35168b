#include "fhir/store/sqlite_writer.hpp"

#include <pthread.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_error.hpp"
#include "fhir/store/sqlite_transaction.hpp"
#include "fhir/store/sqlite_write_txn.hpp"

namespace fhir::store {
namespace {

void report(const WriteDone& done, Status outcome) {
  if (done) done(std::move(outcome));
}

// The unit is caller code: an exception escaping it would skip the
// savepoint rollback and end the writer thread, so it stops here.
Status run_unit(const WriteUnit& unit, WriteTxn& txn) {
  try {
    return unit(txn);
  } catch (const std::exception&) {
    // what() is not logged: a unit's message may quote resource data (PHI).
    storage_issue("a write unit threw an exception");
  } catch (...) {
    storage_issue("write unit threw a non-standard exception");
  }
  return make_issue(err::kInternal, "The write could not be completed");
}

}  // namespace

SqliteWriter::SqliteWriter(std::unique_ptr<Connection> conn, const Clock& clock, int max_group)
    : conn_(std::move(conn)),
      clock_(clock),
      max_group_(static_cast<std::size_t>(std::max(max_group, 1))),
      thread_([this] { run(); }) {}

SqliteWriter::~SqliteWriter() {
  close();
  close_connection();
}

void SqliteWriter::submit(WriteUnit unit, WriteDone done) {
  {
    std::lock_guard lock(mu_);
    if (!closing_) {
      queue_.push_back(Pending{std::move(unit), std::move(done)});
      queued_.notify_one();
      return;
    }
  }
  report(done, make_issue(err::kUnavailable, "The store is closed"));
}

void SqliteWriter::close() {
  std::call_once(closed_, [this] {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
      queued_.notify_one();
    }
    thread_.join();
  });
}

void SqliteWriter::close_connection() { conn_.reset(); }

void SqliteWriter::run() {
  // Named for operators (top -H) and profilers: the one thread SQLite
  // writes go through.
  pthread_setname_np(pthread_self(), "cb-writer");
  std::vector<Pending> group;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      queued_.wait(lock, [this] { return !queue_.empty() || closing_; });
      // Closing drains: the thread leaves only once the queue is empty.
      if (queue_.empty()) return;
      const std::size_t n = std::min(queue_.size(), max_group_);
      for (std::size_t i = 0; i < n; ++i) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit_group(group);
    group.clear();
  }
}

void SqliteWriter::commit_group(std::vector<Pending>& group) {
  auto fail_all = [&group](const Issue& issue) {
    for (Pending& p : group) report(p.done, issue);
  };
  // IMMEDIATE: take the write lock up front (waiting out an import in
  // another process), so nothing inside can fail for want of it.
  auto txn = Transaction::begin(*conn_, Transaction::Kind::immediate);
  if (!txn) return fail_all(txn.issue());

  SqliteWriteTxn view(*conn_, clock_);
  std::vector<Status> outcomes;
  outcomes.reserve(group.size());
  for (Pending& p : group) {
    auto savepoint = Savepoint::begin(*conn_, kUnitSavepoint);
    if (!savepoint) return fail_all(savepoint.issue());
    Status outcome = run_unit(p.unit, view);
    if (view.take_append_failure() && outcome)
      outcome = make_issue(err::kInternal, "a write unit went on after a failed append");
    if (!conn_->in_transaction()) {
      // SQLite rolled the whole transaction back (I/O error, disk full):
      // the earlier units' changes are gone too.
      return fail_all(storage_issue("the group transaction was rolled back by SQLite"));
    }
    Status ended = outcome ? savepoint->release() : savepoint->rollback();
    if (!ended) return fail_all(ended.issue());
    outcomes.push_back(std::move(outcome));
  }
  // A failed COMMIT is a storage failure whatever its code (busy cannot
  // happen here: the IMMEDIATE transaction already holds the write lock).
  if (auto st = txn->commit(); !st) return fail_all(storage_issue("group commit failed"));

  // Only now is each outcome final: the group is durable (synchronous=FULL).
  for (std::size_t i = 0; i < group.size(); ++i) report(group[i].done, std::move(outcomes[i]));
}

}  // namespace fhir::store
