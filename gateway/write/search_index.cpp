#include "gateway/write/search_index.hpp"

#include "fhir/search/index_values.hpp"
#include "fhir/search/search_params.hpp"

namespace gateway {

fhir::search::IndexValues index_values(const WriteContext& ctx, const fhir::Resource& r) {
  return fhir::search::extract_index_values(*ctx.search, r.root());
}

fhir::Result<fhir::search::IndexValues> index_values_of(const WriteContext& ctx, const std::string& json) {
  auto r = fhir::Resource::parse(json);
  if (!r) return r.take_issue();
  return index_values(ctx, *r);
}

fhir::store::WriteUnit reindex_unit(const WriteContext& ctx) {
  return [&ctx](fhir::store::WriteTxn& tx) -> fhir::Status {
    if (auto st = tx.clear_index(); !st) return st;
    std::string type, id;
    for (;;) {
      auto page = tx.heads_after(type, id, 512);
      if (!page) return page.take_issue();
      if (page->empty()) break;
      for (const auto& head : *page) {
        if (head.deleted) continue;
        auto rows = index_values_of(ctx, head.json);
        if (!rows) return rows.take_issue();
        if (auto st = tx.add_index(head.type, head.id, *rows); !st) return st;
      }
      type = page->back().type;
      id = page->back().id;
    }
    return tx.set_meta("index", kIndexStamp);
  };
}

}  // namespace gateway
