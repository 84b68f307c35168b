// What the store's own tests share: a fresh SQLite store in a temp dir per
// test (closed and removed afterwards), and a blocking write.
#pragma once

#include <gtest/gtest.h>

#include <stdlib.h>  // mkdtemp

#include <filesystem>
#include <future>
#include <memory>
#include <string>

#include "fhir/core/clock.hpp"
#include "fhir/store/sqlite_store.hpp"
#include "fhir/store/store.hpp"

namespace fhir::store::test {

// Queues unit for the writer and waits for its final outcome.
inline Status write_sync(Store& store, WriteUnit unit) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  store.write(std::move(unit), [promise](Status st) { promise->set_value(std::move(st)); });
  return future.get();
}

// path_ is the store file; open() opens (and migrates) it into store_.
class TempStoreTest : public ::testing::Test {
 protected:
  explicit TempStoreTest(std::int64_t start_ms = 1'700'000'000'000) : clock_(start_ms) {}

  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "carebridge-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "store.db").string();
  }
  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open() {
    SqliteOptions options;
    options.path = path_;
    auto opened = open_sqlite_store(options, clock_);
    ASSERT_TRUE(opened.ok()) << opened.issue().diagnostics;
    store_ = std::move(*opened);
  }

  std::filesystem::path dir_;
  std::string path_;
  ManualClock clock_;
  std::unique_ptr<Store> store_;
};

}  // namespace fhir::store::test
