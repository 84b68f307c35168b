// R4 search is stated twice on purpose: the SQL planner over the ix_*
// tables (fhir/store/search_sql.cpp) and the in-memory matcher
// (fhir/search/match.hpp), both after fhir/search/value_match.hpp. This
// test makes them agree. Every official R4 example goes into a real SQLite
// store with its index rows; queries are generated from the values those
// rows hold and from neighbours of them (other case, prefixes, nearby
// dates under every prefix, numbers +-, every token form, modifiers,
// composites), parsed with parse_search (strict), and answered both ways:
// the store's ids must be exactly the ids the matcher accepts among the
// stored resources of the type. Chains and _has are not generated: one
// resource cannot answer them (match.hpp).
#include <gtest/gtest.h>

#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "fhir/core/clock.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/core/query.hpp"
#include "fhir/resource/resource.hpp"
#include "fhir/search/index_values.hpp"
#include "fhir/search/match.hpp"
#include "fhir/search/query_parser.hpp"
#include "fhir/store/sqlite_store.hpp"
#include "fhir/store/store.hpp"
#include "tests/fhir/search/r4_definitions.hpp"
#include "tests/support/fixture_paths.hpp"

namespace fhir::store {
namespace {

namespace fs = std::filesystem;
using search::ParamType;
using search::SearchParam;

constexpr std::int64_t kT0 = 1'700'000'000'000;   // 2023-11-14: the first commit
constexpr std::int64_t kNow = 1'717'200'000'000;  // 2024-06-01: "now" for ap
constexpr std::int64_t kDay = 86'400'000;
// Stored values each parameter's queries start from, at most: all of the
// examples' (about 50,000 queries in ~2 s); a cap for larger fixture sets.
constexpr std::size_t kValuesPerParam = 1000;

struct Stored {
  std::string type;
  std::string id;
  Resource resource;  // as stored: meta stamped
  search::IndexValues rows;
  bool current = true;  // false once replaced or deleted
};

// --- query text -------------------------------------------------------------

// R4 "Escaping Search Parameters": the separators inside a value.
std::string esc(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ',' || c == '|' || c == '$') out += '\\';
    out += c;
  }
  return out;
}

std::string ascii_upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}
std::string ascii_lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}
std::string swap_case(std::string s) {
  std::string up = ascii_upper(s);
  return up != s ? up : ascii_lower(s);
}

// Never ends inside a UTF-8 sequence.
std::size_t char_boundary(const std::string& s, std::size_t i) {
  i = std::min(i, s.size());
  while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  return i;
}
std::string utf8_prefix(const std::string& s, std::size_t n) { return s.substr(0, char_boundary(s, n)); }
std::string utf8_middle(const std::string& s) {
  std::size_t from = char_boundary(s, s.size() / 3);
  return s.substr(from, char_boundary(s, from + 3) - from);
}

// A decimal R4 reads (no exponent sign), at most 4 fraction digits.
std::string decimal(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", d);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

constexpr std::array<std::string_view, 9> kPrefixes = {"eq", "ne", "lt", "gt", "le", "ge", "sa", "eb", "ap"};

std::string describe(const std::string& type, const QueryParams& q) {
  std::string s = type + "?";
  for (std::size_t i = 0; i < q.size(); ++i) s += (i ? "&" : "") + q[i].first + "=" + q[i].second;
  return s;
}

// --- the values a parameter holds across the stored resources of a type ----

struct ParamValues {
  std::vector<search::StringValue> strings, texts;
  std::vector<search::TokenValue> tokens;
  std::vector<search::DateValue> dates;
  std::vector<search::NumberValue> numbers;
  std::vector<search::QuantityValue> quantities;
  std::vector<search::ReferenceValue> references;
  std::vector<search::UriValue> uris;
  std::vector<search::CompositeValue> composites;
};

template <class V>
void collect(const std::vector<search::Row<V>>& rows, const SearchParam* p, std::vector<V>& out) {
  for (const auto& r : rows)
    if (r.param == p) out.push_back(r.value);
}

ParamValues values_of(const std::vector<const Stored*>& resources, const SearchParam* p) {
  ParamValues v;
  for (const Stored* s : resources) {
    collect(s->rows.strings, p, v.strings);
    collect(s->rows.token_texts, p, v.texts);
    collect(s->rows.tokens, p, v.tokens);
    collect(s->rows.dates, p, v.dates);
    collect(s->rows.numbers, p, v.numbers);
    collect(s->rows.quantities, p, v.quantities);
    collect(s->rows.references, p, v.references);
    collect(s->rows.uris, p, v.uris);
    collect(s->rows.composites, p, v.composites);
  }
  return v;
}

// --- generating queries from the data --------------------------------------

class QueryGen {
 public:
  explicit QueryGen(std::vector<QueryParams>& out) : out_(out) {}

  void param(const SearchParam& p, const ParamValues& v) {
    const std::string& code = p.code;
    add(code + ":missing", "true");
    add(code + ":missing", "false");
    for (const auto* s : sample(v.strings)) string_queries(code, s->raw);
    for (const auto* t : sample(v.tokens)) token_queries(code, *t);
    for (const auto* t : sample(v.texts)) {
      add(code + ":text", esc(utf8_prefix(t->raw, 4)));
      add(code + ":text", esc(ascii_upper(t->raw)));
    }
    for (const auto* d : sample(v.dates)) date_queries(code, *d);
    for (const auto* n : sample(v.numbers)) number_queries(code, n->text, n->value);
    for (const auto* q : sample(v.quantities)) quantity_queries(code, *q);
    for (const auto* r : sample(v.references)) reference_queries(p, *r);
    for (const auto* u : sample(v.uris)) uri_queries(code, u->uri);
    for (const auto* c : sample(v.composites)) composite_queries(code, *c);
  }

  // Two or three criteria ANDed, and two values of one criterion ORed,
  // drawn from the single-criterion queries made so far.
  void combine(std::size_t pairs) {
    const std::size_t n = out_.size();
    if (n < 2) return;
    std::map<std::string, std::vector<std::size_t>> by_name;
    for (std::size_t i = 0; i < n; ++i)
      if (!out_[i][0].first.ends_with(":missing")) by_name[out_[i][0].first].push_back(i);
    std::vector<std::vector<std::size_t>*> names;
    for (auto& [name, at] : by_name)
      if (at.size() > 1) names.push_back(&at);
    for (std::size_t k = 0; k < pairs; ++k) {
      QueryParams a = out_[rng_() % n];
      a.push_back(out_[rng_() % n][0]);
      if (k % 4 == 0) a.push_back(out_[rng_() % n][0]);
      push(std::move(a));
      if (names.empty()) continue;
      const auto& at = *names[rng_() % names.size()];
      QueryParams c = out_[at[rng_() % at.size()]], d = out_[at[rng_() % at.size()]];
      c[0].second += "," + d[0].second;
      push(std::move(c));
    }
  }

 private:
  template <class V>
  std::vector<const V*> sample(const std::vector<V>& all) {
    std::vector<const V*> out;
    for (const auto& v : all) out.push_back(&v);
    std::shuffle(out.begin(), out.end(), rng_);
    if (out.size() > kValuesPerParam) out.resize(kValuesPerParam);
    return out;
  }
  std::string_view any_prefix() { return kPrefixes[rng_() % kPrefixes.size()]; }

  void add(std::string name, std::string value) {
    if (!value.empty()) push(QueryParams{{std::move(name), std::move(value)}});
  }
  void push(QueryParams q) {
    if (seen_.insert(describe("", q)).second) out_.push_back(std::move(q));
  }

  void string_queries(const std::string& code, const std::string& raw) {
    add(code, esc(raw));
    add(code, esc(ascii_lower(raw)));
    add(code, esc(ascii_upper(utf8_prefix(raw, 3))));
    add(code, esc(raw + "zz"));
    add(code + ":exact", esc(raw));
    add(code + ":exact", esc(swap_case(raw)));
    add(code + ":contains", esc(ascii_upper(utf8_middle(raw))));
  }

  // R4's four token forms, the wrong system, the wrong case, :not, :of-type.
  void token_queries(const std::string& code, const search::TokenValue& t) {
    if (t.code.empty()) return;
    const std::string c = esc(t.code);
    add(code, c);
    add(code, esc(swap_case(t.code)));
    add(code, "|" + c);
    add(code, "http://example.org/other|" + c);
    add(code + ":not", c);
    if (t.has_system && !t.system.empty()) {
      add(code, esc(t.system) + "|" + c);
      add(code, esc(t.system) + "|");
      add(code + ":not", esc(t.system) + "|" + c);
      add(code + ":not", esc(t.system) + "|");
    }
    if (!t.type_system.empty() && !t.type_code.empty()) {
      add(code + ":of-type", esc(t.type_system) + "|" + esc(t.type_code) + "|" + c);
      add(code + ":of-type", esc(t.type_system) + "|" + esc(t.type_code) + "|" + c + "x");
    }
  }

  // Every prefix at year, month and day precision, then neighbours.
  void date_queries(const std::string& code, const search::DateValue& d) {
    const std::int64_t t = d.low != search::kMinInstant ? d.low : d.high;
    if (t == search::kMaxInstant || t == search::kMinInstant) return;
    // "2021-03-04T10:00:00" cut to `precision` characters, with a prefix
    // and a zone; nothing for a year a query cannot write.
    auto add_date = [&](std::string_view prefix, std::int64_t at, std::size_t precision, std::string_view zone) {
      const std::string s = format_instant(at);
      if (s.size() == 24 && s[0] != '-') add(code, std::string(prefix) + s.substr(0, precision) + std::string(zone));
    };
    for (std::size_t precision : {4u, 7u, 10u})
      for (auto prefix : kPrefixes) add_date(prefix, t, precision, "");
    add_date("", t, 10, "");
    add_date(any_prefix(), t, 19, "Z");
    add_date(any_prefix(), t + 3'600'000, 19, "+01:00");
    for (std::int64_t by : {-kDay, kDay}) add_date(any_prefix(), t + by, 10, "");
    for (std::int64_t by : {-32 * kDay, 32 * kDay}) add_date(any_prefix(), t + by, 7, "");
    for (std::int64_t by : {-366 * kDay, 366 * kDay}) add_date(any_prefix(), t + by, 4, "");
    if (d.low != search::kMinInstant && d.high != search::kMaxInstant && d.high - d.low > kDay)
      add_date(any_prefix(), d.high, 10, "");
  }

  void number_queries(const std::string& code, const std::string& text, double value) {
    for (auto prefix : kPrefixes) add(code, std::string(prefix) + text);
    add(code, text);
    for (double v : {value + 1, value - 1, value * 1.05, value + 0.001})
      add(code, std::string(any_prefix()) + decimal(v));
  }

  void quantity_queries(const std::string& code, const search::QuantityValue& q) {
    const double v = std::isfinite(q.low) ? q.low : q.high;
    if (!std::isfinite(v)) return;
    const std::string n = q.text.empty() ? decimal(v) : q.text;
    std::vector<std::string> units = {"", "||wrong-unit"};
    if (!q.system.empty() && !q.code.empty()) units.push_back("|" + esc(q.system) + "|" + esc(q.code));
    if (!q.system.empty()) units.push_back("|" + esc(q.system) + "|");
    if (!q.code.empty()) units.push_back("||" + esc(q.code));
    if (!q.unit.empty()) units.push_back("||" + esc(q.unit));
    if (!q.system.empty() && !q.unit.empty()) units.push_back("|" + esc(q.system) + "|" + esc(q.unit));
    for (auto prefix : kPrefixes) add(code, std::string(prefix) + n);
    for (const auto& u : units) {
      add(code, n + u);
      add(code, std::string(any_prefix()) + n + u);
      add(code, std::string(any_prefix()) + decimal(v + std::fabs(v) / 10 + 1) + u);
      add(code, std::string(any_prefix()) + decimal(v - std::fabs(v) / 10 - 1) + u);
    }
  }

  void reference_queries(const SearchParam& p, const search::ReferenceValue& r) {
    const std::string& code = p.code;
    const bool typed_target = std::find(p.targets.begin(), p.targets.end(), r.type) != p.targets.end();
    if (!r.url.empty()) {
      add(code, esc(r.url));
      add(code, esc(r.url + "x"));
      if (!r.version.empty()) add(code, esc(r.url) + "|" + esc(r.version));
    }
    if (!r.id.empty() && is_valid_id(r.id)) {
      add(code, r.id);
      if (r.local) return;  // "#id": asked by its id only, which never matches
      if (!r.type.empty()) add(code, r.type + "/" + r.id);
      if (!r.type.empty()) add(code, r.type + "/" + r.id + "/_history/1");
      if (typed_target) add(code + ":" + r.type, r.id);
      if (p.targets.size() > 1)
        for (const auto& other : p.targets)
          if (other != r.type) {
            add(code, other + "/" + r.id);
            break;
          }
    }
    if (!r.identifier_value.empty()) {
      add(code + ":identifier", esc(r.identifier_value));
      if (!r.identifier_system.empty())
        add(code + ":identifier", esc(r.identifier_system) + "|" + esc(r.identifier_value));
      add(code + ":identifier", "|" + esc(r.identifier_value));
    }
  }

  void uri_queries(const std::string& code, const std::string& uri) {
    add(code, esc(uri));
    add(code, esc(uri + "x"));
    add(code, esc(ascii_upper(uri)));
    add(code + ":below", esc(uri));
    const std::size_t slash = uri.rfind('/');
    add(code + ":below", esc(uri.substr(0, slash == std::string::npos ? uri.size() / 2 : slash)));
    add(code + ":above", esc(uri));
    add(code + ":above", esc(uri + "/sub"));
    add(code + ":above", esc(utf8_prefix(uri, uri.size() / 2)));
  }

  // The forms one stored component can be asked as.
  std::vector<std::string> component_forms(const search::ComponentValue& part) {
    std::vector<std::string> f;
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, search::TokenValue>) {
            f = {esc(v.code), "|" + esc(v.code)};
            if (v.has_system) f.push_back(esc(v.system) + "|" + esc(v.code));
            if (v.has_system) f.push_back(esc(v.system) + "|");
          } else if constexpr (std::is_same_v<V, search::QuantityValue>) {
            const double x = std::isfinite(v.low) ? v.low : v.high;
            const std::string n = v.text.empty() ? decimal(x) : v.text;
            f = {n, std::string(any_prefix()) + n, std::string(any_prefix()) + decimal(x + 1), n + "||wrong"};
            if (!v.system.empty() && !v.code.empty()) f.push_back(n + "|" + esc(v.system) + "|" + esc(v.code));
            if (!v.code.empty()) f.push_back(n + "||" + esc(v.code));
            if (!v.unit.empty()) f.push_back(n + "||" + esc(v.unit));
            if (!v.system.empty() && !v.unit.empty()) f.push_back(n + "|" + esc(v.system) + "|" + esc(v.unit));
          } else if constexpr (std::is_same_v<V, search::NumberValue>) {
            f = {v.text, std::string(any_prefix()) + v.text, std::string(any_prefix()) + decimal(v.value + 1)};
          } else if constexpr (std::is_same_v<V, search::DateValue>) {
            const std::int64_t t = v.low != search::kMinInstant ? v.low : v.high;
            const std::string s = format_instant(t);
            if (s.size() == 24 && s[0] != '-')
              f = {s.substr(0, 10), std::string(any_prefix()) + s.substr(0, 7),
                   std::string(any_prefix()) + s.substr(0, 4)};
          } else if constexpr (std::is_same_v<V, search::StringValue>) {
            f = {esc(v.raw), esc(utf8_prefix(v.raw, 3)), esc(v.raw + "zz")};
          } else if constexpr (std::is_same_v<V, search::ReferenceValue>) {
            if (!v.url.empty()) f.push_back(esc(v.url));
            if (!v.id.empty() && is_valid_id(v.id)) f.push_back(v.id);
            if (!v.id.empty() && !v.type.empty() && is_valid_id(v.id)) f.push_back(v.type + "/" + v.id);
          } else if constexpr (std::is_same_v<V, search::UriValue>) {
            f = {esc(v.uri), esc(v.uri + "x")};
          }
        },
        part);
    return f;
  }

  void composite_queries(const std::string& code, const search::CompositeValue& c) {
    std::vector<std::vector<std::string>> forms;
    for (const auto& part : c.parts) {
      forms.push_back(component_forms(part));
      if (forms.back().empty()) return;
    }
    // Each form of each component once, the others at their first form,
    // then a few random combinations.
    for (std::size_t k = 0; k < forms.size(); ++k)
      for (const auto& f : forms[k]) {
        std::string q;
        for (std::size_t i = 0; i < forms.size(); ++i) q += (i ? "$" : "") + (i == k ? f : forms[i][0]);
        add(code, q);
      }
    for (int r = 0; r < 4; ++r) {
      std::string q;
      for (std::size_t i = 0; i < forms.size(); ++i) q += (i ? "$" : "") + forms[i][rng_() % forms[i].size()];
      add(code, q);
    }
  }

  std::vector<QueryParams>& out_;
  std::set<std::string> seen_;
  std::mt19937 rng_{20240601};
};

// Shapes the examples lack that the two sides could read differently: a
// unit without a code, open and comparator ranges, references that are
// conditional, contained, absolute, urn or identifier-only, separators
// and accents in strings, dates with a zone offset or open ends.
constexpr std::string_view kEdgeCases[] = {
    R"({"resourceType":"Observation","id":"edge-units","status":"final",
        "code":{"coding":[{"system":"http://loinc.org","code":"2345-7"}],"text":"Glucose, Ser/Plas"},
        "valueQuantity":{"value":5.40,"unit":"mg","system":"http://unitsofmeasure.org"},
        "effectivePeriod":{"start":"2021-03-04T10:00:00+05:00"},
        "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},
                      "valueQuantity":{"value":120,"comparator":"<","unit":"mmHg",
                                       "system":"http://unitsofmeasure.org"}},
                     {"code":{"coding":[{"code":"no-system"}]},"valueRange":{"low":{"value":1,"unit":"mg"}}},
                     {"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},
                      "valueQuantity":{"value":80,"unit":"mm Hg","code":"mm[Hg]",
                                       "system":"http://unitsofmeasure.org"}}]})",
    R"({"resourceType":"Observation","id":"edge-references","status":"final",
        "code":{"text":"text only"},
        "subject":{"reference":"Patient?identifier=mrn-1"},
        "focus":[{"reference":"#c1"},{"reference":"urn:uuid:8c2e2c9e-2f47-4a5b-9a7e-1d1c6b3f0a11"}],
        "basedOn":[{"type":"ServiceRequest","identifier":{"system":"http://x","value":"sr-1"}}],
        "performer":[{"display":"display only"},{"reference":"http://other.org/fhir/Practitioner/example"}],
        "hasMember":[{"reference":"Observation/example/_history/2"}],
        "effectiveDateTime":"2021","valueDateTime":"2021-03-04T23:30:00-02:00"})",
    R"({"resourceType":"DocumentReference","id":"edge-relates","status":"current",
        "contained":[{"resourceType":"DocumentReference","id":"c1","status":"current","content":[{"attachment":{}}]}],
        "relatesTo":[{"code":"replaces","target":{"reference":"#c1"}},
                     {"code":"appends","target":{"reference":"http://other.org/fhir/DocumentReference/example"}},
                     {"code":"signs","target":{"reference":"DocumentReference/example"}}],
        "content":[{"attachment":{"url":"http://example.org/doc"}}]})",
    R"({"resourceType":"Patient","id":"edge-strings",
        "name":[{"family":"Ångström-Zoë","given":["a,b|c$d\\e","  spaced  "]}],
        "telecom":[{"system":"email","value":"X@Example.org"}],
        "identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},
                       "system":"urn:oid:1.2.3","value":"a|b"}],
        "birthDate":"1970","deceasedDateTime":"2020-02-29T12:00:00Z"})",
};

// --- the test -----------------------------------------------------------------

class SearchCrosscheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    params_ = search::test::r4_params();
    ASSERT_NE(params_, nullptr);
    std::string pattern = (fs::temp_directory_path() / "carebridge-crosscheck-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    SqliteOptions options;
    options.path = (dir_ / "store.db").string();
    auto opened = open_sqlite_store(options, clock_);
    ASSERT_TRUE(opened.ok()) << opened.issue().diagnostics;
    store_ = std::move(*opened);
  }
  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
    fs::remove_all(dir_);
  }

  // The examples in file order; a second resource with a type and id
  // already taken (some Bundles reuse ids) is left out.
  std::vector<Resource> examples() {
    std::vector<fs::path> files;
    for (const auto& f : fs::directory_iterator(carebridge::test::fixtures_dir() + "/r4-examples"))
      if (f.path().extension() == ".json") files.push_back(f.path());
    std::sort(files.begin(), files.end());
    std::set<std::pair<std::string, std::string>> keys;
    std::vector<Resource> out;
    for (const auto& f : files) {
      auto r = Resource::parse(carebridge::test::read_file(f.string()));
      EXPECT_TRUE(r.ok()) << f;
      if (!r.ok() || !r->has_id()) continue;
      if (!keys.emplace(std::string(r->type()), std::string(r->id())).second) continue;
      out.push_back(std::move(*r));
    }
    return out;
  }

  std::vector<Resource> edge_cases() {
    std::vector<Resource> out;
    for (std::string_view text : kEdgeCases) {
      auto r = Resource::parse(text);
      EXPECT_TRUE(r.ok()) << text;
      if (r.ok()) out.push_back(std::move(*r));
    }
    return out;
  }

  // Runs one write unit to its durable outcome.
  Status write(const WriteUnit& unit) {
    auto promise = std::make_shared<std::promise<Status>>();
    store_->write(unit, [promise](Status st) { promise->set_value(std::move(st)); });
    return promise->get_future().get();
  }

  // Appends s as `version` of its resource, replacing `old`'s rows (null
  // for a first version); s.rows come from the stamped resource, as the
  // gateway extracts them.
  Status append(WriteTxn& tx, Stored& s, std::int64_t version, const Stored* old) {
    NewVersion v;
    v.type = s.type;
    v.id = s.id;
    v.version = version;
    v.last_updated_ms = tx.now_ms();
    v.method = old ? "PUT" : "POST";
    s.resource.stamp_version(version, format_instant(v.last_updated_ms));
    s.rows = search::extract_index_values(*params_, s.resource.root());
    v.json = s.resource.to_json();
    v.index = &s.rows;
    v.replaced_index = old ? &old->rows : nullptr;
    auto seq = tx.append(v);
    return seq ? ok_status() : Status(seq.take_issue());
  }

  // One write unit per batch, a day apart, so _lastUpdated has values to
  // tell apart.
  void store_batch(std::vector<Resource> batch) {
    std::vector<Stored> written;
    Status st = write([&](WriteTxn& tx) -> Status {
      for (Resource& r : batch) {
        Stored s{std::string(r.type()), std::string(r.id()), std::move(r), {}};
        if (auto a = append(tx, s, 1, nullptr); !a) return a;
        written.push_back(std::move(s));
      }
      return ok_status();
    });
    ASSERT_TRUE(st.ok()) << st.issue().diagnostics;
    for (auto& s : written) stored_.push_back(std::move(s));
    clock_.advance_ms(kDay + 1234);
  }

  // Then, per type, every third resource takes the next one's content and
  // every fifth of the others is deleted: the rows of the versions they
  // replace must leave the index. Queries are made from those rows too,
  // so a stale row shows as a disagreement.
  void replace_and_delete() {
    std::map<std::string, std::vector<Stored*>> by_type;
    for (Stored& s : stored_) by_type[s.type].push_back(&s);
    std::vector<Stored> written;
    Status st = write([&](WriteTxn& tx) -> Status {
      for (auto& [type, all] : by_type) {
        for (std::size_t i = 0; i < all.size(); ++i) {
          Stored& old = *all[i];
          if (i % 3 == 1 && all.size() > 1) {
            Stored s{type, old.id, all[(i + 1) % all.size()]->resource, {}};
            s.resource.set_id(old.id);
            if (auto a = append(tx, s, 2, &old); !a) return a;
            written.push_back(std::move(s));
          } else if (i % 5 == 2) {
            NewVersion v;
            v.type = type;
            v.id = old.id;
            v.version = 2;
            v.last_updated_ms = tx.now_ms();
            v.deleted = true;
            v.method = "DELETE";
            v.replaced_index = &old.rows;
            if (auto seq = tx.append(v); !seq) return seq.take_issue();
          } else {
            continue;
          }
          old.current = false;
        }
      }
      return ok_status();
    });
    ASSERT_TRUE(st.ok()) << st.issue().diagnostics;
    for (auto& s : written) stored_.push_back(std::move(s));
  }

  // Both answers to one query; false (with the reason printed) when they differ.
  bool agree(const std::string& type, const std::vector<const Stored*>& resources, const QueryParams& q) {
    auto parsed = search::parse_search(*params_, type, q, search::Handling::strict);
    if (!parsed.ok()) {
      ++rejected_;
      // Not a disagreement, but a generator gone wrong (or a parser
      // refusing what it should read): shown, not failed.
      if (rejected_ <= 20)
        std::cout << "  not parsed: " << describe(type, q) << " (" << parsed.issue().diagnostics << ")\n";
      return true;
    }
    ++checked_;
    SearchSpec spec;
    spec.types = {type};
    spec.params = params_;
    spec.query = &*parsed;
    spec.now_ms = kNow;
    auto hits = store_->search(spec);
    if (!hits.ok()) {
      ADD_FAILURE() << describe(type, q) << ": the store failed: " << hits.issue().diagnostics;
      return false;
    }
    std::vector<std::string> sql, memory;
    for (const auto& h : *hits) sql.push_back(h.id);
    for (const Stored* s : resources) {
      auto m = search::matches(*params_, *parsed, s->resource.root(), kNow);
      if (!m.ok()) {
        ADD_FAILURE() << describe(type, q) << ": the matcher failed on " << s->id << ": " << m.issue().diagnostics;
        return false;
      }
      if (*m) memory.push_back(s->id);
    }
    std::sort(sql.begin(), sql.end());
    std::sort(memory.begin(), memory.end());
    if (sql == memory) return true;
    std::string only_sql, only_memory;
    for (const auto& id : sql)
      if (!std::binary_search(memory.begin(), memory.end(), id)) only_sql += " " + id;
    for (const auto& id : memory)
      if (!std::binary_search(sql.begin(), sql.end(), id)) only_memory += " " + id;
    ADD_FAILURE() << describe(type, q) << "\n  only SQL:" << only_sql << "\n  only in memory:" << only_memory;
    return false;
  }

  const search::SearchParams* params_ = nullptr;
  ManualClock clock_{kT0};
  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::deque<Stored> stored_;  // every version written; deque: Stored* stay valid
  std::size_t checked_ = 0;
  std::size_t rejected_ = 0;
};

TEST_F(SearchCrosscheckTest, SqlPlannerAndInMemoryMatcherAgreeOnTheR4Examples) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<Resource> all = examples();
  ASSERT_GT(all.size(), 300u);
  for (std::size_t i = 0; i < all.size(); i += 40) {
    std::vector<Resource> batch;
    for (std::size_t k = i; k < std::min(all.size(), i + 40); ++k) batch.push_back(std::move(all[k]));
    ASSERT_NO_FATAL_FAILURE(store_batch(std::move(batch)));
  }

  ASSERT_NO_FATAL_FAILURE(replace_and_delete());
  ASSERT_NO_FATAL_FAILURE(store_batch(edge_cases()));

  // Values from every version ever written; answers from the current ones.
  std::map<std::string, std::vector<const Stored*>> written, current;
  std::size_t live = 0;
  for (const Stored& s : stored_) {
    written[s.type].push_back(&s);
    if (s.current) current[s.type].push_back(&s);
    live += s.current ? 1 : 0;
  }
  std::size_t disagreements = 0;
  for (const auto& [type, versions] : written) {
    std::vector<QueryParams> queries;
    QueryGen gen(queries);
    for (const search::BoundParam& bp : params_->for_type(type)) {
      if (bp.param->type == ParamType::special || bp.expression.is_empty()) continue;
      gen.param(*bp.param, values_of(versions, bp.param));
    }
    gen.combine(queries.size() / 4 + 5);
    for (const auto& q : queries)
      if (!agree(type, current[type], q)) ++disagreements;
  }

  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::cout << "search cross-check: " << stored_.size() << " versions, " << live << " current resources of "
            << current.size() << " types, " << checked_ << " queries checked, " << disagreements
            << " disagreements, " << rejected_
            << " generated queries not parsed, " << ms << " ms\n";
  EXPECT_GT(checked_, 5000u);
  EXPECT_EQ(disagreements, 0u);
}

}  // namespace
}  // namespace fhir::store
