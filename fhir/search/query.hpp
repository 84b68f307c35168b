// A search request as the planner needs it (R4 search.html): every
// criterion resolved to its SearchParameter and every value typed, checked
// and normalised the way index_rows.hpp stores values, so query values and
// stored values compare as plain bytes and numbers. Built by parse_search
// (query_parser.hpp); printed back by canonical_query (query_canonical.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "fhir/search/search_param.hpp"

namespace fhir::search {

// R4 search.html "prefix": number, date and quantity values only; on other
// types "eq..." is part of the value.
enum class Prefix { eq, ne, lt, gt, le, ge, sa, eb, ap };

// Folded as string_normalise.hpp folds stored values; raw for :exact.
struct StringArg {
  std::string normalized;
  std::string raw;
};

// "code": any system; "sys|code"; "|code": system "" (only values without
// a system); "sys|": code nullopt (any code in that system).
struct TokenArg {
  std::optional<std::string> system;
  std::optional<std::string> code;
};

// :of-type on an Identifier: "type-system|type-code|value", all three
// required (R4 search.html "token"). Compares with TokenValue's type_*.
struct OfTypeArg {
  std::string type_system;
  std::string type_code;
  std::string value;
};

// The value's precision range in epoch ms (UTC), both ends inclusive, as
// date_range.hpp gives it for stored values: "2021" is the whole year. A
// time without a zone is taken as UTC (R4 leaves it to the server; stored
// values are read the same way, so the two agree).
struct DateArg {
  Prefix prefix = Prefix::eq;
  std::int64_t low = 0;
  std::int64_t high = 0;
};

// R4 "number": the precision written is part of the value. "100" is
// [99.5, 100.5), "100.00" is [99.995, 100.005): half a unit of the last
// digit sent. low inclusive, high exclusive. eq and ne use the range; the
// other prefixes compare with `value` (R4: "lt100" is "less than exactly
// 100"; ap is the server's tolerance around value).
struct NumberArg {
  Prefix prefix = Prefix::eq;
  std::string text;  // the decimal as sent, without its prefix
  double value = 0;
  double low = 0;
  double high = 0;
};

// "number|system|code" or "number||code" (code or unit, any system) or a
// bare number (any unit).
struct QuantityArg {
  NumberArg number;
  std::optional<std::string> system;
  std::optional<std::string> code;
};

// "id" (any type), "Type/id", "Type/id/_history/v", or an absolute URL
// (url set; type and id too when the URL ends in Type/id). A canonical's
// "|version" goes to version. type empty: any type. The :Type modifier
// sets type.
struct ReferenceArg {
  std::string type;
  std::string id;
  std::string version;
  std::string url;
};

struct UriArg {
  std::string uri;
};

// One value per component of a composite parameter, in the definition's
// component order, each typed by its component's parameter.
using ComponentArg = std::variant<StringArg, TokenArg, DateArg, NumberArg, QuantityArg, ReferenceArg, UriArg>;
struct CompositeArg {
  std::vector<ComponentArg> parts;
};

using Arg =
    std::variant<StringArg, TokenArg, OfTypeArg, DateArg, NumberArg, QuantityArg, ReferenceArg, UriArg, CompositeArg>;

// The modifiers we serve. R4's token :in/:not-in/:above/:below need a
// terminology server and reference :above/:below a hierarchy walk: those
// are "unsupported" (ignored or 400 by Prefer: handling).
enum class Modifier { none, exact, contains, text, not_, missing, type, above, below, identifier, of_type };

// One forward link: `subject:Patient.name` is {subject, Patient} then name.
struct Chain {
  const SearchParam* reference_param = nullptr;
  std::string target_type;
};

// One reverse link: `_has:Observation:patient:code` is {Observation,
// Observation.patient}: resources of source_type whose reference_param
// points at the resource being filtered (or at the previous link's source).
struct ReverseChain {
  std::string source_type;
  const SearchParam* reference_param = nullptr;
};

// Values in any_of are ORed; criteria are ANDed. Evaluation order: the
// `has` links from the searched type outward, then the forward `chain`
// from the last has source (or the searched type), then `param` on the
// last type reached.
struct Criterion {
  std::string name;   // as sent, for the self link
  std::string value;  // as sent (percent-decoded), for the self link
  std::vector<ReverseChain> has;
  std::vector<Chain> chain;
  // The definition on the first searched type. At system level with
  // several _type types each type has its own definition of the code
  // (all of one ParamType, checked); the planner looks each up by code.
  const SearchParam* param = nullptr;
  Modifier modifier = Modifier::none;
  std::optional<bool> missing;  // set for :missing, then any_of is empty
  std::vector<Arg> any_of;
};

// _sort=-date,code: `descending` for a leading '-'.
struct SortKey {
  const SearchParam* param = nullptr;
  bool descending = false;
};

enum class TotalMode { none, estimate, accurate };
enum class Summary { none /* not asked */, true_, count, data, text, false_ };

// _include=CarePlan:goal[:Goal], _include:iterate=..., _include=* and
// _include=CarePlan:* (wildcard: every reference parameter of the source).
struct IncludeSpec {
  std::string source_type;             // empty for "*"
  const SearchParam* param = nullptr;  // null for a wildcard
  std::string target_type;             // empty: every target
  bool iterate = false;
  bool wildcard = false;
};

// A parameter left out under lenient handling (R4: "servers SHOULD ignore
// unknown or unsupported parameters") and from the self link. `reason`
// never repeats the value, so it can go into a warning as it is.
struct IgnoredParam {
  std::string name;
  std::string value;
  std::string reason;
};

struct SearchQuery {
  std::string type;                // empty for a system-level search
  std::vector<std::string> types;  // _type (system level only)
  std::vector<Criterion> criteria;
  std::optional<int> count;  // as asked; the caller caps it
  std::vector<SortKey> sort;
  // R4 leaves the default to the server. Ours is accurate: partners page
  // by Bundle.total, and counts run in the same SQL (issue 5 item 7) so
  // they stay honest under consent filtering.
  TotalMode total = TotalMode::accurate;
  Summary summary = Summary::none;
  std::vector<std::string> elements;
  std::vector<IncludeSpec> include;
  std::vector<IncludeSpec> revinclude;
  std::vector<IgnoredParam> ignored;
  // Paging cursor of our own next/previous links: the snapshot the first
  // page was read at and the offset into it. Opaque to clients.
  std::optional<std::string> snapshot;
  std::optional<std::int64_t> offset;
};

}  // namespace fhir::search
