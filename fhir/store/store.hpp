// fhir::store::Store: the durable record of every version of every resource.
//
// The REST layer talks only to this interface, so a PostgreSQL store can be
// added beside the SQLite one without touching it. Calls are synchronous and
// thread-safe; the gateway runs them on its storage pool, never on an io
// thread. Writes are asynchronous: units queue for the single writer, which
// runs many of them in one transaction (group commit) and reports each
// unit's outcome only once the commit is durable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/search/index_rows.hpp"
#include "fhir/store/care_fact.hpp"
#include "fhir/store/forwarding_rows.hpp"
#include "fhir/search/query.hpp"
#include "fhir/search/search_params.hpp"

namespace fhir::store {

// One stored version. `seq` is the global commit sequence: strictly
// increasing across all resources, shared by history, paging, the
// forwarding outbox and the audit trail.
struct VersionRecord {
  std::string type;
  std::string id;
  std::int64_t version = 0;          // meta.versionId
  std::int64_t seq = 0;              // global commit sequence
  std::int64_t last_updated_ms = 0;  // meta.lastUpdated, epoch ms UTC
  bool deleted = false;
  std::string method;  // "POST", "PUT", "PATCH" or "DELETE": how it was made
  std::string json;    // the resource with meta stamped; empty when deleted
  // Its security labels as the labeling stage left them (consent/labels
  // label_key.hpp), kept beside json; "" when not labeled.
  std::string label_key;
  // Patient ids whose compartment it is in, space-separated.
  std::string patients;
};

// What a write unit appends. The unit has already stamped meta into json.
struct NewVersion {
  std::string type;
  std::string id;
  std::int64_t version = 0;
  std::int64_t last_updated_ms = 0;
  bool deleted = false;
  std::string method;
  std::string json;
  // Patient ids whose compartment this version is in (R4
  // CompartmentDefinition-patient), recorded beside the version.
  std::vector<std::string> patient_compartment;
  // The labeling stage's labels (label_key) and the version of the rules
  // that made them, stored beside json (never inside it).
  std::string label_key;
  std::string label_rules;
  // Search-index rows (fhir/search extract_index_values) of this version,
  // null for a delete; and of the version it replaces, null when that was
  // deleted or there was none. The store keeps the rows of head versions
  // only, replaced in the same commit. Owned by the caller.
  const search::IndexValues* index = nullptr;
  const search::IndexValues* replaced_index = nullptr;
};

// Which stored versions a request may see (consent enforcement). The store
// asks it inside its queries, row by row, so counts, totals and pages are
// computed over what the requester may see and nothing is filtered
// afterwards. One query at a time: the store calls it on the thread that
// runs the query.
class RowFilter {
 public:
  struct Row {
    std::string_view type;
    std::string_view id;
    std::string_view label_key;
    std::string_view patients;  // space-separated patient ids
    std::string_view json;      // the resource; empty unless wants_content()
  };
  virtual ~RowFilter() = default;
  virtual bool visible(const Row& row) const = 0;
  // Whether visible() needs the resource itself (some consent decides on
  // codes or dates), so queries pass its JSON.
  virtual bool wants_content() const { return false; }
  // Otherwise: pass the JSON of the rows whose label key contains this
  // (empty: of none), the only rows whose content visible() reads.
  virtual std::string_view content_marker() const { return {}; }
};

struct HistoryQuery {
  std::string type;  // empty: system-level history
  std::string id;    // empty: type-level (or system-level) history
  std::optional<std::int64_t> since_ms;  // _since: last_updated_ms >= since
  std::optional<std::int64_t> before_seq;  // page cursor: only seq < before_seq
  std::optional<std::int64_t> at_or_below_seq;  // snapshot: seq <= this (stable totals)
  int count = 50;
  // Entries to skip after the filters (offset paging). Stable when combined
  // with at_or_below_seq: versions below a snapshot never change.
  std::int64_t offset = 0;
  // Only versions this filter lets through (totals too); null: all.
  const RowFilter* filter = nullptr;
};

struct HistoryPage {
  std::vector<VersionRecord> entries;  // newest first
  std::int64_t total = 0;  // all matching entries of the snapshot, ignoring the cursor
};

// A search as the store runs it: which types, the request's criteria and
// sort (fhir/search/query.hpp), and the predicates the gateway adds (the
// patient compartment, and consent's RowFilter).
// Every one of them joins the one SQL query, so the ids, their order and
// their count are the answer, never filtered afterwards.
struct SearchSpec {
  std::vector<std::string> types;  // at least one
  const search::SearchQuery* query = nullptr;  // criteria and _sort; null: all
  const search::SearchParams* params = nullptr;  // each type's definition of a code
  // Only resources in these patients' compartments (R4
  // CompartmentDefinition-patient, any of them), the Patients themselves
  // included; empty: no compartment. Several for Patient/$everything over
  // records linked as one person.
  std::vector<std::string> compartment_patients;
  std::optional<std::int64_t> since_ms;  // last_updated_ms >= since
  std::int64_t now_ms = 0;               // for the ap prefix
  std::int64_t limit = 10000;            // at most this many ids
  // Only resources this filter lets through, in the result, the count and
  // every chain and _has link; null: all.
  const RowFilter* filter = nullptr;
  // For the resources the search returns (and counts) only, in place of
  // `filter`: one that also knows the criteria (a resource must match as
  // the requester receives it, redacted); null: `filter`.
  const RowFilter* match_filter = nullptr;
};

struct SearchHit {
  std::string type;
  std::string id;
};

// A registered client system (SMART Backend Services). The store keeps it;
// what the fields mean (roles, scopes, keys) is the gateway's business.
struct ClientRecord {
  std::string id;
  std::string role;          // source, partner, compliance, care-manager, admin
  std::string organization;  // "Organization/ID" the client acts for
  std::string scopes;        // allowed scopes, space-separated
  std::string jwks;          // its public keys (a JWKS document), "" if none yet
  bool part2_program = false;  // a 42 CFR Part 2 program: its data is labeled so
  std::int64_t created_ms = 0;
  std::optional<std::int64_t> revoked_ms;  // set once revoked
  // URL prefixes of the endpoints the gateway may send to for this client
  // (issue 10, forwarding), normalised by the gateway; none: nowhere. Read
  // back in byte order, without repeats; put_client replaces all of them.
  // Last, and with a default, so positional initialisers of the fields
  // above stay complete.
  std::vector<std::string> endpoint_prefixes = {};
};

// Two Patient records judged one person, queued for a person to decide,
// or decided not to be (issue 9: one patient across source systems). One
// row per unordered pair: a < b (byte order of the ids), whichever order
// the caller gave. The store keeps rows; the matcher (mappers/identity)
// decides them, in gateway/.
struct PatientLink {
  std::string a;
  std::string b;
  std::string state;          // "linked", "review" or "rejected"
  double score = 0;           // the $match score, 0..1
  std::string grade;          // match-grade code ("certain"); "" when none
  std::string evidence;       // the matcher's evidence JSON: PHI, never logged
  std::string decided_by;     // "auto", or "manual" / "manual:NAME" (is_manual)
  std::string rules_version;  // of the matching rules that scored it
  std::int64_t updated_ms = 0;
};

// store_meta key that moves with every write to the link table (by any
// process, in the same transaction), so followers reload the links.
inline constexpr std::string_view kPatientLinkGenerationMeta = "patient_link_generation";

// store_meta key given a new random value with every change to a
// subscription's delivery state, in the same transaction: a writer that
// keeps the subscriptions' criteria in memory reloads them when it moves
// (another process's change, or a change rolled back, included).
inline constexpr std::string_view kSubscriptionGenerationMeta = "subscription_generation";

// A decision a person made (carebridge patients link|unlink): "manual" or
// "manual:NAME". Only another manual decision changes it.
inline bool is_manual(std::string_view decided_by) {
  return decided_by == "manual" || decided_by.starts_with("manual:");
}

struct PatientLinkQuery {
  std::string patient;  // only pairs with this Patient id on either side; "" all
  std::string state;    // only this state; "" all
};

// Which care facts to read (care_fact.hpp), in (patient, at_ms) order.
struct CareFactQuery {
  std::vector<std::string> patients;  // only these Patient ids; empty: every patient
  // Only the facts of this one resource (with type); empty: any.
  std::string type;
  std::string id;
  // Only facts whose source version this filter lets through; null: all.
  const RowFilter* filter = nullptr;
};

// The writer's view inside a group transaction. Valid only during the unit.
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;
  // The newest version (deleted or not) of type/id, or nullopt if never stored.
  virtual Result<std::optional<VersionRecord>> head(std::string_view type,
                                                    std::string_view id) = 0;
  // One version of type/id (deleted or not), or nullopt if there is none.
  virtual Result<std::optional<VersionRecord>> version(std::string_view type, std::string_view id,
                                                       std::int64_t version) = 0;
  // Appends a version; assigns and returns its seq. version must be head+1.
  virtual Result<std::int64_t> append(const NewVersion& v) = 0;
  // A search as the transaction sees it (conditional operations).
  virtual Result<std::vector<SearchHit>> search(const SearchSpec& spec) = 0;
  // Current versions of every resource in (type, id) order after the
  // given key ("" "" starts), at most limit: for reindexing.
  virtual Result<std::vector<VersionRecord>> heads_after(std::string_view type, std::string_view id,
                                                         int limit) = 0;
  // The label_key stored with type/id's current version ("" if none, or
  // deleted): what labels propagate from.
  virtual Result<std::string> head_label_key(std::string_view type, std::string_view id) = 0;
  // Relabeling: versions with seq > after, oldest first, at most limit
  // (json filled); a live version's new labels; and a delete's, which are
  // those of the version it deleted.
  virtual Result<std::vector<VersionRecord>> versions_after(std::int64_t after, int limit) = 0;
  virtual Status set_labels(const VersionRecord& rec, std::string_view label_key, std::string_view label_rules) = 0;
  virtual Status carry_labels(const VersionRecord& deleted) = 0;
  // Reindexing: empty the search index, or add one resource's rows.
  virtual Status clear_index() = 0;
  virtual Status add_index(std::string_view type, std::string_view id, const search::IndexValues& rows) = 0;
  virtual Status set_meta(std::string_view key, std::string_view value) = 0;
  // A store_meta value as the transaction sees it, or nullopt.
  virtual Result<std::optional<std::string>> meta(std::string_view key) = 0;
  // Registers a client. Errors: kConflict when the id exists (revoked too).
  virtual Status add_client(const ClientRecord& c) = 0;
  // Marks a client revoked at now_ms. Errors: kNotFound.
  virtual Status revoke_client(std::string_view id, std::int64_t now_ms) = 0;
  // Registers a client or replaces its role, organization, scopes, keys and
  // Part 2 flag (the config file's clients); created and revoked stay, and
  // so do its keys when c.jwks is empty.
  virtual Status put_client(const ClientRecord& c) = 0;
  // Records that client_id used assertion id jti, valid until expires_ms.
  // False when it was used before (a replay). Forgets ids expired by now_ms.
  virtual Result<bool> claim_assertion_id(std::string_view client_id, std::string_view jti,
                                          std::int64_t expires_ms, std::int64_t now_ms) = 0;
  // The row of the pair a, b (either order), or nullopt.
  virtual Result<std::optional<PatientLink>> patient_link(std::string_view a, std::string_view b) = 0;
  // Inserts or replaces the pair's row (a and b put in canonical order).
  // Manual decisions win: an automatic row (decided_by not is_manual) never
  // replaces a manual one, so a pair a person rejected is never linked
  // again by matching, and one they linked is never demoted to review; the
  // row is then left as it is and the result is false. Errors:
  // kInvalidValue for a == b, an empty id, an unknown state or no
  // decided_by.
  virtual Result<bool> put_patient_link(const PatientLink& link) = 0;
  // Deletes the pair's automatic row (when a new match finds no link);
  // a manual row stays. False when there was nothing to delete.
  virtual Result<bool> remove_patient_link(std::string_view a, std::string_view b) = 0;
  // Replaces the care facts of type/id's current version (care_fact.hpp)
  // with these; none removes them (a delete, or nothing to keep). The
  // facts' type, id, version and label_key are ignored. Returns the
  // patients of the facts it replaced (whose flags may change).
  virtual Result<std::vector<std::string>> replace_care_facts(std::string_view type, std::string_view id,
                                    const std::vector<CareFact>& facts) = 0;
  // Care facts as the transaction sees them (q.filter ignored).
  virtual Result<std::vector<CareFact>> care_facts(const CareFactQuery& q) = 0;
  // Patient ids with care facts, in byte order after `after`, at most limit.
  virtual Result<std::vector<std::string>> care_patients(std::string_view after, int limit) = 0;
  // Patient link rows matching q, as the transaction sees them.
  virtual Result<std::vector<PatientLink>> patient_links(const PatientLinkQuery& q) = 0;
  // Forwarding (forwarding_rows.hpp), as the transaction sees it: a
  // subscription's delivery state, every one's, insert or replace, and
  // delete (with its queue; both move kSubscriptionGenerationMeta, the
  // insert only for a StateChange::matching); queueing a matched version (once per
  // subscription) and removing a subscription's items up to a seq.
  virtual Result<std::optional<SubscriptionState>> subscription_state(std::string_view id) = 0;
  virtual Result<std::vector<SubscriptionState>> subscription_states() = 0;
  virtual Status put_subscription_state(const SubscriptionState& s, StateChange change = StateChange::matching) = 0;
  virtual Status remove_subscription_state(std::string_view id) = 0;
  virtual Status enqueue(const OutboxItem& item) = 0;
  virtual Result<std::int64_t> dequeue(std::string_view subscription_id, std::int64_t up_to_seq) = 0;
  // The commit timestamp to stamp into lastUpdated: from the injected clock,
  // never decreasing, so lastUpdated order follows seq order.
  virtual std::int64_t now_ms() = 0;
};

// A unit of work for the writer. It runs inside a savepoint: if it returns an
// error, its changes (and only its) are rolled back.
using WriteUnit = std::function<Status(WriteTxn&)>;
// Called once the unit's outcome is final: after a durable commit, or with
// the unit's error, or with a storage error if the commit failed. Runs on
// the writer thread: it must only hand the result on, never block.
using WriteDone = std::function<void(Status)>;

class Store {
 public:
  virtual ~Store() = default;
  virtual Result<std::optional<VersionRecord>> read_head(std::string_view type,
                                                         std::string_view id) = 0;
  // read_head without the resource (json left empty): its version, labels
  // and patients, for deciding who may see it without reading it.
  virtual Result<std::optional<VersionRecord>> read_head_meta(std::string_view type, std::string_view id) = 0;
  virtual Result<std::optional<VersionRecord>> read_version(std::string_view type,
                                                            std::string_view id,
                                                            std::int64_t version) = 0;
  virtual Result<HistoryPage> history(const HistoryQuery& q) = 0;
  virtual void write(WriteUnit unit, WriteDone done) = 0;
  // Matching current resources in result order (search.hpp, search_sql.cpp).
  virtual Result<std::vector<SearchHit>> search(const SearchSpec& spec) = 0;
  // How many resources the search matches (spec.limit does not apply).
  virtual Result<std::int64_t> count(const SearchSpec& spec) = 0;
  // The registered clients, by id.
  virtual Result<std::optional<ClientRecord>> read_client(std::string_view id) = 0;
  // Changes with every client registered, changed or revoked (by any
  // process): followers reload the registry when it moves.
  virtual Result<std::int64_t> client_generation() = 0;
  virtual Result<std::vector<ClientRecord>> list_clients() = 0;
  // Patient link rows matching q, by (a, b).
  virtual Result<std::vector<PatientLink>> list_patient_links(const PatientLinkQuery& q) = 0;
  // Care facts matching q, each with its source's type, id, version and
  // label_key, in (patient, at_ms) order.
  virtual Result<std::vector<CareFact>> care_facts(const CareFactQuery& q) = 0;
  // Patient ids with care facts, in byte order after `after`, at most limit.
  virtual Result<std::vector<std::string>> care_patients(std::string_view after, int limit) = 0;
  // Forwarding (forwarding_rows.hpp): every subscription's delivery state,
  // one's, and a subscription's queue (oldest first, those after seq
  // `after_seq`) and its length.
  virtual Result<std::vector<SubscriptionState>> subscription_states() = 0;
  virtual Result<std::optional<SubscriptionState>> read_subscription_state(std::string_view id) = 0;
  virtual Result<std::vector<OutboxItem>> outbox(std::string_view subscription_id, int limit,
                                                 std::int64_t after_seq = 0) = 0;
  virtual Result<std::int64_t> outbox_count(std::string_view subscription_id) = 0;
  // A value the gateway keeps beside the data (store_meta), or nullopt.
  virtual Result<std::optional<std::string>> read_meta(std::string_view key) = 0;
  // The highest committed seq.
  virtual Result<std::int64_t> last_seq() = 0;
  // Versions committed after seq (by any process), oldest first, at most
  // limit: type, id, version, seq and deleted filled, json left empty. The
  // feed that caches, forwarding and other followers of the commit
  // sequence read.
  virtual Result<std::vector<VersionRecord>> changes_since(std::int64_t seq, int limit) = 0;
  // Drains queued writes, then closes every connection. Idempotent.
  virtual void close() = 0;
};

}  // namespace fhir::store
