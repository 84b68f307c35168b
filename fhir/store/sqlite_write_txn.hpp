// The writer's WriteTxn: what a unit sees inside the group transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/core/clock.hpp"
#include "fhir/store/store.hpp"

namespace fhir::store {

class Connection;

// One per group; the writer thread hands it to each unit in turn.
class SqliteWriteTxn final : public WriteTxn {
 public:
  SqliteWriteTxn(Connection& conn, const Clock& clock) : conn_(conn), clock_(clock) {}

  // Reads through the writer connection, so it sees earlier units of the group.
  Result<std::optional<VersionRecord>> head(std::string_view type, std::string_view id) override;
  Result<std::optional<VersionRecord>> version(std::string_view type, std::string_view id,
                                               std::int64_t version) override;
  // A failed append poisons its unit (take_append_failure): a unit that
  // ignores the failure still cannot commit half a version.
  Result<std::int64_t> append(const NewVersion& v) override;
  // Whether an append failed since the last call (and resets it): the
  // writer then rolls the unit back whatever the unit returned.
  bool take_append_failure() { return std::exchange(append_failed_, false); }
  Result<std::vector<VersionRecord>> heads_after(std::string_view type, std::string_view id,
                                                 int limit) override;
  Result<std::vector<SearchHit>> search(const SearchSpec& spec) override;
  Result<std::string> head_label_key(std::string_view type, std::string_view id) override;
  Result<std::vector<VersionRecord>> versions_after(std::int64_t after, int limit) override;
  Status set_labels(const VersionRecord& rec, std::string_view label_key, std::string_view label_rules) override;
  Status carry_labels(const VersionRecord& deleted) override;
  Status clear_index() override;
  Status add_index(std::string_view type, std::string_view id, const search::IndexValues& rows) override;
  Status set_meta(std::string_view key, std::string_view value) override;
  Result<std::optional<std::string>> meta(std::string_view key) override;
  Status add_client(const ClientRecord& c) override;
  Status revoke_client(std::string_view id, std::int64_t now_ms) override;
  Status put_client(const ClientRecord& c) override;
  Result<bool> claim_assertion_id(std::string_view client_id, std::string_view jti, std::int64_t expires_ms,
                                  std::int64_t now_ms) override;
  Result<std::optional<PatientLink>> patient_link(std::string_view a, std::string_view b) override;
  Result<bool> put_patient_link(const PatientLink& link) override;
  Result<bool> remove_patient_link(std::string_view a, std::string_view b) override;
  Result<std::vector<std::string>> replace_care_facts(std::string_view type, std::string_view id,
                            const std::vector<CareFact>& facts) override;
  Result<std::vector<CareFact>> care_facts(const CareFactQuery& q) override;
  Result<std::vector<std::string>> care_patients(std::string_view after, int limit) override;
  Result<std::vector<PatientLink>> patient_links(const PatientLinkQuery& q) override;
  Result<std::optional<SubscriptionState>> subscription_state(std::string_view id) override;
  Result<std::vector<SubscriptionState>> subscription_states() override;
  Status put_subscription_state(const SubscriptionState& s, StateChange change) override;
  Status remove_subscription_state(std::string_view id) override;
  Status enqueue(const OutboxItem& item) override;
  Result<std::int64_t> dequeue(std::string_view subscription_id, std::int64_t up_to_seq) override;
  std::int64_t now_ms() override;

 private:
  Status insert(const NewVersion& v, std::int64_t& seq);
  Status sync_head_labels(const VersionRecord& rec);

  Connection& conn_;
  const Clock& clock_;
  // The greatest last_updated_ms stored or stamped so far. Loaded from the
  // file inside the group's transaction, since another process may have
  // written since the last group.
  std::optional<std::int64_t> high_water_ms_;
  bool append_failed_ = false;
};

}  // namespace fhir::store
