// The store stage of the write pipeline: runs on the group-commit writer,
// inside the unit's savepoint, so its checks and its append are atomic.
#include "fhir/core/errors.hpp"
#include "fhir/core/instant.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {
namespace {

using fhir::store::WriteTxn;

fhir::Status check_if_match(const PreparedWrite& w,
                            const std::optional<fhir::store::VersionRecord>& head) {
  if (!w.if_match) return fhir::ok_status();
  if (!head || head->deleted || head->version != *w.if_match)
    return fhir::make_issue(fhir::err::kVersionConflict,
                            "If-Match names version " + std::to_string(*w.if_match) +
                                ", which is not the current version");
  return fhir::ok_status();
}

fhir::Status run_unit(PreparedWrite& w, WriteOutcome& out, WriteTxn& tx) {
  auto head = tx.head(w.type, w.id);
  if (!head) return head.take_issue();
  if (auto st = check_if_match(w, *head); !st) return st;

  fhir::store::NewVersion v;
  v.type = w.type;
  v.id = w.id;
  v.version = *head ? (*head)->version + 1 : 1;
  v.last_updated_ms = tx.now_ms();

  if (w.kind == WriteKind::remove) {
    if (!*head || (*head)->deleted) {
      // R4: deleting what is absent or already deleted changes nothing.
      out.no_change = true;
      out.version = *head ? (*head)->version : 0;
      return fhir::ok_status();
    }
    v.deleted = true;
    v.method = "DELETE";
  } else {
    if (w.kind == WriteKind::create && *head)
      return fhir::make_issue(fhir::err::kConflict, "A resource with this id already exists");
    w.resource.stamp_version(v.version, fhir::format_instant(v.last_updated_ms));
    v.method = w.kind == WriteKind::create ? "POST" : "PUT";
    v.json = w.resource.to_json();
    v.patient_compartment = w.patient_compartment;
  }
  auto seq = tx.append(v);
  if (!seq) return seq.take_issue();
  out.version = v.version;
  out.seq = *seq;
  out.last_updated_ms = v.last_updated_ms;
  out.created = !*head || (*head)->deleted;
  out.json = std::move(v.json);
  return fhir::ok_status();
}

}  // namespace

fhir::store::WriteUnit store_unit(std::vector<std::shared_ptr<PreparedWrite>> writes,
                                  std::vector<std::shared_ptr<WriteOutcome>> outs) {
  return [writes = std::move(writes), outs = std::move(outs)](WriteTxn& tx) -> fhir::Status {
    // One savepoint around the unit: the first failure undoes all of it.
    for (std::size_t i = 0; i < writes.size(); ++i)
      if (auto st = run_unit(*writes[i], *outs[i], tx); !st) return st;
    return fhir::ok_status();
  };
}

}  // namespace gateway
