// The audit log end to end: the real server writes it over real HTTP and
// signs it on SIGTERM; `carebridge audit verify` passes it and names the
// kind and seq of each tampering done to a copy of it, as someone holding
// the file could (triggers dropped first). The library's own cases are in
// tests/consent/audit/audit_verify_test.cpp; these check what an operator
// or a cron job sees: the command's exit code and its one line.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "consent/audit/audit_hash.hpp"
#include "consent/audit/audit_key_file.hpp"
#include "consent/audit/audit_paths.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_client.hpp"

namespace carebridge::test {
namespace {

namespace fs = std::filesystem;

// A raw read-write connection to one file, closed on scope exit.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) ADD_FAILURE() << "cannot open " << path;
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  // Runs sql; returns the rows it changed (its last statement's), or -1
  // after failing the test.
  int exec(const std::string& sql) {
    char* msg = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg);
    const std::string error = msg != nullptr ? msg : "";
    sqlite3_free(msg);
    if (rc != SQLITE_OK) {
      ADD_FAILURE() << error << "\n" << sql;
      return -1;
    }
    return sqlite3_changes(db_);
  }
  // The first column of the first row, as text ("" when there is none).
  std::string text(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) ADD_FAILURE() << sql;
    else if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != nullptr)
      out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return out;
  }
  std::int64_t integer(const std::string& sql) {
    const std::string t = text(sql);
    return t.empty() ? -1 : std::stoll(t);
  }
  // What someone holding the file does first: the append-only triggers
  // only guard against SQL from the gateway's side.
  void drop_triggers() {
    for (const char* table : {"audit_record", "audit_index", "audit_checkpoint", "audit_meta"})
      for (const char* op : {"update", "delete"}) exec(std::string("DROP TRIGGER ") + table + "_no_" + op);
  }

 private:
  sqlite3* db_ = nullptr;
};

// One honest log for the whole suite: starting the server and making the
// requests costs more than all the cases together. Tests work on copies.
struct HonestLog {
  std::unique_ptr<TempDir> dir;
  std::string db;        // the store; the log and its key sit beside it
  std::string audit_db;  // <db>.audit.db
  std::string key_file;  // <audit db>.key.pem
  std::int64_t records = 0;
  std::int64_t last_checkpoint = 0;
  bool ready = false;
};

HonestLog& honest() {
  static HonestLog log;
  return log;
}

// Reads and searches (each one audit record) of resources written first.
const std::vector<std::string> kAuditedReads = {
    "Patient/p1",
    "Observation/o1",
    "Observation/o1/_history/1",
    "Observation?subject=Patient/p1",
    "Patient?_id=p1",
    "Observation/o2",
    "Observation?code=http://loinc.org|8867-4",
    "Patient/p1/$everything",
};

void write_honest_log(HonestLog& log) {
  log.dir = std::make_unique<TempDir>();
  log.db = (log.dir->path() / "s.db").string();
  log.audit_db = consent::default_audit_path(log.db);
  log.key_file = consent::default_audit_key_path(log.audit_db);
  const std::string token = cli_admin_token(log.db);
  ServerProcess server(log.db);
  if (!server.started()) return;
  TestClient client(server.base_url(), token);
  const std::vector<std::pair<std::string, std::string>> writes = {
      {"Patient/p1", R"({"resourceType":"Patient","id":"p1","name":[{"family":"Auditwell"}]})"},
      {"Observation/o1", R"({"resourceType":"Observation","id":"o1","status":"final",
        "code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/p1"}})"},
      {"Observation/o2", R"({"resourceType":"Observation","id":"o2","status":"final",
        "code":{"coding":[{"system":"http://loinc.org","code":"8310-5"}]},"subject":{"reference":"Patient/p1"}})"},
  };
  for (const auto& [path, body] : writes) {
    const long status = client.put(path, body).status;
    if (status != 201) ADD_FAILURE() << "PUT " << path << ": " << status;
  }
  for (const auto& path : kAuditedReads) {
    const long status = client.get(path).status;
    if (status != 200) ADD_FAILURE() << "GET " << path << ": " << status;
  }
  // SIGTERM: the server drains, and the log signs its tail on close.
  const int status = server.signal_and_wait(SIGTERM);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ADD_FAILURE() << "the server did not stop cleanly: " << status;
    return;
  }
  if (!fs::exists(log.audit_db) || !fs::exists(log.key_file)) {
    ADD_FAILURE() << "no audit log or key beside " << log.db;
    return;
  }
  RawDb raw(log.audit_db);
  log.records = raw.integer("SELECT count(*) FROM audit_record");
  log.last_checkpoint = raw.integer("SELECT max(seq) FROM audit_checkpoint");
  // Writes may be audited too; every read and search surely is.
  if (log.records < static_cast<std::int64_t>(kAuditedReads.size())) {
    ADD_FAILURE() << "only " << log.records << " audit records for " << kAuditedReads.size() << " reads";
    return;
  }
  log.ready = true;
}

class AuditCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { write_honest_log(honest()); }
  static void TearDownTestSuite() { honest() = HonestLog(); }

  void SetUp() override {
    if (!honest().ready) GTEST_FAIL() << "the server wrote no honest audit log (see the suite's first failure)";
  }

  const HonestLog& log() const { return honest(); }
  // A seq in the middle of the log, with records on both sides.
  std::int64_t middle() const { return log().records / 2; }

  // A copy of the honest log in this test's own dir (the key stays where
  // it is: verify is given it).
  std::string copy_log(const std::string& name) {
    const std::string to = (dir_.path() / name).string();
    fs::copy_file(log().audit_db, to);
    // Closed cleanly there is no WAL left, but if there is, it is part of the file.
    if (fs::exists(log().audit_db + "-wal")) fs::copy_file(log().audit_db + "-wal", to + "-wal");
    return to;
  }

  struct Run {
    int rc = -1;
    std::string out;
  };
  static Run audit(const std::vector<std::string>& args) {
    Run r;
    std::vector<std::string> all = {"audit"};
    all.insert(all.end(), args.begin(), args.end());
    r.rc = run_binary(all, &r.out);
    return r;
  }
  // verify of a tampered copy, against the honest log's own key.
  Run verify_copy(const std::string& file) const {
    return audit({"verify", "--audit-db", file, "--audit-key-file", log().key_file});
  }
  // verify failed, naming the first problem: "seq N: kind:".
  static void expect_problem(const Run& r, std::int64_t seq, const std::string& kind) {
    EXPECT_EQ(r.rc, 1) << r.out;
    EXPECT_NE(r.out.find(": seq " + std::to_string(seq) + ": " + kind + ": "), std::string::npos)
        << "expected seq " << seq << " " << kind << " in: " << r.out;
  }
  static std::string records_text(std::int64_t n) { return ": ok: " + std::to_string(n) + " records, "; }

  TempDir dir_;
};

TEST_F(AuditCliTest, TheHonestLogVerifiesSignedToTheEnd) {
  const Run r = audit({"verify", "--db", log().db});
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find(records_text(log().records)), std::string::npos) << r.out;
  // The closing checkpoint signed every record; the key beside the log was used.
  EXPECT_EQ(log().last_checkpoint, log().records);
  EXPECT_NE(r.out.find("(signed up to seq " + std::to_string(log().records) + ")"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(key file)"), std::string::npos) << r.out;
}

TEST_F(AuditCliTest, TheHonestLogVerifiesWithTheKeyFileGiven) {
  const Run r = audit({"verify", "--db", log().db, "--audit-key-file", log().key_file});
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find(records_text(log().records)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(key file)"), std::string::npos) << r.out;
}

TEST_F(AuditCliTest, AnEditedRecordIsNamed) {
  const std::string file = copy_log("edited.audit.db");
  const std::string seq = std::to_string(middle());
  {
    RawDb raw(file);
    raw.drop_triggers();
    const std::string before = raw.text("SELECT fields FROM audit_record WHERE seq = " + seq);
    ASSERT_NE(before.find("purpose\tTREAT\n"), std::string::npos) << before;
    // Another purpose of use: what a compliance officer would read back.
    ASSERT_EQ(raw.exec("UPDATE audit_record SET fields = replace(fields, 'purpose\tTREAT', 'purpose\tHMARKT') "
                       "WHERE seq = " + seq),
              1);
  }
  expect_problem(verify_copy(file), middle(), "edited");
}

TEST_F(AuditCliTest, ADeletedMiddleRecordIsNamed) {
  const std::string file = copy_log("deleted.audit.db");
  const std::string seq = std::to_string(middle());
  {
    RawDb raw(file);
    raw.drop_triggers();
    ASSERT_EQ(raw.exec("DELETE FROM audit_record WHERE seq = " + seq), 1);
    ASSERT_GE(raw.exec("DELETE FROM audit_index WHERE seq = " + seq), 1);
  }
  expect_problem(verify_copy(file), middle(), "deleted");
}

TEST_F(AuditCliTest, TwoSwappedRecordsAreNamed) {
  const std::string file = copy_log("swapped.audit.db");
  const std::string a = std::to_string(middle());
  const std::string b = std::to_string(middle() + 1);
  {
    RawDb raw(file);
    raw.drop_triggers();
    // Through -1: seq is the primary key.
    ASSERT_EQ(raw.exec("UPDATE audit_record SET seq = -1 WHERE seq = " + b), 1);
    ASSERT_EQ(raw.exec("UPDATE audit_record SET seq = " + b + " WHERE seq = " + a), 1);
    ASSERT_EQ(raw.exec("UPDATE audit_record SET seq = " + a + " WHERE seq = -1"), 1);
  }
  expect_problem(verify_copy(file), middle(), "reordered");
}

TEST_F(AuditCliTest, AnInsertedForgeryIsNamed) {
  const std::string file = copy_log("inserted.audit.db");
  const std::int64_t k = middle();
  const std::string seq = std::to_string(k);
  {
    RawDb raw(file);
    raw.drop_triggers();
    // Room at k: the records from k on move up one (with their index
    // rows), through a detour so no two rows ever share a seq.
    for (const char* table : {"audit_record", "audit_index"}) {
      ASSERT_GE(raw.exec(std::string("UPDATE ") + table + " SET seq = seq + 1000000 WHERE seq >= " + seq), 1);
      ASSERT_GE(raw.exec(std::string("UPDATE ") + table + " SET seq = seq - 999999 WHERE seq >= 1000000"), 1);
    }
    // A disclosure that never happened, linked to the record before it.
    const std::string prev = raw.text("SELECT hash FROM audit_record WHERE seq = " + std::to_string(k - 1));
    ASSERT_EQ(prev.size(), 64u);
    ASSERT_EQ(raw.exec("INSERT INTO audit_record (seq, recorded_ms, fields, prev_hash, hash) VALUES (" + seq +
                       ", 1735689600000, 'agent\tmallory\ntype\trest\n', '" + prev + "', '" +
                       std::string(64, 'a') + "')"),
              1);
    ASSERT_EQ(raw.exec("INSERT INTO audit_index (kind, value, seq) VALUES ('agent', 'mallory', " + seq + ")"), 1);
  }
  expect_problem(verify_copy(file), k, "inserted");
}

TEST_F(AuditCliTest, AnAlteredCheckpointSignatureIsNamed) {
  const std::string file = copy_log("resigned.audit.db");
  const std::string seq = std::to_string(log().last_checkpoint);
  {
    RawDb raw(file);
    raw.drop_triggers();
    std::string sig = raw.text("SELECT signature FROM audit_checkpoint WHERE seq = " + seq);
    ASSERT_FALSE(sig.empty());
    sig[0] = sig[0] == '0' ? '1' : '0';
    ASSERT_EQ(raw.exec("UPDATE audit_checkpoint SET signature = '" + sig + "' WHERE seq = " + seq), 1);
  }
  expect_problem(verify_copy(file), log().last_checkpoint, "bad-signature");
}

// A record appended after the closing checkpoint, chained with a correct
// hash, cannot be told from an honest one by the chain alone: plain verify
// passes (and says where the signatures end); --require-signed, for a log
// closed cleanly or an archive, refuses it.
TEST_F(AuditCliTest, AForgedTailPastTheLastCheckpointFailsRequireSigned) {
  const std::string file = copy_log("tail.audit.db");
  const std::int64_t next = log().records + 1;
  {
    RawDb raw(file);
    raw.drop_triggers();
    const std::string prev_hex = raw.text("SELECT hash FROM audit_record WHERE seq = " + std::to_string(next - 1));
    const auto prev = consent::digest_from_hex(prev_hex);
    ASSERT_TRUE(prev);
    const std::string fields = "purpose\tTREAT\ntype\trest\n";
    const auto hash = consent::chain_hash(*prev, consent::CanonicalRecord{next, 1735689600000, fields});
    ASSERT_EQ(raw.exec("INSERT INTO audit_record (seq, recorded_ms, fields, prev_hash, hash) VALUES (" +
                       std::to_string(next) + ", 1735689600000, '" + fields + "', '" + prev_hex + "', '" +
                       consent::to_hex(hash) + "')"),
              1);
  }
  const Run plain = verify_copy(file);
  EXPECT_EQ(plain.rc, 0) << plain.out;
  const Run strict = audit({"verify", "--audit-db", file, "--audit-key-file", log().key_file, "--require-signed"});
  EXPECT_EQ(strict.rc, 3) << strict.out;
  EXPECT_NE(strict.out.find("unsigned: 1 records after the last checkpoint"), std::string::npos) << strict.out;
  const Run honest_strict = audit({"verify", "--db", log().db, "--require-signed"});
  EXPECT_EQ(honest_strict.rc, 0) << honest_strict.out;
}

TEST_F(AuditCliTest, ADeletedIndexRowIsNamed) {
  const std::string file = copy_log("unindexed.audit.db");
  const std::string seq = std::to_string(middle());
  {
    RawDb raw(file);
    raw.drop_triggers();
    // Hides the request from a search by client.
    ASSERT_EQ(raw.exec("DELETE FROM audit_index WHERE kind = 'agent' AND seq = " + seq), 1);
  }
  expect_problem(verify_copy(file), middle(), "index-mismatch");
}

TEST_F(AuditCliTest, AnExportVerifiesWithAndWithoutTheKeyFile) {
  // export opens the log to sign its tail: on a copy, so the shared log
  // stays as the server left it.
  const std::string db = (dir_.path() / "s.db").string();
  const std::string copy = copy_log(fs::path(consent::default_audit_path(db)).filename().string());
  fs::copy_file(log().key_file, consent::default_audit_key_path(copy));
  const std::string archive = (dir_.path() / "archive.db").string();

  const Run exported = audit({"export", "--db", db, "--out", archive});
  ASSERT_EQ(exported.rc, 0) << exported.out;
  EXPECT_NE(exported.out.find(records_text(log().records)), std::string::npos) << exported.out;
  ASSERT_TRUE(fs::exists(archive));

  // Offline, against the key the archive names itself...
  const Run stored = audit({"verify", "--audit-db", archive});
  EXPECT_EQ(stored.rc, 0) << stored.out;
  EXPECT_NE(stored.out.find(records_text(log().records)), std::string::npos) << stored.out;
  EXPECT_NE(stored.out.find("stored in the log"), std::string::npos) << stored.out;
  // ...and against the key file, which proves where it came from.
  const Run keyed = audit({"verify", "--audit-db", archive, "--audit-key-file", log().key_file});
  EXPECT_EQ(keyed.rc, 0) << keyed.out;
  EXPECT_NE(keyed.out.find(records_text(log().records)), std::string::npos) << keyed.out;
  EXPECT_NE(keyed.out.find("(key file)"), std::string::npos) << keyed.out;
}

TEST_F(AuditCliTest, AnotherKeyFailsWithBadSignature) {
  const std::string other = (dir_.path() / "other.key.pem").string();
  auto key = consent::load_or_create_audit_key(other);
  ASSERT_TRUE(key.ok()) << key.issue().diagnostics;
  // seq 0: the log as a whole names another key.
  expect_problem(audit({"verify", "--db", log().db, "--audit-key-file", other}), 0, "bad-signature");
}

}  // namespace
}  // namespace carebridge::test
