#include "gateway/write/map_stage.hpp"

#include <openssl/evp.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "consent/labels/label_key.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/core/instant.hpp"
#include "gateway/write/check.hpp"
#include "gateway/write/label_stage.hpp"
#include "gateway/write/search_index.hpp"
#include "mappers/outcomes/instrument_table.hpp"
#include "mappers/outcomes/questionnaire_scoring.hpp"

namespace gateway {
namespace {

using fhir::json::Value;
using mappers::outcomes::Instrument;
using mappers::outcomes::Score;

constexpr std::string_view kCategorySystem = "http://terminology.hl7.org/CodeSystem/observation-category";
constexpr std::string_view kUcum = "http://unitsofmeasure.org";
constexpr std::string_view kDataOperation = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
constexpr std::string_view kProvenanceRole = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

// "cb-" + the first 24 hex digits of SHA-256(text): 27 characters, well
// inside R4's 64, and the same on every run (an update finds its version).
std::string hashed_id(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "cb-";
  for (unsigned int i = 0; i < 12 && i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

Value str(std::string_view s) { return Value::make_string(std::string(s)); }

Value coding(std::string_view system, std::string_view code, std::string_view display = {}) {
  Value c = Value::make_object();
  c.set("system", str(system));
  c.set("code", str(code));
  if (!display.empty()) c.set("display", str(display));
  return c;
}

Value concept_of(Value one_coding, std::string_view text = {}) {
  Value cc = Value::make_object();
  Value codings = Value::make_array();
  codings.push_back(std::move(one_coding));
  cc.set("coding", std::move(codings));
  if (!text.empty()) cc.set("text", str(text));
  return cc;
}

Value text_concept(std::string_view text) {
  Value cc = Value::make_object();
  cc.set("text", str(text));
  return cc;
}

Value reference(std::string_view ref) {
  Value r = Value::make_object();
  r.set("reference", str(ref));
  return r;
}

Value one(Value v) {
  Value a = Value::make_array();
  a.push_back(std::move(v));
  return a;
}

Value integer(int n) { return Value::make_number(std::to_string(n)); }

Value derived_meta() {
  Value meta = Value::make_object();
  meta.set("tag", one(coding(kDerivedTagSystem, kDerivedScoreCode, "Derived by the gateway")));
  return meta;
}

// The Observation a complete score becomes. An item without a verified
// LOINC code (PCL-5) is named by its text: component.code is required.
Value score_observation(const Instrument& inst, const Score& s, const std::string& id,
                        const std::string& source_version) {
  Value o = Value::make_object();
  o.set("resourceType", str("Observation"));
  o.set("id", str(id));
  o.set("meta", derived_meta());
  o.set("status", str("final"));
  o.set("category", one(concept_of(coding(kCategorySystem, "survey", "Survey"))));
  o.set("code", concept_of(coding(mappers::outcomes::kLoinc, s.total_code), inst.name));
  if (!s.subject.empty()) o.set("subject", reference(s.subject));
  if (!s.effective.empty()) o.set("effectiveDateTime", str(s.effective));
  Value quantity = Value::make_object();
  quantity.set("value", integer(*s.total));
  quantity.set("unit", str("{score}"));
  quantity.set("system", str(kUcum));
  quantity.set("code", str("{score}"));
  o.set("valueQuantity", std::move(quantity));
  if (!s.severity.empty()) o.set("interpretation", one(text_concept(s.severity)));
  Value components = Value::make_array();
  for (std::size_t i = 0; i < s.items.size() && i < inst.items.size(); ++i) {
    const auto& item = inst.items[i];
    Value c = Value::make_object();
    c.set("code", item.code.empty() ? text_concept(item.text)
                                    : concept_of(coding(mappers::outcomes::kLoinc, item.code), item.text));
    c.set("valueInteger", integer(*s.items[i]));
    components.push_back(std::move(c));
  }
  // The safety item (PHQ-9 item 9) at or above its threshold, said once
  // where a reader looks for it, beside the item's own value.
  if (s.safety_positive) {
    Value c = Value::make_object();
    c.set("code", concept_of(coding(kDerivedTagSystem, "safety-item-positive",
                                    "Safety item at or above its threshold")));
    c.set("valueBoolean", Value::make_bool(*s.safety_positive));
    components.push_back(std::move(c));
  }
  if (!components.items().empty()) o.set("component", std::move(components));
  o.set("derivedFrom", one(reference(source_version)));
  return o;
}

Value score_provenance(const std::string& id, const std::string& target_version,
                       const std::string& source_version, std::int64_t now_ms) {
  Value p = Value::make_object();
  p.set("resourceType", str("Provenance"));
  p.set("id", str(id));
  p.set("meta", derived_meta());
  p.set("target", one(reference(target_version)));
  p.set("recorded", str(fhir::format_instant(now_ms)));
  p.set("activity", concept_of(coding(kDataOperation, "DERIVE", "derive")));
  Value who = Value::make_object();
  who.set("display", str("CareBridge"));
  Value agent = Value::make_object();
  agent.set("type", concept_of(coding(kProvenanceRole, "assembler", "Assembler")));
  agent.set("who", std::move(who));
  p.set("agent", one(std::move(agent)));
  Value entity = Value::make_object();
  entity.set("role", str("source"));
  entity.set("what", reference(source_version));
  p.set("entity", one(std::move(entity)));
  return p;
}

// Appends one version of a resource the gateway derives, through the same
// steps as a client's entry (transaction_unit.cpp store_entry): stamp,
// validate, compartment, label, index. inherited: the labels of what it
// was derived from, added to its own. They are added here, not left to
// propagation, because derivedFrom and Provenance.target name versions
// (Type/id/_history/v), which consent::propagation_sources does not follow.
struct Appended {
  std::int64_t version = 0;
  std::string label_key;
};

fhir::Result<Appended> append_derived(const WriteContext& ctx, fhir::store::WriteTxn& tx, Value root,
                                          const std::string& inherited) {
  auto parsed = fhir::Resource::from_value(std::move(root));
  if (!parsed) return parsed.take_issue();
  fhir::Resource& r = *parsed;
  auto head = tx.head(r.type(), r.id());
  if (!head) return head.take_issue();
  const bool live = *head && !(*head)->deleted;
  fhir::store::NewVersion v;
  v.type = r.type();
  v.id = r.id();
  v.version = *head ? (*head)->version + 1 : 1;
  v.method = "PUT";
  v.last_updated_ms = tx.now_ms();
  r.stamp_version(v.version, fhir::format_instant(v.last_updated_ms));
  // What the gateway writes must meet the rules a client's write meets; a
  // failure is our bug, and fails the transaction rather than store it.
  if (auto st = validate_resource(r, ctx); !st)
    return fhir::make_issue(fhir::err::kInternal,
                            "The " + v.type + " derived by the gateway is invalid: " + st.issue().diagnostics,
                            st.issue().expression);
  v.json = r.to_json();
  v.patient_compartment = ctx.compartment->patients_of(r);
  if (auto st = label_version(ctx, tx, r, false, v); !st) return st.take_issue();
  if (ctx.labels != nullptr && !inherited.empty()) {
    auto labels = consent::decode_label_key(v.label_key);
    labels.add_all(consent::decode_label_key(inherited));
    v.label_key = consent::encode_label_key(labels);
  }
  auto index = index_values(ctx, r);
  v.index = &index;
  fhir::search::IndexValues replaced;
  if (live) {
    auto old = index_values_of(ctx, (*head)->json);
    if (!old) return old.take_issue();
    replaced = std::move(*old);
    v.replaced_index = &replaced;
  }
  auto seq = tx.append(v);
  if (!seq) return seq.take_issue();
  return Appended{v.version, v.label_key};
}

// Deletes a derived resource if it is live; the delete is a version, so
// history keeps what was derived.
fhir::Status delete_derived(const WriteContext& ctx, fhir::store::WriteTxn& tx, std::string_view type,
                            const std::string& id) {
  auto head = tx.head(type, id);
  if (!head) return head.take_issue();
  if (!*head || (*head)->deleted) return fhir::ok_status();
  fhir::store::NewVersion v;
  v.type = std::string(type);
  v.id = id;
  v.version = (*head)->version + 1;
  v.deleted = true;
  v.method = "DELETE";
  v.last_updated_ms = tx.now_ms();
  auto old = index_values_of(ctx, (*head)->json);
  if (!old) return old.take_issue();
  v.replaced_index = &*old;
  auto seq = tx.append(v);
  if (!seq) return seq.take_issue();
  return fhir::ok_status();
}

}  // namespace

std::string derived_observation_id(std::string_view response_id, std::string_view instrument) {
  return hashed_id("QuestionnaireResponse/" + std::string(response_id) + "|" + std::string(instrument));
}

std::string derived_provenance_id(std::string_view response_id, std::string_view instrument) {
  return hashed_id("QuestionnaireResponse/" + std::string(response_id) + "|" + std::string(instrument) +
                   "|provenance");
}

fhir::Status map_version(const WriteContext& ctx, fhir::store::WriteTxn& tx, const fhir::store::NewVersion& qr,
                         const fhir::Resource* response) {
  if (ctx.instruments == nullptr || qr.type != "QuestionnaireResponse") return fhir::ok_status();
  std::set<std::string> written;  // instrument ids with a derived Observation of this version
  if (!qr.deleted && response != nullptr) {
    // A response that cannot be scored at all (entered-in-error, ...) is
    // still stored as sent; it just derives nothing.
    auto scores = mappers::outcomes::score_questionnaire_response(*ctx.instruments, response->root());
    const std::string source_version = "QuestionnaireResponse/" + qr.id + "/_history/" + std::to_string(qr.version);
    for (const Score& s : scores.ok() ? scores.value() : std::vector<Score>()) {
      // An incomplete score writes nothing: a partial sum understates the
      // score (score.hpp), and a low PHQ-9 that is really unanswered items
      // would read as reassurance. The response itself is stored as sent.
      const Instrument* inst = ctx.instruments->find(s.instrument);
      if (!s.complete || !s.total || inst == nullptr) continue;
      const std::string obs_id = derived_observation_id(qr.id, s.instrument);
      auto obs = append_derived(ctx, tx, score_observation(*inst, s, obs_id, source_version), qr.label_key);
      if (!obs) return obs.take_issue();
      const std::string target = "Observation/" + obs_id + "/_history/" + std::to_string(obs->version);
      // The Provenance is at the level of its target (label-rules.json
      // propagate), which is the response's level or above.
      auto prov = append_derived(
          ctx, tx, score_provenance(derived_provenance_id(qr.id, s.instrument), target, source_version, tx.now_ms()),
          obs->label_key);
      if (!prov) return prov.take_issue();
      written.insert(s.instrument);
    }
  }
  // What this version no longer scores (deleted, changed, now incomplete)
  // keeps no current derived Observation: one derived from an older version
  // would stand as the response's score. The Provenance stays, as history.
  // A first version has none to delete.
  if (qr.version == 1) return fhir::ok_status();
  for (const Instrument& inst : ctx.instruments->instruments()) {
    if (written.count(inst.id)) continue;
    if (auto st = delete_derived(ctx, tx, "Observation", derived_observation_id(qr.id, inst.id)); !st) return st;
  }
  return fhir::ok_status();
}

bool is_derived_json(std::string_view json) {
  // The tag's system, as the map stage writes it: one search over the text,
  // no parse (every client write passes here).
  return json.find("\"urn:carebridge:derived\"") != std::string_view::npos;
}

bool is_derived(const fhir::json::Value& resource) {
  const fhir::json::Value* meta = resource.find("meta");
  const fhir::json::Value* tags = meta != nullptr ? meta->find("tag") : nullptr;
  if (tags == nullptr || !tags->is_array()) return false;
  for (const auto& t : tags->items())
    if (t.is_object() && t.string_at("system") == kDerivedTagSystem) return true;
  return false;
}

}  // namespace gateway
