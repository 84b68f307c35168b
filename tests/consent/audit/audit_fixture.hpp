// Shared by the audit log tests: a log in a fresh temp dir, entries that
// differ by number, a blocking append, and raw sqlite3 access to the file
// for tampering the way someone holding the file would.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <future>
#include <memory>
#include <string>

#include "consent/audit/audit_log.hpp"
#include "consent/audit/audit_fields.hpp"
#include "fhir/core/clock.hpp"
#include "tests/support/temp_dir.hpp"

namespace consent::test {

inline constexpr std::int64_t kT0 = 1'700'000'000'000;

// Record i: patient p<i%3>, agent client-<i%2>, one entity, recorded at
// kT0 + i seconds.
inline AuditEntry make_entry(int i) {
  AuditEntry e;
  e.recorded_ms = kT0 + i * 1000;
  auto add = [&e](std::string kind, std::string value) { e.fields.push_back({std::move(kind), std::move(value)}); };
  add("type", "rest");
  add("subtype", i % 5 == 0 ? "search-type" : "read");
  if (i % 4 == 0) add("subtype", "disclose");
  add("outcome", i % 7 == 0 ? "4" : "0");
  add("agent", "client-" + std::to_string(i % 2));
  add("organization", "Organization/org-" + std::to_string(i % 2));
  add("purpose", i % 3 == 0 ? "ETREAT" : "TREAT");
  add("patient", "p" + std::to_string(i % 3));
  add("entity", "Observation/o" + std::to_string(i) + "/_history/1 p" + std::to_string(i % 3) + " policy:tpo-default");
  add("query", "Observation/o" + std::to_string(i));
  return e;
}

// The fields text entry e is stored as.
inline std::string stored_text(const AuditEntry& e) {
  auto fields = audit_fields(e);
  return fields ? fields_text(*fields) : std::string();
}

inline fhir::Result<std::int64_t> append_sync(AuditLog& log, AuditEntry e) {
  std::promise<fhir::Result<std::int64_t>> done;
  auto f = done.get_future();
  log.append(std::move(e), [&done](fhir::Result<std::int64_t> seq) { done.set_value(std::move(seq)); });
  return f.get();
}

// A raw connection, closed on scope exit.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    sqlite3_open(path.c_str(), &db_);
    sqlite3_busy_timeout(db_, 5000);  // the log's writer may hold the lock a moment
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  // SQLITE_OK or the error code; the message in last_error().
  int exec(const std::string& sql) {
    char* msg = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg);
    last_error_ = msg != nullptr ? msg : "";
    sqlite3_free(msg);
    return rc;
  }
  void drop_triggers() {
    for (const char* t : {"audit_record", "audit_index", "audit_checkpoint", "audit_meta"})
      for (const char* op : {"update", "delete"})
        ASSERT_EQ(exec(std::string("DROP TRIGGER ") + t + "_no_" + op), SQLITE_OK) << last_error_;
  }
  std::string text(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_text(s, 0) != nullptr)
      out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return out;
  }
  const std::string& last_error() const { return last_error_; }

 private:
  sqlite3* db_ = nullptr;
  std::string last_error_;
};

class AuditLogFixture : public ::testing::Test {
 protected:
  std::string path() const { return (dir_.path() / "store.db.audit.db").string(); }
  std::string key_file() const { return (dir_.path() / "store.db.audit.db.key.pem").string(); }
  const std::filesystem::path& dir() const { return dir_.path(); }

  std::unique_ptr<AuditLog> open_log(std::int64_t checkpoint_every = 1000) {
    AuditLogOptions o;
    o.path = path();
    o.key_file = key_file();
    o.checkpoint_every = checkpoint_every;
    auto log = AuditLog::open(o, clock_);
    EXPECT_TRUE(log.ok()) << (log.ok() ? "" : log.issue().diagnostics);
    return log.ok() ? std::move(*log) : nullptr;
  }

  // n records, closed (so the tail is signed).
  void write_log(int n, std::int64_t checkpoint_every) {
    auto log = open_log(checkpoint_every);
    ASSERT_TRUE(log);
    for (int i = 1; i <= n; ++i) ASSERT_TRUE(append_sync(*log, make_entry(i)).ok());
    log->close();
  }

  fhir::ManualClock clock_{kT0};

 private:
  carebridge::test::TempDir dir_;
};

}  // namespace consent::test
