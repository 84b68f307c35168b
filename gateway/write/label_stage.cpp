#include "gateway/write/label_stage.hpp"

#include <string>

#include "consent/labels/label_key.hpp"
#include "consent/labels/labeler.hpp"

namespace gateway {
namespace {

fhir::Result<consent::LabelSet> propagated_labels(const consent::LabelRules& rules, fhir::store::WriteTxn& tx,
                                                  const fhir::json::Value& root) {
  consent::LabelSet out;
  for (const std::string& ref : consent::propagation_sources(rules, root)) {
    const auto slash = ref.find('/');
    auto key = tx.head_label_key(std::string_view(ref).substr(0, slash), std::string_view(ref).substr(slash + 1));
    if (!key) return key.take_issue();
    out.add_all(consent::decode_label_key(*key));
  }
  return out;
}

// The source's Part 2 flag is not in the stored data, so a relabel keeps
// a version's Part 2 labels when it had them (an earlier label that only a
// Part 2 source could have given is never lowered).
bool had_part2(std::string_view old_key) {
  return consent::decode_label_key(old_key).contains(consent::kPrivacyLawSystem, "42CFRPart2");
}

}  // namespace

fhir::Status label_version(const WriteContext& ctx, fhir::store::WriteTxn& tx, const fhir::Resource& r,
                           bool part2_source, fhir::store::NewVersion& v) {
  if (ctx.labels == nullptr) return fhir::ok_status();
  auto propagated = propagated_labels(*ctx.labels, tx, r.root());
  if (!propagated) return propagated.take_issue();
  consent::LabelSources sources;
  sources.part2_program = part2_source;
  sources.propagated = &*propagated;
  v.label_key = consent::encode_label_key(consent::label_resource(*ctx.labels, r.root(), sources));
  v.label_rules = ctx.labels->version();
  return fhir::ok_status();
}

fhir::store::WriteUnit relabel_unit(const WriteContext& ctx) {
  return [&ctx](fhir::store::WriteTxn& tx) -> fhir::Status {
    if (ctx.labels == nullptr) return fhir::ok_status();
    std::int64_t after = 0;
    for (;;) {
      auto page = tx.versions_after(after, 512);
      if (!page) return page.take_issue();
      if (page->empty()) break;
      for (const auto& rec : *page) {
        after = rec.seq;
        if (rec.deleted) {
          if (auto st = tx.carry_labels(rec); !st) return st;
          continue;
        }
        auto r = fhir::Resource::parse(rec.json);
        if (!r) return r.take_issue();
        auto propagated = propagated_labels(*ctx.labels, tx, r->root());
        if (!propagated) return propagated.take_issue();
        consent::LabelSources sources;
        sources.part2_program = had_part2(rec.label_key);
        sources.propagated = &*propagated;
        auto labels = consent::label_resource(*ctx.labels, r->root(), sources);
        if (auto st = tx.set_labels(rec, consent::encode_label_key(labels), ctx.labels->version()); !st)
          return st;
      }
    }
    if (auto st = tx.set_meta(kLabelGenerationMeta, std::to_string(tx.now_ms()) + "/" + std::to_string(after)); !st)
      return st;
    return tx.set_meta(kLabelRulesMeta, ctx.labels->version());
  };
}

}  // namespace gateway
