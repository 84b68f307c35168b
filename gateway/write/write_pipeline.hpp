// The write pipeline: every write, from a single request, a bundle entry or
// `carebridge import`, passes these stages in this order, so no path can
// skip one:
//
//   parse -> check -> resolve references -> store
//
// (The consent issue adds labeling and the care-model issue mapping, as
// stages between resolve and store.) The first three are pure and run on the
// caller's thread; store runs inside the group-commit writer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/resource/patient_compartment.hpp"
#include "fhir/resource/resource.hpp"
#include "fhir/store/store.hpp"

namespace profiles {
class TypeModel;
}

namespace gateway {

struct WriteContext {
  const profiles::TypeModel* types = nullptr;
  const fhir::PatientCompartment* compartment = nullptr;
};

enum class WriteKind { create, update, remove };

// What a client asked to write, before any stage ran.
struct WriteRequest {
  WriteKind kind = WriteKind::create;
  std::string type;                       // from the URL
  std::string id;                         // from the URL (update, delete)
  std::string_view body;                  // JSON (create, update)
  std::optional<std::int64_t> if_match;   // expected current version
};

// A write that passed parse, check and resolve, ready for the store.
struct PreparedWrite {
  WriteKind kind = WriteKind::create;
  std::string type;
  std::string id;
  fhir::Resource resource;  // empty for delete
  std::vector<std::string> patient_compartment;
  std::optional<std::int64_t> if_match;
};

// Filled in by the store stage when the unit commits.
struct WriteOutcome {
  std::int64_t version = 0;
  std::int64_t seq = 0;
  std::int64_t last_updated_ms = 0;
  bool created = false;    // a new resource (201), not a new version of one (200)
  bool no_change = false;  // delete of a missing or deleted resource: nothing written
  std::string json;        // the stored resource with meta (empty for delete)
};

// fullUrl (urn:uuid:..., urn:oid:...) -> "Type/id" assigned in this write.
using ReferenceMap = std::unordered_map<std::string, std::string>;

// parse -> check -> resolve. Errors are 400-class issues; nothing is stored.
fhir::Result<PreparedWrite> prepare_write(const WriteRequest& req, const WriteContext& ctx);

// check -> resolve for a resource already parsed (a bundle entry), which
// must be of expected_type. For a create, id is the one already assigned.
// references: the write's fullUrl map, or nullptr.
fhir::Result<PreparedWrite> prepare_parsed(WriteKind kind, std::string_view expected_type,
                                           std::string id, fhir::Resource resource,
                                           std::optional<std::int64_t> if_match,
                                           const WriteContext& ctx, const ReferenceMap* references);

// The store stage as a unit for the group-commit writer: all writes or
// none. outs[i] is filled for writes[i]; read them once the write completed.
fhir::store::WriteUnit store_unit(std::vector<std::shared_ptr<PreparedWrite>> writes,
                                  std::vector<std::shared_ptr<WriteOutcome>> outs);

}  // namespace gateway
