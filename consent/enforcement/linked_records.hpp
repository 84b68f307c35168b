// LinkedRecords: the Patient records that are one person (issue 9), as the
// link table's `linked` rows say, grouped: two records linked directly or
// through others are the same person. An immutable value read by every
// request (consent across linked records, Patient.link on output,
// $everything); LinkFollower keeps one up to date with the store.
//
// Each group is named by its least id (byte order), the person key:
// decisions treat the consents of every record of a group as the person's.
// The head version of every member (labels and patients, no JSON) is kept
// too, so whether a requester may see a linked record is decided without a
// store read (output runs on io threads).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"

namespace consent {

class LinkedRecords {
  // Looked up by string_view without allocating: decisions map every
  // candidate row's patients to persons.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <class T>
  using ById = std::unordered_map<std::string, T, Hash, std::equal_to<>>;

 public:
  // Groups of the linked pairs (rows of any other state are ignored);
  // heads: the members' current versions, json left empty.
  static std::shared_ptr<const LinkedRecords> build(
      const std::vector<fhir::store::PatientLink>& pairs,
      std::unordered_map<std::string, fhir::store::VersionRecord> heads);
  static std::shared_ptr<const LinkedRecords> none();

  // The person key of a Patient id: its group's least id, else the id.
  std::string_view person_of(std::string_view patient) const;
  // The ids of the patient's group, sorted, the patient among them; null
  // when it is linked to no other record.
  const std::vector<std::string>* group_of(std::string_view patient) const;
  // A member's current version (labels, patients, deleted), or null.
  const fhir::store::VersionRecord* head_of(std::string_view patient) const;
  bool empty() const { return group_index_.empty(); }
  std::size_t member_count() const { return group_index_.size(); }

 private:
  std::vector<std::vector<std::string>> groups_;
  ById<std::size_t> group_index_;  // member -> groups_ index
  ById<fhir::store::VersionRecord> heads_;
};

// Follows the store's link table (kPatientLinkGenerationMeta) and the
// members' versions. One caller at a time (the consent index holds its
// refresh lock around it).
class LinkFollower {
 public:
  // Reads every linked pair and member head.
  fhir::Status load(fhir::store::Store& store);
  // Brings the records up to date: the pairs when the generation moved,
  // and the heads of members written since the last call (or of every
  // member with reread_heads: after a relabel, which makes no versions).
  // True when anything changed.
  fhir::Result<bool> refresh(fhir::store::Store& store, bool reread_heads = false);
  std::shared_ptr<const LinkedRecords> records() const { return records_; }

 private:
  fhir::Status rebuild(fhir::store::Store& store, const std::vector<std::string>& changed, bool reread_all);

  bool loaded_ = false;  // the pairs were read once
  std::string generation_;
  std::int64_t seq_ = 0;  // versions up to here are reflected in the heads
  std::vector<fhir::store::PatientLink> pairs_;
  std::shared_ptr<const LinkedRecords> records_ = LinkedRecords::none();
};

}  // namespace consent
