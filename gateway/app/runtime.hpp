// Runtime: what a running gateway owns, opened in dependency order
// (definitions, store, storage pool) and closed in reverse.
#pragma once

#include <memory>

#include "fhir/core/clock.hpp"
#include "fhir/core/result.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/config/settings.hpp"

namespace mappers::outcomes {
class InstrumentTable;
}
namespace mappers::care {
struct CareRules;
}
namespace mappers::identity {
class MatchingRules;
}

namespace gateway {

namespace auth {
class ClientRegistry;
class TokenCache;
}  // namespace auth
class ChangeFollower;
class DeliveryWorker;
class FlagSweeper;
class SubscriptionMatcher;
class ReadCache;
class ResultCache;

class Runtime {
 public:
  // clock: nullptr for the system clock; tests pass their own (it must
  // outlive the runtime).
  static fhir::Result<std::unique_ptr<Runtime>> open(const Settings& settings,
                                                     const fhir::Clock* clock = nullptr);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  AppContext& app() { return app_; }
  // Records the bound address; fills base_url if not configured, builds
  // the CapabilityStatement that names it, and starts forwarding (which
  // names resources under base_url).
  void set_bound_address(const std::string& host_port);
  // Stops the storage pool and closes the store (after in-flight writes).
  void close();
  // Re-evaluates every patient's care flags now (flag_sweeper.hpp); blocks.
  fhir::Status sweep_flags();

 private:
  Runtime() = default;
  fhir::SystemClock system_clock_;
  std::unique_ptr<fhir::store::Store> store_;
  std::unique_ptr<StoragePool> storage_;
  std::unique_ptr<ReadCache> cache_;
  std::unique_ptr<ResultCache> results_;
  std::unique_ptr<auth::ClientRegistry> clients_;
  std::unique_ptr<auth::TokenCache> tokens_;
  std::unique_ptr<consent::ConsentIndex> consents_;
  std::unique_ptr<consent::AuditLog> audit_;
  bool audit_reported_ = false;  // close() runs twice (explicitly, then ~Runtime)
  std::unique_ptr<ChangeFollower> follower_;
  // The map stage's table (app_.write.instruments points here).
  std::shared_ptr<const mappers::outcomes::InstrumentTable> instruments_;
  // The flag step's thresholds (app_.write.care_rules points here).
  std::shared_ptr<const mappers::care::CareRules> care_rules_;
  std::unique_ptr<FlagSweeper> flags_;
  // The link step's rules (app_.write.matching points here).
  std::shared_ptr<const mappers::identity::MatchingRules> matching_;
  // Forwarding: the write pipeline's matcher (app_.write.subscriptions
  // points here) and the delivery worker, started once the address is known.
  std::unique_ptr<SubscriptionMatcher> subscriptions_;
  std::unique_ptr<DeliveryWorker> forwarder_;
  AppContext app_;
};

// The folder of spec definitions: the setting, else share/carebridge beside
// the binary, else ../share/carebridge (an installed layout).
std::string resolve_share_dir(const std::string& configured);

}  // namespace gateway
