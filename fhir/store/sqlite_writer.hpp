// The single writer: SQLite has one write lock per file, so all writes go
// through one thread, which runs whatever has queued as one transaction
// (group commit: concurrent writers share one fsync).
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "fhir/core/clock.hpp"
#include "fhir/store/store.hpp"

namespace fhir::store {

class Connection;

class SqliteWriter {
 public:
  // Takes the migrated read-write connection; from here on only the writer
  // thread uses it.
  SqliteWriter(std::unique_ptr<Connection> conn, const Clock& clock, int max_group);
  SqliteWriter(const SqliteWriter&) = delete;
  SqliteWriter& operator=(const SqliteWriter&) = delete;
  ~SqliteWriter();

  // Queues the unit. After close, done(err::kUnavailable) runs at once on
  // the calling thread.
  void submit(WriteUnit unit, WriteDone done);

  // Stops accepting, runs everything already queued, joins the thread.
  // Idempotent; concurrent callers all return once it is done.
  void close();
  // Closes the connection. Only after close(); the store calls it last so
  // the final close checkpoints the WAL into the main file.
  void close_connection();

 private:
  struct Pending {
    WriteUnit unit;
    WriteDone done;
  };

  void run();
  void commit_group(std::vector<Pending>& group);

  std::unique_ptr<Connection> conn_;  // writer thread only, until joined
  const Clock& clock_;
  const std::size_t max_group_;

  std::mutex mu_;
  std::condition_variable queued_;  // signalled on submit and on close
  std::deque<Pending> queue_;       // guarded by mu_
  bool closing_ = false;            // guarded by mu_

  std::once_flag closed_;
  std::thread thread_;  // last: starts once everything above is built
};

}  // namespace fhir::store
