#include <charconv>

#include "fhir/core/errors.hpp"
#include "fhir/store/store.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/handlers/resource_response.hpp"
#include "gateway/storage/storage_pool.hpp"

namespace gateway {
namespace {

using Found = fhir::Result<std::optional<fhir::store::VersionRecord>>;

void respond_version(Exchange& x, Found& found, const char* missing) {
  if (!found) {
    x.fail(found.issue());
    return;
  }
  if (!*found) {
    x.fail(fhir::make_issue(fhir::err::kNotFound, missing));
    return;
  }
  fhir::store::VersionRecord& rec = **found;
  if (rec.deleted) {
    x.fail(fhir::make_issue(fhir::err::kGone, "This resource has been deleted"));
    set_version_headers(x.response, rec.version, rec.last_updated_ms);
    return;
  }
  x.response.status = 200;
  set_version_headers(x.response, rec.version, rec.last_updated_ms);
  x.response.body = std::move(rec.json);
}

}  // namespace

net::awaitable<void> handle_read(Exchange& x, const AppContext& app) {
  Found found = co_await app.storage->run(
      [&] { return app.store->read_head(x.route.type, x.route.id); });
  respond_version(x, found, "No resource with this id");
}

net::awaitable<void> handle_vread(Exchange& x, const AppContext& app) {
  std::int64_t vid = 0;
  const std::string& v = x.route.vid;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), vid);
  if (ec != std::errc() || p != v.data() + v.size() || vid < 1) {
    x.fail(fhir::make_issue(fhir::err::kNotFound, "No such version"));
    co_return;
  }
  Found found = co_await app.storage->run(
      [&] { return app.store->read_version(x.route.type, x.route.id, vid); });
  respond_version(x, found, "No such version of this resource");
}

}  // namespace gateway
