// DisclosureFilter: one request's consent enforcement. It answers, for any
// stored version, whether this requester may receive it, by the consent
// decision (consent/decision) over the version's labels, patients and type
// and the patients' consents in a ConsentIndex snapshot taken when the
// request began. It is the store's RowFilter, so searches, counts, chains,
// _has, includes and history filter inside their SQL; and reads, vread and
// Bundle GET entries ask it for the one version they found.
//
// One request, one thread at a time: it remembers decisions by (type,
// patients, labels) when no consent reads resource content.
//
// Patients linked as one person (ConsentIndex, linked_records.hpp) are
// decided as that person: a consent about any of the records governs the
// data of all of them.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "consent/decision/decision_engine.hpp"
#include "consent/enforcement/consent_index.hpp"
#include "consent/enforcement/type_visibility.hpp"
#include "fhir/store/store.hpp"

namespace consent {

class DisclosureFilter final : public fhir::store::RowFilter, private Directory {
 public:
  DisclosureFilter(const DecisionEngine& engine, Requester requester,
                   std::shared_ptr<const ConsentIndex::Snapshot> consents, const TypeVisibility& types,
                   std::int64_t now_ms);

  bool visible(const Row& row) const override;
  bool wants_content() const override { return consents_->any_needs_content; }

  // The same question for a version already read (read, vread, Bundle GET).
  bool may_receive(const fhir::store::VersionRecord& rec) const;
  // Whether it may receive a part of rec that carries `extra` labels of its
  // own (inline labels: consent/enforcement/inline_redaction.hpp).
  bool may_receive_with(const fhir::store::VersionRecord& rec, const LabelSet& extra) const;
  // What decides rec for this requester, for the audit trail: "Consent/ID/
  // _history/V <provision path>" or "policy:<rule id>" (no explanation).
  std::string basis(const fhir::store::VersionRecord& rec) const;
  // The full decision with its explanation ($consent-decision).
  Decision explain(const fhir::store::VersionRecord& rec) const;

  // Versions disclosed only because of an emergency purpose (break the
  // glass): the gateway raises a compliance alert for them.
  std::int64_t break_glass_disclosures() const { return break_glass_.load(std::memory_order_relaxed); }
  const Requester& requester() const { return requester_; }
  // Which consent snapshot it decides by (paging cursors are bound to it).
  std::uint64_t consent_generation() const { return consents_->generation; }
  // The other Patient records linked to this one as the same person (issue
  // 9) that this requester may receive, sorted; deleted ones left out.
  // Records it may not receive are never named (Patient.link, $everything).
  std::vector<std::string> linked_records(std::string_view patient) const;

 private:
  std::vector<Identifier> identifiers_of(std::string_view reference) const override;
  bool consent_reader() const;
  bool subscription_reader(std::string_view id) const;
  bool any_consents(std::string_view patients) const;
  // A row's patients as the persons they are (ConsentIndex person keys).
  std::vector<std::string> persons_of(std::string_view patients) const;
  Verdict verdict(const Row& row, const LabelSet* extra) const;
  // The consents about any of these patients (a resource's compartments).
  std::vector<const CompiledConsent*> consents_about(const std::vector<std::string>& patients) const;
  static Row row_of(const fhir::store::VersionRecord& rec, bool with_json);
  ResourceFacts facts(const Row& row) const;

  const DecisionEngine& engine_;
  Requester requester_;
  std::shared_ptr<const ConsentIndex::Snapshot> consents_;
  const TypeVisibility& types_;
  std::int64_t now_ms_;
  struct Memo {
    bool permit = false;
    bool break_glass = false;
    std::string basis;  // what decided it, for the audit trail (basis())
  };
  // The memo key of row into key_buffer_; false when the decision depends
  // on the resource's content (no memo then).
  bool memo_key(const Row& row) const;
  static std::string basis_of(const Verdict& v);
  mutable std::unordered_map<std::string, Memo> memo_;
  mutable std::string key_buffer_;
  mutable std::atomic<std::int64_t> break_glass_{0};
};

// "a b c" -> {"a", "b", "c"}
std::vector<std::string> split_patients(std::string_view patients);

}  // namespace consent
