// Writing what the gateway derives (score Observations, their Provenance,
// Flags) inside the writer's transaction, through the same steps as a
// client's entry (transaction_unit.cpp store_entry): stamp, validate,
// compartment, label, index, care facts.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "fhir/store/store.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

struct Appended {
  std::int64_t version = 0;
  std::string label_key;
};

// Appends root as the next version of its type/id. inherited: the labels
// of what it was derived from, added to its own (derivedFrom and
// Provenance.target name versions, which label propagation does not
// follow, and a Flag's evidence is named only in extensions). source: the
// Organization whose data it was derived from, for its care facts.
// touched, when given, gets the patients whose care facts changed.
fhir::Result<Appended> append_derived(const WriteContext& ctx, fhir::store::WriteTxn& tx, fhir::json::Value root,
                                      const std::string& inherited, std::string_view source = {},
                                      std::set<std::string>* touched = nullptr);

// Deletes a derived resource if it is live; the delete is a version, so
// history keeps what was derived.
fhir::Status delete_derived(const WriteContext& ctx, fhir::store::WriteTxn& tx, std::string_view type,
                            const std::string& id, std::set<std::string>* touched = nullptr);

}  // namespace gateway
