// create, update and delete: each builds a WriteRequest and hands it to the
// write pipeline, then answers from the unit's outcome.
#include <memory>

#include "fhir/core/errors.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/handlers/resource_response.hpp"
#include "gateway/storage/storage_pool.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {
namespace {

// Runs the pipeline; on success returns the outcome, else fails x.
net::awaitable<std::shared_ptr<WriteOutcome>> run_write(Exchange& x, const AppContext& app,
                                                        WriteKind kind) {
  WriteRequest req;
  req.kind = kind;
  req.type = x.route.type;
  req.id = x.route.id;
  req.body = x.request.body;
  if (kind != WriteKind::create) {
    auto if_match = parse_if_match(x.request.header("if-match"));
    if (!if_match) {
      x.fail(if_match.issue());
      co_return nullptr;
    }
    req.if_match = *if_match;
  }
  WriteContext ctx{app.types.get(), app.compartment.get()};
  // Parsing and validating a large body is CPU work, not I/O: it stays on
  // the io thread, which is what those threads are for.
  auto prepared = prepare_write(req, ctx);
  if (!prepared) {
    x.fail(prepared.issue());
    co_return nullptr;
  }
  auto write = std::make_shared<PreparedWrite>(std::move(*prepared));
  auto out = std::make_shared<WriteOutcome>();
  // Built outside the co_await: GCC 12 miscompiles initializer lists there.
  fhir::store::WriteUnit unit = store_unit({write}, {out});
  fhir::Status st = co_await await_write(*app.store, std::move(unit));
  if (!st) {
    x.fail(st.issue());
    co_return nullptr;
  }
  if (kind == WriteKind::create) x.route.id = write->id;
  co_return out;
}

}  // namespace

net::awaitable<void> handle_create(Exchange& x, const AppContext& app) {
  auto out = co_await run_write(x, app, WriteKind::create);
  if (!out) co_return;
  respond_written(x, app, 201, x.route.id, out->version, out->last_updated_ms, std::move(out->json));
}

net::awaitable<void> handle_update(Exchange& x, const AppContext& app) {
  auto out = co_await run_write(x, app, WriteKind::update);
  if (!out) co_return;
  respond_written(x, app, out->created ? 201 : 200, x.route.id, out->version,
                  out->last_updated_ms, std::move(out->json));
}

net::awaitable<void> handle_delete(Exchange& x, const AppContext& app) {
  auto out = co_await run_write(x, app, WriteKind::remove);
  if (!out) co_return;
  if (out->no_change && out->version == 0) {
    x.fail(fhir::make_issue(fhir::err::kNotFound, "No resource with this id"));
    co_return;
  }
  // R4: 200 with an OperationOutcome, or 204 with no body.
  if (x.prefer_return == PreferReturn::operation_outcome) {
    x.response.status = 200;
    x.response.body =
        R"({"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational","diagnostics":"Deleted"}]})";
  } else {
    x.response.status = 204;
  }
  if (!out->no_change) x.response.set_header("ETag", etag_of(out->version));
}

}  // namespace gateway
