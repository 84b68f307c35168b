// The SQLite store over a real file in a fresh temp directory per test.
// Grouping is made deterministic with a gate: a unit that holds the writer
// until released, so the units queued meanwhile commit as one group.
#include <gtest/gtest.h>
#include <sqlite3.h>  // only for the fault-injecting VFS below

#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fhir/core/clock.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/core/query.hpp"
#include "fhir/search/query_parser.hpp"
#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_migrations.hpp"
#include "fhir/store/sqlite_store.hpp"
#include "fhir/store/store.hpp"
#include "tests/fhir/search/r4_definitions.hpp"

namespace fhir::store {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kT0 = 1'700'000'000'000;

void expect_issue(const Issue& issue, const ErrorDef& def) {
  EXPECT_EQ(issue.code, def.issue_code);
  EXPECT_EQ(issue.http_status, def.http_status);
  EXPECT_EQ(issue.severity, def.severity);
}

std::future<Status> write_async(Store& store, WriteUnit unit) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  store.write(std::move(unit), [promise](Status st) { promise->set_value(std::move(st)); });
  return future;
}

Status write_sync(Store& store, WriteUnit unit) { return write_async(store, std::move(unit)).get(); }

struct Written {
  std::int64_t seq = 0;
  std::int64_t last_updated_ms = 0;
};

std::string body(const std::string& type, const std::string& id) {
  return R"({"resourceType":")" + type + R"(","id":")" + id + R"("})";
}

// A token index row as the tests write it: parameter code, system, code.
struct TokenEntry {
  std::string param;
  std::string system;
  std::string code;
};

// Index rows need a SearchParam to name their parameter; the tests' own.
const fhir::search::SearchParam* test_param(const std::string& code) {
  static std::map<std::string, std::unique_ptr<fhir::search::SearchParam>> params;
  static std::mutex mu;
  std::lock_guard lock(mu);
  auto& p = params[code];
  if (!p) {
    p = std::make_unique<fhir::search::SearchParam>();
    p->code = code;
    p->type = fhir::search::ParamType::token;
  }
  return p.get();
}

fhir::search::IndexValues token_rows(const std::vector<TokenEntry>& tokens) {
  fhir::search::IndexValues x;
  for (const auto& t : tokens) {
    fhir::search::TokenValue v;
    v.system = t.system;
    v.has_system = !t.system.empty();
    v.code = t.code;
    x.tokens.push_back({test_param(t.param), v});
  }
  return x;
}

// The rows each test resource's head was written with, as the gateway
// re-extracts them from the version it replaces.
std::map<std::pair<std::string, std::string>, std::vector<TokenEntry>>& written_rows() {
  static std::map<std::pair<std::string, std::string>, std::vector<TokenEntry>> rows;
  return rows;
}

// The next version of type/id, the way the gateway's store stage writes it.
WriteUnit put(std::string type, std::string id, std::shared_ptr<Written> out = nullptr,
              std::vector<std::string> patients = {}, std::vector<TokenEntry> tokens = {}) {
  return [=](WriteTxn& tx) -> Status {
    auto head = tx.head(type, id);
    if (!head) return head.take_issue();
    NewVersion v;
    v.type = type;
    v.id = id;
    v.version = *head ? (*head)->version + 1 : 1;
    v.last_updated_ms = tx.now_ms();
    v.method = *head ? "PUT" : "POST";
    v.json = body(type, id);
    v.patient_compartment = patients;
    const fhir::search::IndexValues rows = token_rows(tokens);
    fhir::search::IndexValues old;
    v.index = &rows;
    if (*head && !(*head)->deleted) {
      old = token_rows(written_rows()[{type, id}]);
      v.replaced_index = &old;
    }
    auto seq = tx.append(v);
    if (!seq) return seq.take_issue();
    written_rows()[{type, id}] = tokens;
    if (out) *out = Written{*seq, v.last_updated_ms};
    return ok_status();
  };
}

WriteUnit remove(std::string type, std::string id) {
  return [=](WriteTxn& tx) -> Status {
    auto head = tx.head(type, id);
    if (!head) return head.take_issue();
    NewVersion v;
    v.type = type;
    v.id = id;
    v.version = *head ? (*head)->version + 1 : 1;
    v.last_updated_ms = tx.now_ms();
    v.deleted = true;
    v.method = "DELETE";
    fhir::search::IndexValues old;
    if (*head && !(*head)->deleted) {
      old = token_rows(written_rows()[{type, id}]);
      v.replaced_index = &old;
    }
    auto seq = tx.append(v);
    return seq ? ok_status() : Status(seq.take_issue());
  };
}

// Holds the writer thread inside a unit until opened.
class Gate {
 public:
  WriteUnit unit() {
    return [this](WriteTxn&) {
      entered_.set_value();
      open_.wait();
      return ok_status();
    };
  }
  void wait_entered() { entered_future_.wait(); }
  void open() { opener_.set_value(); }

 private:
  std::promise<void> entered_;
  std::future<void> entered_future_ = entered_.get_future();
  std::promise<void> opener_;
  std::shared_future<void> open_ = opener_.get_future().share();
};

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "carebridge-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "store.db").string();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  Result<std::unique_ptr<Store>> try_open(const Clock& clock, int busy_timeout_ms = 10000) {
    SqliteOptions options;
    options.path = path_;
    options.busy_timeout_ms = busy_timeout_ms;
    return open_sqlite_store(options, clock);
  }
  std::unique_ptr<Store> open_store(const Clock& clock) {
    auto opened = try_open(clock);
    EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.issue().diagnostics);
    return opened.ok() ? std::move(*opened) : nullptr;
  }
  void reopen() {
    store_->close();
    store_.reset();
    store_ = open_store(clock_);
    ASSERT_NE(store_, nullptr);
  }
  std::unique_ptr<Connection> raw_connection(Connection::Mode mode) {
    auto conn = Connection::open(path_, mode, 1000);
    EXPECT_TRUE(conn.ok());
    return conn.ok() ? std::move(*conn) : nullptr;
  }
  std::int64_t user_version() {
    auto conn = raw_connection(Connection::Mode::read_only);
    auto stmt = conn->prepare("PRAGMA user_version");
    EXPECT_TRUE(stmt.ok() && stmt->step().ok());
    return stmt->int64(0);
  }

  fs::path dir_;
  std::string path_;
  ManualClock clock_{kT0};
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, CreateThenReadHeadAndVersions) {
  store_ = open_store(clock_);
  auto first = std::make_shared<Written>();
  ASSERT_TRUE(write_sync(*store_, put("Patient", "p1", first)).ok());
  clock_.advance_ms(5);
  auto second = std::make_shared<Written>();
  ASSERT_TRUE(write_sync(*store_, put("Patient", "p1", second)).ok());

  auto head = store_->read_head("Patient", "p1");
  ASSERT_TRUE(head.ok());
  ASSERT_TRUE(head->has_value());
  const VersionRecord& h = **head;
  EXPECT_EQ(h.type, "Patient");
  EXPECT_EQ(h.id, "p1");
  EXPECT_EQ(h.version, 2);
  EXPECT_EQ(h.seq, second->seq);
  EXPECT_EQ(h.last_updated_ms, kT0 + 5);
  EXPECT_FALSE(h.deleted);
  EXPECT_EQ(h.method, "PUT");
  EXPECT_EQ(h.json, body("Patient", "p1"));

  auto v1 = store_->read_version("Patient", "p1", 1);
  ASSERT_TRUE(v1.ok() && v1->has_value());
  EXPECT_EQ((*v1)->seq, first->seq);
  EXPECT_EQ((*v1)->method, "POST");
  EXPECT_EQ((*v1)->last_updated_ms, kT0);

  auto v3 = store_->read_version("Patient", "p1", 3);
  ASSERT_TRUE(v3.ok());
  EXPECT_FALSE(v3->has_value());
  auto unknown = store_->read_head("Patient", "nope");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
  auto other_type = store_->read_head("Observation", "p1");
  ASSERT_TRUE(other_type.ok());
  EXPECT_FALSE(other_type->has_value());
}

WriteUnit append_version(std::int64_t version) {
  return [version](WriteTxn& tx) -> Status {
    NewVersion v{"Patient", "p", version, tx.now_ms(), false, "PUT", "{}", {}, {}, {}};
    auto seq = tx.append(v);
    return seq ? ok_status() : Status(seq.take_issue());
  };
}

TEST_F(SqliteStoreTest, AppendRefusesAVersionThatDoesNotFollowTheHead) {
  store_ = open_store(clock_);
  ASSERT_TRUE(write_sync(*store_, append_version(1)).ok());
  for (std::int64_t wrong : {3, 1, 0}) {
    Status st = write_sync(*store_, append_version(wrong));
    ASSERT_FALSE(st.ok()) << wrong;
    expect_issue(st.issue(), err::kVersionConflict);
  }
  auto head = store_->read_head("Patient", "p");
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->version, 1);
}

TEST_F(SqliteStoreTest, AppendRefusesAMalformedVersionAsInternal) {
  store_ = open_store(clock_);
  const std::vector<NewVersion> bad{
      {"Patient", "p", 1, kT0, true, "DELETE", "{}", {}, {}, {}},   // deleted with a body
      {"Patient", "p", 1, kT0, false, "PUT", "", {}, {}, {}},       // live without one
      {"Patient", "p", 1, kT0, false, "GET", "{}", {}, {}, {}},     // unknown method
      {"", "p", 1, kT0, false, "PUT", "{}", {}, {}, {}},            // no type
  };
  for (const NewVersion& v : bad) {
    Status st = write_sync(*store_, [v](WriteTxn& tx) -> Status {
      auto seq = tx.append(v);
      return seq ? ok_status() : Status(seq.take_issue());
    });
    ASSERT_FALSE(st.ok());
    expect_issue(st.issue(), err::kInternal);
  }
  auto last = store_->last_seq();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, 0);
}

TEST_F(SqliteStoreTest, FailedUnitRollsBackOnlyItselfWhileItsGroupCommits) {
  store_ = open_store(clock_);
  Gate gate;
  auto gated = write_async(*store_, gate.unit());
  gate.wait_entered();
  auto a = write_async(*store_, put("Patient", "a"));
  auto b = write_async(*store_, [](WriteTxn& tx) -> Status {
    if (auto st = put("Patient", "b")(tx); !st) return st;
    return make_issue(err::kInvalidValue, "refused after appending");
  });
  auto c = write_async(*store_, put("Patient", "c"));
  gate.open();

  EXPECT_TRUE(gated.get().ok());
  EXPECT_TRUE(a.get().ok());
  Status failed = b.get();
  ASSERT_FALSE(failed.ok());
  expect_issue(failed.issue(), err::kInvalidValue);
  EXPECT_EQ(failed.issue().diagnostics, "refused after appending");
  EXPECT_TRUE(c.get().ok());

  for (const char* id : {"a", "c"}) {
    auto head = store_->read_head("Patient", id);
    ASSERT_TRUE(head.ok());
    EXPECT_TRUE(head->has_value()) << id;
  }
  auto gone = store_->read_head("Patient", "b");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  auto total = store_->history(HistoryQuery{});
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(total->total, 2);
}

TEST_F(SqliteStoreTest, ThrowingUnitFailsAloneAsInternal) {
  store_ = open_store(clock_);
  Gate gate;
  auto gated = write_async(*store_, gate.unit());
  gate.wait_entered();
  auto a = write_async(*store_, put("Patient", "a"));
  auto b = write_async(*store_, [](WriteTxn& tx) -> Status {
    (void)put("Patient", "b")(tx);
    throw std::runtime_error("unit bug");
  });
  auto c = write_async(*store_, put("Patient", "c"));
  gate.open();

  EXPECT_TRUE(a.get().ok());
  Status failed = b.get();
  ASSERT_FALSE(failed.ok());
  expect_issue(failed.issue(), err::kInternal);
  EXPECT_EQ(failed.issue().diagnostics.find("unit bug"), std::string::npos);
  EXPECT_TRUE(c.get().ok());
  auto gone = store_->read_head("Patient", "b");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_TRUE(gated.get().ok());
}

TEST_F(SqliteStoreTest, UnitSeesEarlierUnitsOfItsGroupAndReadersDoNot) {
  store_ = open_store(clock_);
  Gate gate;
  auto gated = write_async(*store_, gate.unit());
  gate.wait_entered();
  auto first = write_async(*store_, put("Patient", "p"));
  std::int64_t head_in_group = 0;
  bool reader_saw_it = true;
  auto second = write_async(*store_, [&](WriteTxn& tx) -> Status {
    auto head = tx.head("Patient", "p");
    if (!head) return head.take_issue();
    head_in_group = *head ? (*head)->version : 0;
    // A reader connection sees committed data only: the group is not yet.
    auto outside = store_->read_head("Patient", "p");
    if (!outside) return outside.take_issue();
    reader_saw_it = outside->has_value();
    return put("Patient", "p")(tx);
  });
  gate.open();
  ASSERT_TRUE(gated.get().ok());
  ASSERT_TRUE(first.get().ok());
  ASSERT_TRUE(second.get().ok());
  EXPECT_EQ(head_in_group, 1);
  EXPECT_FALSE(reader_saw_it);
  auto head = store_->read_head("Patient", "p");
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->version, 2);
}

// --- WriteTxn::search: the index behind conditional operations ------------

// The next version of type/id with these token index rows.
WriteUnit put_tokens(std::string type, std::string id, std::vector<TokenEntry> tokens) {
  return put(std::move(type), std::move(id), nullptr, {}, std::move(tokens));
}

// One token criterion in R4's forms: sys|code, code (any system), |code
// (no system), sys| (any code).
std::string token(const std::string& param, std::optional<std::string> system, std::optional<std::string> code) {
  std::string value = system ? *system + "|" : "";
  return param + "=" + value + code.value_or("");
}

// The ids a search finds inside a write unit, sorted.
Result<std::vector<std::string>> search_in(WriteTxn& tx, const std::string& type,
                                           const std::vector<std::string>& criteria, int limit) {
  std::string text;
  for (const auto& c : criteria) text += (text.empty() ? "" : "&") + c;
  auto params = fhir::parse_query(text);
  if (!params) return make_issue(err::kInternal, "bad test query");
  auto q = fhir::search::parse_search(*fhir::search::test::r4_params(), type, *params,
                                      fhir::search::Handling::strict);
  if (!q) return q.take_issue();
  SearchSpec spec;
  spec.types = {type};
  spec.query = &*q;
  spec.params = fhir::search::test::r4_params();
  spec.limit = limit;
  auto hits = tx.search(spec);
  if (!hits) return hits.take_issue();
  std::vector<std::string> ids;
  for (auto& h : *hits) ids.push_back(std::move(h.id));
  std::sort(ids.begin(), ids.end());
  return ids;
}

class FindTest : public SqliteStoreTest {
 protected:
  void SetUp() override {
    SqliteStoreTest::SetUp();
    store_ = open_store(clock_);
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(write_sync(*store_, put_tokens("Patient", "a", {{"identifier", "sys1", "c1"}})).ok());
    ASSERT_TRUE(write_sync(*store_, put_tokens("Patient", "b",
                                               {{"identifier", "sys1", "c2"}, {"identifier", "sys2", "c1"}}))
                    .ok());
    ASSERT_TRUE(write_sync(*store_, put_tokens("Patient", "c", {{"identifier", "", "c1"}})).ok());
    ASSERT_TRUE(write_sync(*store_, put_tokens("Patient", "d", {{"language", "sys1", "c1"}})).ok());
    ASSERT_TRUE(write_sync(*store_, put_tokens("Observation", "o", {{"identifier", "sys1", "c1"}})).ok());
  }
  // Ids found inside a write unit.
  std::vector<std::string> find(const std::string& type, std::vector<std::string> all_of, int limit = 10) {
    std::vector<std::string> out;
    Status st = write_sync(*store_, [&](WriteTxn& tx) -> Status {
      auto ids = search_in(tx, type, all_of, limit);
      if (!ids) return ids.take_issue();
      out = std::move(*ids);
      return ok_status();
    });
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.issue().diagnostics);
    return out;
  }
  using Ids = std::vector<std::string>;
};

TEST_F(FindTest, MatchesParamSystemAndCode) {
  EXPECT_EQ(find("Patient", {token("identifier", "sys1", "c1")}), (Ids{"a"}));
  // code alone: any system, and none.
  EXPECT_EQ(find("Patient", {token("identifier", std::nullopt, "c1")}), (Ids{"a", "b", "c"}));
  // sys|: any code of the system.
  EXPECT_EQ(find("Patient", {token("identifier", "sys1", std::nullopt)}), (Ids{"a", "b"}));
  // |code: only values without a system.
  EXPECT_EQ(find("Patient", {token("identifier", "", "c1")}), (Ids{"c"}));
  // The parameter and the type must match too.
  EXPECT_EQ(find("Patient", {token("language", "sys1", "c1")}), (Ids{"d"}));
  EXPECT_EQ(find("Observation", {token("identifier", "sys1", "c1")}), (Ids{"o"}));
  EXPECT_TRUE(find("Group", {token("identifier", "sys1", "c1")}).empty());
  EXPECT_TRUE(find("Patient", {token("identifier", "sys1", "c9")}).empty());
  // Systems are URIs: case matters.
  EXPECT_TRUE(find("Patient", {token("identifier", "SYS1", "c1")}).empty());
}

TEST_F(FindTest, AllQueriesMustMatchTheSameResource) {
  EXPECT_EQ(find("Patient", {token("identifier", "sys1", "c2"), token("identifier", "sys2", "c1")}), (Ids{"b"}));
  // a has sys1|c1 and b has sys2|c1, but no one resource has both.
  EXPECT_TRUE(find("Patient", {token("identifier", "sys1", "c1"), token("identifier", "sys2", "c2")}).empty());
}

TEST_F(FindTest, LimitCapsTheIds) {
  EXPECT_EQ(find("Patient", {token("identifier", std::nullopt, "c1")}, 2).size(), 2u);
  EXPECT_EQ(find("Patient", {token("identifier", std::nullopt, "c1")}, 1).size(), 1u);
}

TEST_F(FindTest, DeletedResourcesAreNotFound) {
  ASSERT_TRUE(write_sync(*store_, remove("Patient", "a")).ok());
  EXPECT_EQ(find("Patient", {token("identifier", std::nullopt, "c1")}), (Ids{"b", "c"}));
  // Brought back by an update, it is found by its new rows.
  ASSERT_TRUE(write_sync(*store_, put_tokens("Patient", "a", {{"identifier", "sys1", "c1"}})).ok());
  EXPECT_EQ(find("Patient", {token("identifier", "sys1", "c1")}), (Ids{"a"}));
}

TEST_F(FindTest, AnUpdateReplacesTheRows) {
  ASSERT_TRUE(write_sync(*store_, put_tokens("Patient", "b", {{"identifier", "sys3", "c3"}})).ok());
  EXPECT_EQ(find("Patient", {token("identifier", "sys1", std::nullopt)}), (Ids{"a"}));
  EXPECT_EQ(find("Patient", {token("identifier", std::nullopt, "c1")}), (Ids{"a", "c"}));
  EXPECT_EQ(find("Patient", {token("identifier", "sys3", "c3")}), (Ids{"b"}));
  // An update without rows leaves none.
  ASSERT_TRUE(write_sync(*store_, put_tokens("Patient", "b", {})).ok());
  EXPECT_TRUE(find("Patient", {token("identifier", "sys3", "c3")}).empty());
}

TEST_F(SqliteStoreTest, WriteTxnReadsAnyVersion) {
  store_ = open_store(clock_);
  ASSERT_TRUE(write_sync(*store_, put("Patient", "p")).ok());
  ASSERT_TRUE(write_sync(*store_, remove("Patient", "p")).ok());
  std::vector<std::optional<VersionRecord>> seen;
  ASSERT_TRUE(write_sync(*store_, [&](WriteTxn& tx) -> Status {
                for (std::int64_t v : {1, 2, 3}) {
                  auto r = tx.version("Patient", "p", v);
                  if (!r) return r.take_issue();
                  seen.push_back(*r);
                }
                return ok_status();
              }).ok());
  ASSERT_EQ(seen.size(), 3u);
  ASSERT_TRUE(seen[0].has_value());
  EXPECT_EQ(seen[0]->json, body("Patient", "p"));
  ASSERT_TRUE(seen[1].has_value());
  EXPECT_TRUE(seen[1]->deleted);
  EXPECT_FALSE(seen[2].has_value());
}

TEST_F(FindTest, SeesEarlierUnitsOfItsGroupAndRolledBackUnitsLeaveNoRows) {
  Gate gate;
  auto gated = write_async(*store_, gate.unit());
  gate.wait_entered();
  auto first = write_async(*store_, put_tokens("Patient", "e", {{"identifier", "sys4", "c4"}}));
  auto failed = write_async(*store_, [](WriteTxn& tx) -> Status {
    if (auto st = put_tokens("Patient", "f", {{"identifier", "sys4", "c4"}})(tx); !st) return st;
    return make_issue(err::kInvalidResource, "the unit fails after appending");
  });
  std::vector<std::string> seen;
  auto second = write_async(*store_, [&](WriteTxn& tx) -> Status {
    auto ids = search_in(tx, "Patient", {token("identifier", "sys4", "c4")}, 10);
    if (!ids) return ids.take_issue();
    seen = *ids;
    return ok_status();
  });
  gate.open();
  ASSERT_TRUE(gated.get().ok());
  ASSERT_TRUE(first.get().ok());
  EXPECT_FALSE(failed.get().ok());
  ASSERT_TRUE(second.get().ok());
  EXPECT_EQ(seen, (Ids{"e"}));
  EXPECT_EQ(find("Patient", {token("identifier", "sys4", "c4")}), (Ids{"e"}));
}

// A HistoryQuery built field by field (designated initializers that skip
// fields trip -Wmissing-field-initializers under g++ 12).
class Q {
 public:
  Q& type(std::string t) { q_.type = std::move(t); return *this; }
  Q& id(std::string i) { q_.id = std::move(i); return *this; }
  Q& since(std::int64_t ms) { q_.since_ms = ms; return *this; }
  Q& before(std::int64_t seq) { q_.before_seq = seq; return *this; }
  Q& snapshot(std::int64_t seq) { q_.at_or_below_seq = seq; return *this; }
  Q& count(int n) { q_.count = n; return *this; }
  operator HistoryQuery() const { return q_; }

 private:
  HistoryQuery q_;
};

std::vector<std::int64_t> seqs(const HistoryPage& page) {
  std::vector<std::int64_t> out;
  for (const VersionRecord& r : page.entries) out.push_back(r.seq);
  return out;
}

class HistoryTest : public SqliteStoreTest {
 protected:
  // a1 (t0), o1 (t0+10), a2 (t0+20), b1 (t0+30), o2 (t0+40): seq s[0..4].
  void SetUp() override {
    SqliteStoreTest::SetUp();
    store_ = open_store(clock_);
    const std::pair<const char*, const char*> writes[] = {
        {"Patient", "a"}, {"Observation", "o"}, {"Patient", "a"}, {"Patient", "b"},
        {"Observation", "o"}};
    for (const auto& [type, id] : writes) {
      auto out = std::make_shared<Written>();
      ASSERT_TRUE(write_sync(*store_, put(type, id, out)).ok());
      s_.push_back(out->seq);
      clock_.advance_ms(10);
    }
  }
  HistoryPage history(HistoryQuery q) {
    auto page = store_->history(q);
    EXPECT_TRUE(page.ok());
    return page.ok() ? *page : HistoryPage{};
  }
  std::vector<std::int64_t> s_;
};

TEST_F(HistoryTest, ListsNewestFirstAtEachLevel) {
  HistoryPage instance = history(Q().type("Patient").id("a"));
  EXPECT_EQ(seqs(instance), (std::vector{s_[2], s_[0]}));
  EXPECT_EQ(instance.total, 2);
  EXPECT_EQ(instance.entries[0].version, 2);

  HistoryPage type = history(Q().type("Patient"));
  EXPECT_EQ(seqs(type), (std::vector{s_[3], s_[2], s_[0]}));
  EXPECT_EQ(type.total, 3);

  HistoryPage system = history(Q());
  EXPECT_EQ(seqs(system), (std::vector{s_[4], s_[3], s_[2], s_[1], s_[0]}));
  EXPECT_EQ(system.total, 5);
  EXPECT_EQ(system.entries[0].type, "Observation");
  EXPECT_EQ(system.entries[0].json, body("Observation", "o"));
}

TEST_F(HistoryTest, SinceKeepsVersionsUpdatedAtOrAfterIt) {
  EXPECT_EQ(seqs(history(Q().since(kT0 + 20))), (std::vector{s_[4], s_[3], s_[2]}));
  HistoryPage type = history(Q().type("Patient").since(kT0 + 20));
  EXPECT_EQ(seqs(type), (std::vector{s_[3], s_[2]}));
  EXPECT_EQ(type.total, 2);
  EXPECT_EQ(seqs(history(Q().type("Patient").id("a").since(kT0 + 1))),
            (std::vector{s_[2]}));
  EXPECT_EQ(history(Q().since(kT0 + 41)).total, 0);
}

TEST_F(HistoryTest, CursorPagesWhileTotalCountsTheWholeSnapshot) {
  HistoryPage p1 = history(Q().count(2));
  EXPECT_EQ(seqs(p1), (std::vector{s_[4], s_[3]}));
  HistoryPage p2 = history(Q().before(p1.entries.back().seq).count(2));
  EXPECT_EQ(seqs(p2), (std::vector{s_[2], s_[1]}));
  HistoryPage p3 = history(Q().before(p2.entries.back().seq).count(2));
  EXPECT_EQ(seqs(p3), (std::vector{s_[0]}));
  for (const HistoryPage* p : {&p1, &p2, &p3}) EXPECT_EQ(p->total, 5);
  EXPECT_TRUE(history(Q().before(s_[0]).count(2)).entries.empty());

  HistoryPage typed = history(Q().type("Patient").before(s_[3]).count(1));
  EXPECT_EQ(seqs(typed), (std::vector{s_[2]}));
  EXPECT_EQ(typed.total, 3);

  HistoryPage only_total = history(Q().count(0));
  EXPECT_TRUE(only_total.entries.empty());
  EXPECT_EQ(only_total.total, 5);
}

TEST_F(HistoryTest, OffsetPagesWithinASnapshot) {
  auto snapshot = store_->last_seq();
  ASSERT_TRUE(snapshot.ok());
  ASSERT_TRUE(write_sync(*store_, put("Patient", "late")).ok());
  HistoryQuery q = Q().snapshot(*snapshot).count(2);
  q.offset = 2;
  HistoryPage p2 = history(q);
  EXPECT_EQ(seqs(p2), (std::vector{s_[2], s_[1]}));
  EXPECT_EQ(p2.total, 5);
  q.offset = 4;
  EXPECT_EQ(seqs(history(q)), (std::vector{s_[0]}));
  q.offset = 9;
  EXPECT_TRUE(history(q).entries.empty());
  q.offset = -1;
  EXPECT_FALSE(store_->history(q).ok());
}

TEST_F(HistoryTest, SnapshotHidesLaterCommits) {
  auto snapshot = store_->last_seq();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(*snapshot, s_[4]);
  ASSERT_TRUE(write_sync(*store_, put("Patient", "late")).ok());

  HistoryPage pinned = history(Q().snapshot(*snapshot).count(2));
  EXPECT_EQ(seqs(pinned), (std::vector{s_[4], s_[3]}));
  EXPECT_EQ(pinned.total, 5);
  HistoryPage next =
      history(Q().before(s_[3]).snapshot(*snapshot).count(10));
  EXPECT_EQ(next.total, 5);
  EXPECT_EQ(next.entries.size(), 3u);
  EXPECT_EQ(history(Q().type("Patient").snapshot(*snapshot)).total, 3);
  EXPECT_EQ(history(Q()).total, 6);
}

TEST_F(HistoryTest, RefusesInstanceHistoryWithoutTypeAndNegativeCount) {
  for (const Q& q : {Q().id("a"), Q().count(-1)}) {
    auto page = store_->history(q);
    ASSERT_FALSE(page.ok());
    expect_issue(page.issue(), err::kInvalidParameter);
  }
}

TEST_F(SqliteStoreTest, DeletedVersionsAreHistoryEntries) {
  store_ = open_store(clock_);
  ASSERT_TRUE(write_sync(*store_, put("Patient", "p")).ok());
  ASSERT_TRUE(write_sync(*store_, remove("Patient", "p")).ok());

  auto head = store_->read_head("Patient", "p");
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_TRUE((*head)->deleted);
  EXPECT_EQ((*head)->version, 2);
  EXPECT_EQ((*head)->method, "DELETE");
  EXPECT_TRUE((*head)->json.empty());

  auto page = store_->history(Q().type("Patient").id("p"));
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_TRUE(page->entries[0].deleted);
  EXPECT_FALSE(page->entries[1].deleted);

  ASSERT_TRUE(write_sync(*store_, put("Patient", "p")).ok());
  head = store_->read_head("Patient", "p");
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_FALSE((*head)->deleted);
  EXPECT_EQ((*head)->version, 3);
}

TEST_F(SqliteStoreTest, RecordsEachVersionsPatientCompartments) {
  store_ = open_store(clock_);
  auto obs = std::make_shared<Written>();
  ASSERT_TRUE(
      write_sync(*store_, put("Observation", "o", obs, {"p2", "p1", "p2"})).ok());
  auto lone = std::make_shared<Written>();
  ASSERT_TRUE(write_sync(*store_, put("Device", "d", lone)).ok());

  auto conn = raw_connection(Connection::Mode::read_only);
  auto patients_of = [&](std::int64_t seq) {
    std::vector<std::string> out;
    auto stmt = conn->prepare(
        "SELECT patient_id FROM version_compartment WHERE seq = ?1 ORDER BY patient_id");
    EXPECT_TRUE(stmt.ok());
    stmt->bind(1, seq);
    for (auto row = stmt->step(); row.ok() && *row; row = stmt->step()) out.push_back(stmt->text(0));
    return out;
  };
  EXPECT_EQ(patients_of(obs->seq), (std::vector<std::string>{"p1", "p2"}));
  EXPECT_TRUE(patients_of(lone->seq).empty());

  auto stmt = conn->prepare("SELECT seq FROM version_compartment WHERE patient_id = ?1");
  ASSERT_TRUE(stmt.ok());
  stmt->bind(1, std::string_view("p1"));
  auto row = stmt->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(stmt->int64(0), obs->seq);
}

TEST_F(SqliteStoreTest, SeqIsStrictlyIncreasingAcrossResourcesAndReopen) {
  store_ = open_store(clock_);
  std::int64_t previous = 0;
  for (int i = 0; i < 12; ++i) {
    auto out = std::make_shared<Written>();
    const std::string type = i % 3 == 0 ? "Observation" : "Patient";
    ASSERT_TRUE(write_sync(*store_, put(type, "r" + std::to_string(i % 4), out)).ok());
    EXPECT_GT(out->seq, previous);
    previous = out->seq;
    if (i == 5) reopen();
  }
  auto last = store_->last_seq();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, previous);
}

TEST_F(SqliteStoreTest, NowNeverGoesBackwardsWhenTheClockDoes) {
  store_ = open_store(clock_);
  auto a = std::make_shared<Written>();
  ASSERT_TRUE(write_sync(*store_, put("Patient", "a", a)).ok());
  EXPECT_EQ(a->last_updated_ms, kT0);

  clock_.set_ms(kT0 - 60'000);
  auto b = std::make_shared<Written>();
  ASSERT_TRUE(write_sync(*store_, put("Patient", "b", b)).ok());
  EXPECT_EQ(b->last_updated_ms, kT0);

  // Within one group: the second unit turns the clock back before stamping.
  clock_.set_ms(kT0 + 100);
  Gate gate;
  auto gated = write_async(*store_, gate.unit());
  gate.wait_entered();
  auto c = std::make_shared<Written>();
  auto d = std::make_shared<Written>();
  auto fc = write_async(*store_, put("Patient", "c", c));
  auto fd = write_async(*store_, [&, d](WriteTxn& tx) {
    clock_.set_ms(kT0 + 50);
    return put("Patient", "d", d)(tx);
  });
  gate.open();
  ASSERT_TRUE(gated.get().ok() && fc.get().ok() && fd.get().ok());
  EXPECT_EQ(c->last_updated_ms, kT0 + 100);
  EXPECT_EQ(d->last_updated_ms, kT0 + 100);

  // The high-water mark is read from the file: a fresh store (a restart
  // with a clock set back) keeps it.
  clock_.set_ms(kT0 - 1);
  reopen();
  auto e = std::make_shared<Written>();
  ASSERT_TRUE(write_sync(*store_, put("Patient", "e", e)).ok());
  EXPECT_EQ(e->last_updated_ms, kT0 + 100);
  clock_.set_ms(kT0 + 500);
  ASSERT_TRUE(write_sync(*store_, put("Patient", "f", e)).ok());
  EXPECT_EQ(e->last_updated_ms, kT0 + 500);
}

TEST_F(SqliteStoreTest, ConcurrentWritersAreAllAcknowledgedAndDurable) {
  store_ = open_store(clock_);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::vector<std::vector<std::future<Status>>> futures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        futures[t].push_back(write_async(*store_, put("Patient", std::to_string(t) + "-" + std::to_string(i))));
        // Every thread also bumps one shared resource: the writer serializes them.
        futures[t].push_back(write_async(*store_, put("Basic", "counter")));
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (auto& per_thread : futures)
    for (auto& f : per_thread) EXPECT_TRUE(f.get().ok());

  reopen();
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kPerThread; ++i) {
      auto head = store_->read_head("Patient", std::to_string(t) + "-" + std::to_string(i));
      ASSERT_TRUE(head.ok());
      EXPECT_TRUE(head->has_value());
    }
  auto counter = store_->read_head("Basic", "counter");
  ASSERT_TRUE(counter.ok() && counter->has_value());
  EXPECT_EQ((*counter)->version, kThreads * kPerThread);
  auto all = store_->history(Q().count(1000));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total, 2 * kThreads * kPerThread);
  for (std::size_t i = 1; i < all->entries.size(); ++i) {
    EXPECT_LT(all->entries[i].seq, all->entries[i - 1].seq);
    EXPECT_LE(all->entries[i].last_updated_ms, all->entries[i - 1].last_updated_ms);
  }
}

TEST_F(SqliteStoreTest, ReadsRunConcurrentlyWithWrites) {
  store_ = open_store(clock_);
  ASSERT_TRUE(write_sync(*store_, put("Patient", "p")).ok());
  std::vector<std::future<Status>> writes;
  std::vector<std::thread> readers;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    readers.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto head = store_->read_head("Patient", "p");
        if (!head.ok() || !head->has_value()) ++failures;
        if (!store_->history(Q().type("Patient").count(5)).ok()) ++failures;
      }
    });
  for (int i = 0; i < 100; ++i) writes.push_back(write_async(*store_, put("Patient", "p")));
  for (std::thread& th : readers) th.join();
  for (auto& f : writes) EXPECT_TRUE(f.get().ok());
  EXPECT_EQ(failures.load(), 0);
}

// `carebridge import` writes the same file from another process; a second
// store on the file has its own connections and contends for the same lock.
TEST_F(SqliteStoreTest, TwoStoresOnOneFileBothCommitEverything) {
  store_ = open_store(clock_);
  auto importer = open_store(clock_);
  ASSERT_NE(importer, nullptr);
  constexpr int kEach = 60;
  std::vector<std::future<Status>> a, b;
  std::thread ta([&] {
    for (int i = 0; i < kEach; ++i) a.push_back(write_async(*store_, put("Patient", "s" + std::to_string(i))));
  });
  std::thread tb([&] {
    for (int i = 0; i < kEach; ++i) b.push_back(write_async(*importer, put("Patient", "i" + std::to_string(i))));
  });
  ta.join();
  tb.join();
  for (auto& f : a) EXPECT_TRUE(f.get().ok());
  for (auto& f : b) EXPECT_TRUE(f.get().ok());
  importer->close();

  auto all = store_->history(Q().count(1000));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total, 2 * kEach);
  for (std::size_t i = 1; i < all->entries.size(); ++i)
    EXPECT_LT(all->entries[i].seq, all->entries[i - 1].seq);
}

// A VFS that forwards to the default one but can fail fsync on demand: the
// only way to make COMMIT fail without a full disk (LevelDB tests its error
// paths with fake files the same way). Registered as the default VFS for
// one test, so the store's connections pick it up.
class FsyncFaultVfs {
 public:
  FsyncFaultVfs() {
    real_ = sqlite3_vfs_find(nullptr);
    vfs_ = *real_;  // the unix VFS's other methods do not depend on pVfs
    vfs_.pNext = nullptr;
    vfs_.zName = "carebridge-fsync-fault";
    vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
    vfs_.pAppData = this;
    vfs_.xOpen = &open;
    methods_ = make_methods();
    sqlite3_vfs_register(&vfs_, 1);
  }
  ~FsyncFaultVfs() { sqlite3_vfs_unregister(&vfs_); }
  FsyncFaultVfs(const FsyncFaultVfs&) = delete;
  FsyncFaultVfs& operator=(const FsyncFaultVfs&) = delete;

  void fail_fsync(bool on) { fail_ = on; }

 private:
  struct File {
    sqlite3_file base;
    FsyncFaultVfs* owner;
    sqlite3_file* real;  // lives right behind this struct
  };
  static sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

  static int open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags,
                  int* out_flags) {
    auto* self = static_cast<FsyncFaultVfs*>(vfs->pAppData);
    auto* f = reinterpret_cast<File*>(file);
    f->owner = self;
    f->real = reinterpret_cast<sqlite3_file*>(f + 1);
    const int rc = self->real_->xOpen(self->real_, name, f->real, flags, out_flags);
    f->base.pMethods = f->real->pMethods != nullptr ? &self->methods_ : nullptr;
    return rc;
  }

  static sqlite3_io_methods make_methods() {
    sqlite3_io_methods m{};
    m.iVersion = 3;
    m.xClose = [](sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); };
    m.xRead = [](sqlite3_file* f, void* b, int n, sqlite3_int64 o) {
      return real(f)->pMethods->xRead(real(f), b, n, o);
    };
    m.xWrite = [](sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
      return real(f)->pMethods->xWrite(real(f), b, n, o);
    };
    m.xTruncate = [](sqlite3_file* f, sqlite3_int64 n) {
      return real(f)->pMethods->xTruncate(real(f), n);
    };
    m.xSync = [](sqlite3_file* f, int flags) {
      if (reinterpret_cast<File*>(f)->owner->fail_) return SQLITE_IOERR_FSYNC;
      return real(f)->pMethods->xSync(real(f), flags);
    };
    m.xFileSize = [](sqlite3_file* f, sqlite3_int64* n) {
      return real(f)->pMethods->xFileSize(real(f), n);
    };
    m.xLock = [](sqlite3_file* f, int l) { return real(f)->pMethods->xLock(real(f), l); };
    m.xUnlock = [](sqlite3_file* f, int l) { return real(f)->pMethods->xUnlock(real(f), l); };
    m.xCheckReservedLock = [](sqlite3_file* f, int* out) {
      return real(f)->pMethods->xCheckReservedLock(real(f), out);
    };
    m.xFileControl = [](sqlite3_file* f, int op, void* arg) {
      return real(f)->pMethods->xFileControl(real(f), op, arg);
    };
    m.xSectorSize = [](sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); };
    m.xDeviceCharacteristics = [](sqlite3_file* f) {
      return real(f)->pMethods->xDeviceCharacteristics(real(f));
    };
    m.xShmMap = [](sqlite3_file* f, int pg, int sz, int extend, void volatile** p) {
      return real(f)->pMethods->xShmMap(real(f), pg, sz, extend, p);
    };
    m.xShmLock = [](sqlite3_file* f, int off, int n, int flags) {
      return real(f)->pMethods->xShmLock(real(f), off, n, flags);
    };
    m.xShmBarrier = [](sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); };
    m.xShmUnmap = [](sqlite3_file* f, int del) {
      return real(f)->pMethods->xShmUnmap(real(f), del);
    };
    m.xFetch = [](sqlite3_file* f, sqlite3_int64 o, int n, void** p) {
      return real(f)->pMethods->xFetch(real(f), o, n, p);
    };
    m.xUnfetch = [](sqlite3_file* f, sqlite3_int64 o, void* p) {
      return real(f)->pMethods->xUnfetch(real(f), o, p);
    };
    return m;
  }

  sqlite3_vfs* real_ = nullptr;
  sqlite3_vfs vfs_{};
  sqlite3_io_methods methods_{};
  std::atomic<bool> fail_{false};
};

TEST_F(SqliteStoreTest, FailedCommitReportsAStorageErrorToEveryUnitOfTheGroup) {
  FsyncFaultVfs vfs;
  store_ = open_store(clock_);
  Gate gate;
  auto gated = write_async(*store_, gate.unit());
  gate.wait_entered();
  auto a = write_async(*store_, put("Patient", "a"));
  auto b = write_async(*store_, [&vfs](WriteTxn& tx) {
    vfs.fail_fsync(true);  // the last unit: COMMIT is the next fsync
    return put("Patient", "b")(tx);
  });
  gate.open();
  ASSERT_TRUE(gated.get().ok());
  for (auto* f : {&a, &b}) {
    Status st = f->get();
    ASSERT_FALSE(st.ok());
    expect_issue(st.issue(), err::kStorage);
    EXPECT_EQ(st.issue().diagnostics.find("fsync"), std::string::npos);
    EXPECT_EQ(st.issue().diagnostics.find("I/O"), std::string::npos);
  }
  vfs.fail_fsync(false);
  for (const char* id : {"a", "b"}) {
    auto head = store_->read_head("Patient", id);
    ASSERT_TRUE(head.ok());
    EXPECT_FALSE(head->has_value()) << id;
  }

  // The writer recovers: the next group commits.
  ASSERT_TRUE(write_sync(*store_, put("Patient", "c")).ok());
  auto head = store_->read_head("Patient", "c");
  ASSERT_TRUE(head.ok());
  EXPECT_TRUE(head->has_value());
  store_.reset();  // close before the VFS goes away
}

// Another process holding the write lock past the busy timeout: the group
// is refused as transient (503), and the writer carries on afterwards.
TEST_F(SqliteStoreTest, WriteLockHeldElsewherePastTheTimeoutFailsTheGroupAsUnavailable) {
  auto opened = try_open(clock_, /*busy_timeout_ms=*/50);
  ASSERT_TRUE(opened.ok());
  store_ = std::move(*opened);
  auto other = raw_connection(Connection::Mode::read_write_create);
  ASSERT_TRUE(other->exec("BEGIN IMMEDIATE").ok());

  Status st = write_sync(*store_, put("Patient", "p"));
  ASSERT_FALSE(st.ok());
  expect_issue(st.issue(), err::kUnavailable);

  ASSERT_TRUE(other->exec("COMMIT").ok());
  EXPECT_TRUE(write_sync(*store_, put("Patient", "p")).ok());
}

TEST_F(SqliteStoreTest, CloseDrainsQueuedWritesThenRefuses) {
  store_ = open_store(clock_);
  Gate gate;
  auto gated = write_async(*store_, gate.unit());
  gate.wait_entered();
  std::vector<std::future<Status>> queued;
  for (int i = 0; i < 20; ++i) queued.push_back(write_async(*store_, put("Patient", std::to_string(i))));
  auto closing = std::async(std::launch::async, [this] { store_->close(); });
  // Wait (without sleeping) until close() has stopped accepting: a refused
  // probe answers at once. Probes accepted before that are queued like the rest.
  for (;;) {
    auto probe = write_async(*store_, [](WriteTxn&) { return ok_status(); });
    if (probe.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      Status st = probe.get();
      ASSERT_FALSE(st.ok());
      expect_issue(st.issue(), err::kUnavailable);
      break;
    }
    queued.push_back(std::move(probe));
  }
  gate.open();
  closing.get();
  EXPECT_TRUE(gated.get().ok());
  for (auto& f : queued) EXPECT_TRUE(f.get().ok());

  Status late = write_sync(*store_, put("Patient", "late"));
  ASSERT_FALSE(late.ok());
  expect_issue(late.issue(), err::kUnavailable);
  auto read = store_->read_head("Patient", "0");
  ASSERT_FALSE(read.ok());
  expect_issue(read.issue(), err::kUnavailable);
  ASSERT_FALSE(store_->last_seq().ok());
  ASSERT_FALSE(store_->history(Q()).ok());
  store_->close();  // idempotent

  store_ = open_store(clock_);
  auto total = store_->history(Q().type("Patient"));
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(total->total, 20);
}

TEST_F(SqliteStoreTest, ReopeningAMigratedFileRunsNoMigration) {
  store_ = open_store(clock_);
  ASSERT_TRUE(write_sync(*store_, put("Patient", "p")).ok());
  reopen();
  const auto steps = store_migrations();
  EXPECT_EQ(user_version(), steps.back().version);

  auto conn = raw_connection(Connection::Mode::read_write_create);
  auto applied = migrate(*conn, steps);
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(*applied, 0);
  auto head = store_->read_head("Patient", "p");
  ASSERT_TRUE(head.ok());
  EXPECT_TRUE(head->has_value());
}

TEST_F(SqliteStoreTest, MigrationsRunInOrderAndAFailedStepKeepsThePreviousVersion) {
  auto conn = raw_connection(Connection::Mode::read_write_create);
  const Migration steps[] = {
      {1, "CREATE TABLE one (x INTEGER)"},
      {2, "CREATE TABLE two (x INTEGER REFERENCES one (x))"},
      {3, "CREATE TABLE three (x INTEGER); INSERT INTO missing VALUES (1)"},
  };
  auto first_two = migrate(*conn, std::span(steps, 2));
  ASSERT_TRUE(first_two.ok());
  EXPECT_EQ(*first_two, 2);

  auto failed = migrate(*conn, steps);
  ASSERT_FALSE(failed.ok());
  expect_issue(failed.issue(), err::kStorage);
  EXPECT_EQ(user_version(), 2);
  auto table = conn->prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'three'");
  ASSERT_TRUE(table.ok() && table->step().ok());
  EXPECT_EQ(table->int64(0), 0);

  const Migration out_of_order[] = {{2, "SELECT 1"}};
  auto refused = migrate(*conn, out_of_order);
  ASSERT_FALSE(refused.ok());
  expect_issue(refused.issue(), err::kInternal);
}

TEST_F(SqliteStoreTest, RefusesAFileFromANewerSchemaWithoutTouchingIt) {
  store_ = open_store(clock_);
  store_.reset();
  ASSERT_TRUE(raw_connection(Connection::Mode::read_write_create)->exec("PRAGMA user_version = 99").ok());

  auto opened = try_open(clock_);
  ASSERT_FALSE(opened.ok());
  expect_issue(opened.issue(), err::kStorage);
  EXPECT_NE(opened.issue().diagnostics.find("newer"), std::string::npos);
  EXPECT_EQ(user_version(), 99);
}

TEST_F(SqliteStoreTest, RefusesAnotherApplicationsDatabase) {
  ASSERT_TRUE(raw_connection(Connection::Mode::read_write_create)
                  ->exec("PRAGMA application_id = 7; CREATE TABLE t (x)")
                  .ok());
  auto opened = try_open(clock_);
  ASSERT_FALSE(opened.ok());
  expect_issue(opened.issue(), err::kStorage);
  EXPECT_NE(opened.issue().diagnostics.find("another application"), std::string::npos);
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotADatabaseWithAGenericMessage) {
  std::ofstream(path_) << std::string(4096, 'x');
  auto opened = try_open(clock_);
  ASSERT_FALSE(opened.ok());
  expect_issue(opened.issue(), err::kStorage);
  // 5xx diagnostics reach clients: SQLite's own text stays in the log.
  EXPECT_EQ(opened.issue().diagnostics.find("database"), std::string::npos);
  EXPECT_EQ(opened.issue().diagnostics.find("SQLITE"), std::string::npos);
}

TEST_F(SqliteStoreTest, RefusesAMissingDirectoryAndAnEmptyPath) {
  path_ = (dir_ / "missing" / "store.db").string();
  auto opened = try_open(clock_);
  ASSERT_FALSE(opened.ok());
  expect_issue(opened.issue(), err::kStorage);

  path_.clear();
  opened = try_open(clock_);
  ASSERT_FALSE(opened.ok());
  expect_issue(opened.issue(), err::kInternal);
}

}  // namespace
}  // namespace fhir::store
