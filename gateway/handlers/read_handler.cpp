#include <charconv>
#include <memory>

#include "fhir/core/errors.hpp"
#include "fhir/store/store.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/disclosure/present.hpp"
#include "gateway/disclosure/request_filter.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/handlers/resource_response.hpp"
#include "gateway/search/projection.hpp"
#include "gateway/storage/read_cache.hpp"
#include "gateway/storage/storage_pool.hpp"

namespace gateway {
namespace {

using Found = fhir::Result<std::optional<fhir::store::VersionRecord>>;

void respond_record(Exchange& x, const AppContext& app, const fhir::store::VersionRecord& rec) {
  if (rec.deleted) {
    x.fail(fhir::make_issue(fhir::err::kGone, "This resource has been deleted"));
  } else {
    // _summary and _elements apply to reads too (R4 search.html).
    auto projection = projection_from_query(x.query);
    if (!projection) {
      x.fail(projection.issue());
      return;
    }
    x.response.status = 200;
    std::string scratch;
    const std::string& json = disclosed_json(x.disclosure.get(), rec, scratch);
    if (projection->active()) {
      x.response.body.clear();
      append_projected(x.response.body, app, *projection, json);
    } else {
      x.response.body = json;
    }
  }
  set_version_headers(x.response, rec.version, rec.last_updated_ms);
}

// The record, or nullptr after answering the error.
std::shared_ptr<const fhir::store::VersionRecord> take_found(Exchange& x, const AppContext& app, Found& found,
                                                             const char* missing) {
  if (!found) {
    x.fail(found.issue());
    return nullptr;
  }
  if (!*found) {
    x.fail(fhir::make_issue(fhir::err::kNotFound, missing));
    return nullptr;
  }
  present(app, **found);
  return std::make_shared<const fhir::store::VersionRecord>(std::move(**found));
}

// Consent: a version the requester may not receive is answered exactly as
// a missing one (same status, same body), so nothing says it exists.
bool withheld(Exchange& x, const AppContext& app, const fhir::store::VersionRecord& rec, const char* missing) {
  const consent::DisclosureFilter* filter = disclosure_for(x, app);
  if (filter == nullptr || filter->may_receive(rec)) return false;
  x.fail(fhir::make_issue(fhir::err::kNotFound, missing));
  return true;
}

constexpr const char* kNoResource = "No resource with this id";
constexpr const char* kNoVersion = "No such version of this resource";

// The read's AuditEvent, before the answer leaves: the version disclosed
// (with what allowed it), or what was asked and refused (withheld, or not
// there: both are recorded, so the two take the same time, too).
net::awaitable<void> audit_read(Exchange& x, const AppContext& app, const fhir::store::VersionRecord* rec,
                                const char* interaction) {
  if (x.response.status >= 500 || app.audit == nullptr) co_return;  // a storage error: nothing to record
  consent::AuditDescription d = describe_request(x, app, interaction);
  const consent::DisclosureFilter* filter = disclosure_for(x, app);
  if (rec == nullptr || x.response.status >= 400) {
    add_refusal(d, filter, x.route.type + "/" + x.route.id, rec);
  } else {
    add_version(d, filter, *rec);
    mark_disclosure(d, app, filter);
  }
  co_await record_audit(x, app, std::move(d));
}

}  // namespace

net::awaitable<void> handle_read(Exchange& x, const AppContext& app) {
  // A cache hit is answered right here on the io thread, from memory.
  if (auto hit = app.cache->get(x.route.type, x.route.id)) {
    if (!withheld(x, app, *hit, kNoResource)) respond_record(x, app, *hit);
    co_await audit_read(x, app, hit.get(), "read");
    co_return;
  }
  std::uint64_t epoch = app.cache->epoch(x.route.type, x.route.id);
  Found found = co_await app.storage->run(
      [&] { return app.store->read_head(x.route.type, x.route.id); });
  auto rec = take_found(x, app, found, kNoResource);
  if (rec && !withheld(x, app, *rec, kNoResource)) respond_record(x, app, *rec);
  co_await audit_read(x, app, rec.get(), "read");
  if (rec) app.cache->put(std::move(rec), epoch);
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
  auto rec = take_found(x, app, found, kNoVersion);
  if (rec && !withheld(x, app, *rec, kNoVersion)) respond_record(x, app, *rec);
  co_await audit_read(x, app, rec.get(), "vread");
}

}  // namespace gateway
