// ConsentIndex: every stored Consent, compiled, by the patient it is
// about, plus the identifiers of the Organizations and Practitioners that
// decisions compare (consent actors and the registered clients'
// organizations). Decisions read an immutable snapshot, so they never wait
// and never touch the store; a change builds a new snapshot before the
// write that caused it is acknowledged (and within one change poll for
// other processes), so a consent change counts from the very next request.
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
    // Owning, by consent id; and by patient, the raw pointers decisions take.
    std::unordered_map<std::string, std::shared_ptr<const CompiledConsent>> by_id;
    std::unordered_map<std::string, std::vector<const CompiledConsent*>, TextHash, std::equal_to<>> by_patient;
    // "Organization/x" or "Practitioner/y" -> the identifiers it carries.
    std::unordered_map<std::string, std::vector<Identifier>> identifiers;
    bool any_needs_content = false;  // some consent's provision reads resources
    std::uint64_t generation = 0;    // rises with every rebuild

    std::span<const CompiledConsent* const> consents_of(std::string_view patient) const;
    bool has_consents(std::string_view patient) const { return by_patient.find(patient) != by_patient.end(); }
    const std::vector<Identifier>* identifiers_of(std::string_view reference) const;
  };

  ConsentIndex();
  // Every Consent and the identifiers they and `organizations` need.
  fhir::Status load_all(fhir::store::Store& store, const std::vector<std::string>& organizations);
  // Re-reads the named Consents (deleted ones leave) and the identifiers.
  fhir::Status refresh(fhir::store::Store& store, const std::vector<std::string>& consent_ids,
                       const std::vector<std::string>& organizations);
  std::shared_ptr<const Snapshot> snapshot() const;

  // Types whose writes change what the index holds.
  static bool affects(std::string_view type);

 private:
  fhir::Status rebuild(fhir::store::Store& store,
                       std::unordered_map<std::string, std::shared_ptr<const CompiledConsent>> by_id,
                       const std::vector<std::string>& organizations);

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
};

}  // namespace consent
