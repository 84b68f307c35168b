#include "gateway/disclosure/present.hpp"

#include "consent/labels/label_output.hpp"
#include "gateway/app/app_context.hpp"

namespace gateway {

void present(const AppContext& app, fhir::store::VersionRecord& rec) {
  if (rec.deleted || rec.label_key.empty() || app.part2_notice == nullptr) return;
  rec.json = consent::render_labeled(rec.json, rec.label_key, *app.part2_notice);
}

}  // namespace gateway
