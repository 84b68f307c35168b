// ChangeFollower: follows the store's global commit sequence and
// invalidates the read cache for every version committed by anyone,
// including other processes on the same store (carebridge import), which
// this process otherwise cannot see (and all of it after a relabel); and reloads the client registry when
// the store's client generation moves (carebridge client add|revoke); and
// refreshes the consent index when Consents (or the organizations and
// practitioners they name) change, and when the Patient link table or a
// linked Patient changes (issue 9: links made by `carebridge patients` or
// another process's writes count within one poll).
// Runs on its own thread, never an io thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace fhir::store {
class Store;
}

namespace consent {
class ConsentIndex;
}

namespace gateway {

namespace auth {
class ClientRegistry;
}
class ReadCache;

class ChangeFollower {
 public:
  // cache may be null (no read cache).
  ChangeFollower(fhir::store::Store& store, ReadCache* cache, auth::ClientRegistry& clients,
                 consent::ConsentIndex& consents, std::chrono::milliseconds interval);
  ~ChangeFollower();
  void stop();

 private:
  void run(std::int64_t from_seq);

  void follow_versions(std::int64_t& seq);
  void follow_clients();
  void follow_relabels();
  void follow_links();

  fhir::store::Store& store_;
  ReadCache* cache_;
  auth::ClientRegistry& clients_;
  consent::ConsentIndex& consents_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::string label_generation_;  // follower thread only
  bool label_known_ = false;
  std::string link_generation_;  // follower thread only
  bool links_known_ = false;
  std::thread thread_;
};

}  // namespace gateway
