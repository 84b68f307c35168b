// Search parameters: the input is "Type?query" (the type may be empty).
// It goes through the URL query splitter and percent-decoding, the
// conditional-operation criteria parser and the search query parser
// against the R4 SearchParameter registry, lenient and strict.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/query.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/search/query_canonical.hpp"
#include "fhir/search/query_parser.hpp"
#include "fhir/search/search_params.hpp"
#include "fuzz/support/invariant.hpp"
#include "fuzz/support/r4_data.hpp"
#include "gateway/write/criteria.hpp"

namespace {
std::shared_ptr<const profiles::TypeModel> g_model;  // loaded once, read-only
std::shared_ptr<const fhir::search::SearchParams> g_params;
gateway::WriteContext g_ctx;

void check_percent_coding(std::string_view s) {
  std::string encoded = fhir::percent_encode(s);
  for (bool plus : {false, true}) {
    auto decoded = fhir::percent_decode(encoded, plus);
    CAREBRIDGE_FUZZ_CHECK(decoded && *decoded == s, "percent_decode(percent_encode(s)) == s");
  }
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_model = carebridge::fuzz::load_type_model();
  auto params = fhir::search::SearchParams::load(carebridge::fuzz::source_path("fhir/r4/search-parameters.json"));
  CAREBRIDGE_FUZZ_CHECK(params.ok(), "the R4 search parameters load");
  g_params = *params;
  g_ctx.search = g_params.get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t q = input.find('?');
  std::string_view type = q == std::string_view::npos ? std::string_view{} : input.substr(0, q);
  std::string_view query = q == std::string_view::npos ? input : input.substr(q + 1);

  (void)fhir::percent_decode(input, false);
  check_percent_coding(input);
  auto params = fhir::parse_query(query);
  if (params) {
    // Re-encoding what was split gives a query that splits the same way.
    std::string again;
    for (const auto& [name, value] : *params) {
      check_percent_coding(name);
      if (!again.empty()) again += '&';
      again += fhir::percent_encode(name) + "=" + fhir::percent_encode(value);
    }
    auto reparsed = fhir::parse_query(again);
    CAREBRIDGE_FUZZ_CHECK(reparsed && *reparsed == *params, "parse_query round-trips");
  }

  auto criteria = gateway::parse_criteria(g_ctx, type, query);
  if (criteria) {
    CAREBRIDGE_FUZZ_CHECK(!criteria->query.criteria.empty(), "criteria are never empty");
    if (g_model->is_resource_type(type)) {
      // The in-memory matcher takes any criteria the parser accepts.
      auto resource = fhir::json::parse(R"({"resourceType":")" + std::string(type) + R"(","id":"example"})");
      if (resource) (void)gateway::criteria_match(g_ctx, *criteria, *resource, 0);
    }
  } else {
    CAREBRIDGE_FUZZ_CHECK(criteria.issue().http_status == 400, "bad criteria are a 400");
  }
  (void)gateway::parse_conditional_url(g_ctx, input);

  if (params) {
    // The router has checked the type: a real one, or "" for system level.
    std::string searched = g_model->is_resource_type(type) ? std::string(type) : std::string();
    fhir::search::ParseOptions options;
    options.is_resource_type = [](std::string_view name) { return g_model->is_resource_type(name); };
    for (auto handling : {fhir::search::Handling::lenient, fhir::search::Handling::strict}) {
      options.handling = handling;
      auto parsed = fhir::search::parse_search(*g_params, searched, *params, options);
      if (!parsed) {
        CAREBRIDGE_FUZZ_CHECK(parsed.issue().http_status == 400, "a bad search is a 400");
        continue;
      }
      // The self link: what was understood, printed, reads back as the
      // same search, even strictly (what was ignored is left out).
      std::string self = fhir::search::canonical_query(*parsed);
      auto self_params = fhir::parse_query(self);
      CAREBRIDGE_FUZZ_CHECK(self_params.has_value(), "the self query splits");
      options.handling = fhir::search::Handling::strict;
      auto reread = fhir::search::parse_search(*g_params, searched, *self_params, options);
      CAREBRIDGE_FUZZ_CHECK(reread.ok(), "the self query parses strictly");
      CAREBRIDGE_FUZZ_CHECK(fhir::search::canonical_query(*reread) == self, "the self query is a fixed point");
    }
  }
  return 0;
}
