#include "consent/audit/audit_search.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "tests/consent/audit/audit_fixture.hpp"

namespace consent::test {
namespace {

// 30 records from make_entry: patient p<i%3>, agent client-<i%2>, one
// entity each, recorded kT0 + i s.
class AuditSearchTest : public AuditLogFixture {
 protected:
  void SetUp() override {
    log_ = open_log();
    ASSERT_TRUE(log_);
    for (int i = 1; i <= 30; ++i) ASSERT_TRUE(append_sync(*log_, make_entry(i)).ok());
  }

  std::vector<std::int64_t> seqs(const AuditQuery& q, std::int64_t* total = nullptr) {
    auto page = log_->search(q);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.issue().diagnostics);
    std::vector<std::int64_t> out;
    if (!page.ok()) return out;
    for (const auto& r : page->records) out.push_back(r.seq);
    if (total != nullptr) *total = page->total;
    return out;
  }

  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditSearchTest, ByPatient) {
  AuditQuery q;
  q.patient = {"p0"};
  EXPECT_EQ(seqs(q), (std::vector<std::int64_t>{3, 6, 9, 12, 15, 18, 21, 24, 27, 30}));
  q.patient = {"p0", "p1"};  // FHIR's comma: either
  EXPECT_EQ(seqs(q).size(), 20u);
  q.patient = {"nobody"};
  EXPECT_TRUE(seqs(q).empty());
}

TEST_F(AuditSearchTest, ByDateRange) {
  AuditQuery q;
  q.recorded_from_ms = kT0 + 10'000;
  q.recorded_before_ms = kT0 + 13'000;
  EXPECT_EQ(seqs(q), (std::vector<std::int64_t>{10, 11, 12}));
}

TEST_F(AuditSearchTest, OneRecordBySeq) {
  AuditQuery q;
  q.seq = 17;
  std::int64_t total = 0;
  EXPECT_EQ(seqs(q, &total), std::vector<std::int64_t>{17});
  EXPECT_EQ(total, 1);
  q.patient = {"p0"};  // record 17 is p2's: other criteria still apply
  EXPECT_TRUE(seqs(q).empty());
  q = AuditQuery{};
  q.seq = 999;
  EXPECT_TRUE(seqs(q).empty());
}

TEST_F(AuditSearchTest, ByAgentAndPatientTogether) {
  AuditQuery q;
  q.agent = {"client-1"};
  q.patient = {"p0"};
  EXPECT_EQ(seqs(q), (std::vector<std::int64_t>{3, 9, 15, 21, 27}));
}

TEST_F(AuditSearchTest, ByEntity) {
  AuditQuery q;
  q.entity = {"Observation/o17/_history/1"};
  EXPECT_EQ(seqs(q), (std::vector<std::int64_t>{17}));
}

TEST_F(AuditSearchTest, ByTypeSubtypeOutcomeAndPurpose) {
  AuditQuery q;
  q.type = {"rest"};
  EXPECT_EQ(seqs(q).size(), 30u);
  q.subtype = {"disclose"};
  EXPECT_EQ(seqs(q), (std::vector<std::int64_t>{4, 8, 12, 16, 20, 24, 28}));
  q.subtype = {"search-type"};
  q.outcome = {"4"};
  EXPECT_EQ(seqs(q), (std::vector<std::int64_t>{}));
  q.subtype = {};
  EXPECT_EQ(seqs(q), (std::vector<std::int64_t>{7, 14, 21, 28}));
  q.outcome = {};
  q.purpose = {"ETREAT"};
  q.organization = {"Organization/org-0"};
  EXPECT_EQ(seqs(q), (std::vector<std::int64_t>{6, 12, 18, 24, 30}));
}

TEST_F(AuditSearchTest, PagesWithATotal) {
  AuditQuery q;
  q.patient = {"p1"};
  q.offset = 2;
  q.limit = 3;
  std::int64_t total = 0;
  EXPECT_EQ(seqs(q, &total), (std::vector<std::int64_t>{7, 10, 13}));
  EXPECT_EQ(total, 10);
}

TEST_F(AuditSearchTest, ReturnsTheRecordAsAppended) {
  AuditQuery q;
  q.entity = {"Observation/o5/_history/1"};
  auto page = log_->search(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].fields, stored_text(make_entry(5)));
  EXPECT_EQ(page->records[0].recorded_ms, make_entry(5).recorded_ms);
}

TEST_F(AuditSearchTest, NegativePagingIsAnError) {
  AuditQuery q;
  q.offset = -1;
  auto page = log_->search(q);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.issue().http_status, 400);
}

}  // namespace
}  // namespace consent::test
