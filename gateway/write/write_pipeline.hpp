// The write pipeline: every write, from a single request, a Bundle entry or
// `carebridge import`, passes these stages in this order, so no path can
// skip one:
//
//   parse -> check -> resolve -> label -> store -> map
//
// parse and check run on the caller's thread (plan_*.cpp, check.cpp):
// the body becomes a WritePlan of checked entries. resolve and store run
// inside the group-commit writer (transaction_unit.cpp), because resolving
// conditional operations and conditional references must see exactly the
// state the write commits against. label (label_stage.hpp) gives each
// version its security labels, stored beside it. map (map_stage.hpp) runs
// once a version is appended: its care facts (care_facts_step.hpp) and,
// for a QuestionnaireResponse, the scores the gateway derives from it are
// written in the same transaction, through the same label and index steps;
// once all of a unit's entries are stored, the flags of the patients whose
// facts changed are brought up to date (flag_step.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/resource/patient_compartment.hpp"
#include "fhir/resource/resource.hpp"
#include "fhir/store/store.hpp"

namespace fhir::search {
class SearchParams;
struct SearchQuery;
}
namespace profiles {
class TypeModel;
}
namespace consent {
class LabelRules;
struct RedisclosureNotice;
}
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

class SubscriptionMatcher;

struct WriteContext {
  const profiles::TypeModel* types = nullptr;
  const fhir::PatientCompartment* compartment = nullptr;
  const fhir::search::SearchParams* search = nullptr;  // what write-time indexing evaluates
  const consent::LabelRules* labels = nullptr;  // the labeling stage's rules; null: no labels
  const consent::RedisclosureNotice* notice = nullptr;  // for resources a write answers with
  // The map stage's instruments (map_stage.hpp); null: no derived scores.
  const mappers::outcomes::InstrumentTable* instruments = nullptr;
  // The care rules: the flag step's thresholds (flag_step.hpp) and the
  // registry's; null: neither.
  const mappers::care::CareRules* care_rules = nullptr;
  // Whether the flag step keeps Flags (setting care_flags; off only to
  // measure what they cost).
  bool care_flags = true;
  // The link step's matching rules (link_step.hpp); null: no automatic links.
  const mappers::identity::MatchingRules* matching = nullptr;
  // The forwarding step's matcher (subscription_matcher.hpp), used by the
  // writer thread alone; null: nothing is queued for subscribers.
  SubscriptionMatcher* subscriptions = nullptr;
  // How many Subscriptions one client may keep (setting
  // max_subscriptions_per_client): each costs a match per write of its
  // type on the writer's thread. 0: no limit.
  int max_subscriptions_per_client = 100;
};

enum class EntryMethod { get, post, put, patch, remove };

// One write (or, inside a Bundle, one entry), parsed and checked.
struct PlannedEntry {
  std::size_t index = 0;  // position in the Bundle, for messages and the response
  EntryMethod method = EntryMethod::post;
  std::string type;
  std::string id;        // from the URL; for POST, assigned by the server
  std::string vid;       // GET Type/id/_history/vid
  std::string criteria;  // conditional: query of the URL, or ifNoneExist
  std::optional<std::int64_t> if_match;
  std::string full_url;  // Bundle.entry.fullUrl, if any
  std::optional<fhir::Resource> resource;  // POST, PUT
  std::optional<fhir::json::Value> patch;  // PATCH: a JSON Patch document
  // A batch entry that failed parse or check: it gets this outcome, and the
  // other entries go on.
  std::optional<fhir::Issue> failed;
};

enum class PlanKind { single, transaction, batch };

// Whether the requester may run this search (type and query) to resolve a
// conditional operation or reference: the requester's scopes, set by the
// gateway for a request; unset for `carebridge import`.
using SearchGuard = std::function<fhir::Status(const std::string& type, const fhir::search::SearchQuery& query)>;
// Whether the requester may see this stored version (consent): a GET entry
// for one it may not is answered as if it did not exist. Unset: all.
using ReadGuard = std::function<bool(const fhir::store::VersionRecord& version)>;
// What a GET entry's requester may not see inside the version (inline
// labels): the JSON to answer instead, or nullopt for json as it is.
using EntryRedactor =
    std::function<std::optional<std::string>(const fhir::store::VersionRecord& version, const std::string& json)>;

struct WritePlan {
  PlanKind kind = PlanKind::single;
  std::vector<PlannedEntry> entries;
  // Keep each written resource in its outcome, for the answer. A bundle's
  // answer carries them only under Prefer: return=representation; not
  // keeping them spares holding a large bundle's resources twice.
  bool keep_written = true;
  SearchGuard may_search;
  ReadGuard may_read;
  EntryRedactor redact;
  // The writing client is a 42 CFR Part 2 program: its records are labeled so.
  bool part2_source = false;
  // The Organization the writing client acts for ("Organization/x"; "" not
  // known): the care model tells one team's data from another's by it.
  std::string source_org;
  // A client's Subscription write (issue 10): the client it belongs to and
  // the purpose of use its deliveries are decided under
  // (gateway/forwarding/subscription_write.hpp); empty for anything else.
  std::string subscriber;
  std::string subscriber_purpose;
  std::string subscriber_user;  // the token's acting user, "" none
};

// What happened to one entry once its unit completed.
struct EntryOutcome {
  int status = 0;  // HTTP status of the entry
  std::string type;
  std::string id;
  std::int64_t version = 0;
  std::int64_t seq = 0;     // commit sequence of the version written; 0 if none
  bool deleted = false;     // the version written is a delete
  std::int64_t last_updated_ms = 0;
  std::string json;  // the resource as stored or read (empty for deletes)
  bool read = false;  // a GET entry: its answer is the resource, whatever Prefer says
  // A GET Type?query entry: the query, searched once the plan has run
  // (handlers/bundle_handler.cpp), whose searchset becomes json.
  std::optional<std::string> search;
  std::optional<fhir::Issue> issue;  // set when the entry failed
  // A GET entry that read a 42 CFR Part 2 record: the 2.32 notice its
  // response carries (a batch-response cannot hold search.mode entries).
  std::string notice;
  // For the audit trail (gateway/audit): a written version's patients
  // (space-separated), and the stored version a GET entry by id found,
  // whether it was served or withheld from the requester.
  std::string patients;
  std::optional<fhir::store::VersionRecord> found;
};

// Messages name the entry: "Bundle.entry[3]: ...".
fhir::Issue entry_issue(const PlannedEntry& e, fhir::Issue issue, bool in_bundle);

}  // namespace gateway
