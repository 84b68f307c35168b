// ConsentIndex: every stored Consent, compiled, by the person it is
// about, plus the identifiers of the Organizations and Practitioners that
// decisions compare (consent actors and the registered clients'
// organizations), and the Patient records linked as one person
// (linked_records.hpp). Decisions read an immutable snapshot, so they
// never wait and never touch the store; a change builds a new snapshot
// before the write that caused it is acknowledged (and within one change
// poll for other processes), so a consent or link change counts from the
// very next request.
//
// Issue 9: a Consent governs the data of the record it names and of the
// records linked to it. Consents are filed under the person key of their
// patient (its group's least id), rewritten to name that key, and the
// filter decides each resource under its patients' person keys; the
// decision engine then sees one patient with all the person's consents.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "consent/decision/compiled_consent.hpp"
#include "consent/decision/decision_inputs.hpp"
#include "consent/enforcement/linked_records.hpp"
#include "fhir/core/result.hpp"

namespace fhir::store {
class Store;
}

namespace consent {

// Lets string-keyed maps be searched with a string_view (no allocation
// per lookup: decisions look patients up row by row).
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class ConsentIndex {
 public:
  struct Snapshot {
    // Owning, by consent id; and by person key, the raw pointers decisions
    // take (a linked record's consent as a copy naming the person key).
    std::unordered_map<std::string, std::shared_ptr<const CompiledConsent>> by_id;
    std::unordered_map<std::string, std::vector<const CompiledConsent*>, TextHash, std::equal_to<>> by_patient;
    std::vector<std::shared_ptr<const CompiledConsent>> person_copies;
    // The Patient records linked as one person; never null.
    std::shared_ptr<const LinkedRecords> links = LinkedRecords::none();
    // "Organization/x" or "Practitioner/y" -> the identifiers it carries.
    std::unordered_map<std::string, std::vector<Identifier>> identifiers;
    bool any_needs_content = false;  // some consent's provision reads resources
    std::uint64_t generation = 0;    // rises with every rebuild

    // By person key (person_of); a patient linked to no other record is
    // its own key.
    std::span<const CompiledConsent* const> consents_of(std::string_view person) const;
    bool has_consents(std::string_view person) const { return by_patient.find(person) != by_patient.end(); }
    std::string_view person_of(std::string_view patient) const { return links->person_of(patient); }
    const std::vector<Identifier>* identifiers_of(std::string_view reference) const;
  };

  ConsentIndex();
  // Every Consent and the identifiers they and `organizations` need.
  fhir::Status load_all(fhir::store::Store& store, const std::vector<std::string>& organizations);
  // Re-reads the named Consents (deleted ones leave) and the identifiers,
  // and follows the link table and the linked records' versions. A new
  // snapshot is published only when something changed.
  fhir::Status refresh(fhir::store::Store& store, const std::vector<std::string>& consent_ids,
                       const std::vector<std::string>& organizations);
  // Re-reads every linked record's labels (after a relabel, which makes no
  // new versions).
  fhir::Status relabeled(fhir::store::Store& store);
  std::shared_ptr<const Snapshot> snapshot() const;

  // Types whose writes change what the index holds.
  static bool affects(std::string_view type);

 private:
  using ById = std::unordered_map<std::string, std::shared_ptr<const CompiledConsent>>;
  using Identifiers = std::unordered_map<std::string, std::vector<Identifier>>;
  fhir::Result<Identifiers> read_identifiers(fhir::store::Store& store, const ById& by_id,
                                             const std::vector<std::string>& organizations) const;
  // Publishes a snapshot of these (refresh_mu_ held).
  void publish(ById by_id, Identifiers identifiers, std::shared_ptr<const LinkedRecords> links);

  // Read by every request. Each thread keeps the snapshot it last took and
  // takes the lock only when published_ says a newer one exists, so
  // requests never contend on mu_ between consent changes.
  mutable std::mutex mu_;
  std::shared_ptr<const Snapshot> snapshot_;  // guarded by mu_
  std::atomic<std::uint64_t> published_{0};   // generation of snapshot_
  // Unique per index in the process (an address can be reused after an
  // index is gone; a thread's remembered snapshot must not be).
  const std::uint64_t instance_;
  std::mutex refresh_mu_;                     // one rebuild at a time
  std::uint64_t generation_ = 0;              // guarded by refresh_mu_
  LinkFollower links_;                        // guarded by refresh_mu_
};

}  // namespace consent
