#include "gateway/write/care_facts_step.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "fhir/json/parse.hpp"
#include "gateway/write/flag_step.hpp"
#include "mappers/care/care_facts.hpp"
#include "mappers/care/care_rules.hpp"
#include "mappers/outcomes/instrument_table.hpp"

namespace gateway {

fhir::Result<std::vector<std::string>> store_care_facts(const WriteContext& ctx, fhir::store::WriteTxn& tx,
                                                        std::string_view type, std::string_view id,
                                                        const fhir::json::Value* resource, std::string_view source) {
  if (ctx.instruments == nullptr || !mappers::care::has_care_facts(type)) return std::vector<std::string>{};
  std::vector<fhir::store::CareFact> facts;
  if (resource != nullptr) facts = mappers::care::care_facts_of(*ctx.instruments, *resource);
  for (auto& f : facts) f.source = std::string(source);
  auto replaced = tx.replace_care_facts(type, id, facts);
  if (!replaced) return replaced.take_issue();
  std::vector<std::string> patients = std::move(*replaced);
  for (const auto& f : facts) patients.push_back(f.patient);
  std::sort(patients.begin(), patients.end());
  patients.erase(std::unique(patients.begin(), patients.end()), patients.end());
  return patients;
}

std::string care_facts_stamp(const WriteContext& ctx) {
  std::string stamp(mappers::care::kCareFactsVersion);
  stamp += "|" + (ctx.instruments ? ctx.instruments->version() : std::string("-"));
  stamp += "|" + (ctx.care_rules ? ctx.care_rules->version : std::string("-"));
  return stamp;
}

fhir::store::WriteUnit rebuild_care_facts_unit(const WriteContext& ctx) {
  return [&ctx](fhir::store::WriteTxn& tx) -> fhir::Status {
    std::set<std::string> touched;
    std::string type, id;
    for (;;) {
      auto page = tx.heads_after(type, id, 512);
      if (!page) return page.take_issue();
      if (page->empty()) break;
      for (const auto& head : *page) {
        if (!mappers::care::has_care_facts(head.type)) continue;
        // The Organization that wrote it is known only from its rows.
        fhir::store::CareFactQuery mine;
        mine.type = head.type;
        mine.id = head.id;
        auto old = tx.care_facts(mine);
        if (!old) return old.take_issue();
        const std::string source = old->empty() ? std::string() : old->front().source;
        std::optional<fhir::json::Value> resource;
        if (!head.deleted) {
          auto parsed = fhir::json::parse(head.json);
          if (!parsed) return parsed.take_issue();
          resource = std::move(*parsed);
        }
        auto patients = store_care_facts(ctx, tx, head.type, head.id, resource ? &*resource : nullptr, source);
        if (!patients) return patients.take_issue();
        touched.insert(patients->begin(), patients->end());
      }
      type = page->back().type;
      id = page->back().id;
    }
    if (auto st = refresh_flags(ctx, tx, touched); !st) return st;
    return tx.set_meta(kCareFactsMeta, care_facts_stamp(ctx));
  };
}

}  // namespace gateway
