// GET /$registry and GET /Group/{id}/$registry: the measurement-based-care
// registry (care/registry_service.hpp) for the asking client, through the
// same consent enforcement as a search. The population is every patient
// with care facts; a caseload is a Group's active Patient members. A
// Parameters resource, or CSV (_format=csv, or Accept: text/csv first).
// _count and _offset page through persons; a page carries rows only,
// while the whole list also carries the quality measures.
#include <charconv>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "consent/enforcement/consent_index.hpp"
#include "consent/enforcement/disclosure_filter.hpp"
#include "consent/enforcement/linked_records.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/search/query_issues.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/care/registry_render.hpp"
#include "gateway/care/registry_service.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/disclosure/request_filter.hpp"
#include "gateway/handlers/handlers.hpp"
#include "gateway/http/csv_text.hpp"
#include "gateway/storage/storage_pool.hpp"

namespace gateway {
namespace {

using fhir::search::invalid_value;

// A registry of more persons than this is not read a page at a time by
// anyone; the limit keeps one request's answer bounded.
constexpr std::int64_t kMaxCount = 10'000;

struct Asked {
  RegistryAsk ask;
  bool csv = false;
};

fhir::Result<std::int64_t> whole(std::string_view name, std::string_view text, std::int64_t max) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0 || n > max)
    return invalid_value(name, "expected a whole number from 0 to " + std::to_string(max));
  return n;
}

fhir::Result<Asked> asked_of(const Exchange& x) {
  Asked a;
  a.csv = csv_requested(x.request.header("accept"), nullptr);
  for (const auto& [name, value] : x.query) {
    if (name == "_format") {
      a.csv = is_csv_media(value);
    } else if (name == "_count") {
      auto n = whole(name, value, kMaxCount);
      if (!n) return n.take_issue();
      a.ask.count = *n;
    } else if (name == "_offset") {
      auto n = whole(name, value, INT64_MAX / 2);
      if (!n) return n.take_issue();
      a.ask.offset = *n;
    } else {
      // A misspelt parameter must not widen the answer unnoticed.
      return fhir::make_issue(fhir::err::kInvalidParameter,
                              "Parameter '" + name + "' is not a parameter of $registry: _count, _offset and _format are",
                              name);
    }
  }
  // The measures are over everyone: they come with the whole list.
  a.ask.measures = !a.ask.count && a.ask.offset == 0;
  return a;
}

// The Group's active Patient members, in its order (R4 Group.member:
// inactive members, and those whose period has ended, are not in it now).
std::vector<std::string> caseload_of(const fhir::json::Value& group, std::int64_t now_ms) {
  std::vector<std::string> out;
  const fhir::json::Value* members = group.find("member");
  if (members == nullptr || !members->is_array()) return out;
  for (const auto& m : members->items()) {
    if (const auto* inactive = m.find("inactive"); inactive != nullptr && inactive->is_bool() && inactive->as_bool())
      continue;
    if (const auto* period = m.find("period"))
      if (auto end = fhir::parse_instant(period->string_at("end")); end && *end <= now_ms) continue;
    const fhir::json::Value* entity = m.find("entity");
    if (entity == nullptr) continue;
    std::string_view ref = entity->string_at("reference");
    if (!ref.starts_with("Patient/")) continue;
    ref.remove_prefix(8);
    if (!ref.empty() && ref.find('/') == std::string_view::npos) out.emplace_back(ref);
  }
  return out;
}

}  // namespace

net::awaitable<void> handle_registry(Exchange& x, const AppContext& app) {
  if (!x.route.type.empty() && x.route.type != "Group") {
    x.fail(fhir::make_issue(fhir::err::kUnknownRoute, "$registry is defined on Group and on the whole server"));
    co_return;
  }
  if (app.write.care_rules == nullptr) {
    x.fail(fhir::make_issue(fhir::err::kUnknownRoute, "This server keeps no care registry"));
    co_return;
  }
  auto asked = asked_of(x);
  if (!asked) {
    x.fail(asked.issue());
    co_return;
  }
  const consent::DisclosureFilter* filter = disclosure_for(x, app);
  asked->ask.now_ms = app.clock->now_ms();
  std::optional<fhir::store::VersionRecord> group;
  if (!x.route.type.empty()) {
    auto found = co_await app.storage->run([&] { return app.store->read_head("Group", x.route.id); });
    if (!found) {
      x.fail(found.issue());
      co_return;
    }
    // A Group the requester may not receive is as absent as a missing one.
    if (!*found || (*found)->deleted || (filter != nullptr && !filter->may_receive(**found))) {
      x.fail(fhir::make_issue(fhir::err::kNotFound, "No resource with this id"));
      co_return;
    }
    auto parsed = fhir::json::parse((*found)->json);
    if (!parsed) {
      x.fail(parsed.issue());
      co_return;
    }
    asked->ask.caseload = caseload_of(*parsed, asked->ask.now_ms);
    group = std::move(**found);
  }
  // The person a record belongs to, as the consent decisions see it.
  const auto consents = app.consents->snapshot();
  auto answer = co_await app.storage->run(
      [&] { return compute_registry(*app.store, *app.write.care_rules, *consents->links, filter, asked->ask); });
  if (!answer) {
    x.fail(answer.issue());
    co_return;
  }
  x.response.status = 200;
  if (asked->csv) {
    x.response.body = registry_csv(*answer);
    x.response.set_header("Content-Type", "text/csv; charset=utf-8");
  } else {
    x.response.body = registry_parameters(*answer);
  }
  // One record: the Group and each Patient a row was about, so each
  // patient's accounting lists the registry among their disclosures.
  consent::AuditDescription d = describe_request(x, app, "operation");
  if (group) add_version(d, filter, *group);
  for (const auto& patient : answer->patients) add_version(d, filter, patient);
  mark_disclosure(d, app, filter);
  co_await record_audit(x, app, std::move(d));
}

}  // namespace gateway
