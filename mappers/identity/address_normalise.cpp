#include "mappers/identity/address_normalise.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "mappers/identity/word_split.hpp"

namespace mappers::identity {
namespace {

using Abbreviation = std::pair<std::string_view, std::string_view>;

// USPS Publication 28, Appendix C1 (street suffixes, with the common
// spellings it lists), C2 (secondary units) and the directionals. A word
// already in its abbreviated form is left alone.
constexpr std::array<Abbreviation, 168> kAbbreviations = {{
    {"alley", "aly"},       {"allee", "aly"},       {"ally", "aly"},         {"annex", "anx"},
    {"arcade", "arc"},      {"avenue", "ave"},      {"av", "ave"},           {"aven", "ave"},
    {"avenu", "ave"},       {"avn", "ave"},         {"avnue", "ave"},        {"bayou", "byu"},
    {"beach", "bch"},       {"bend", "bnd"},        {"bluff", "blf"},        {"bottom", "btm"},
    {"boulevard", "blvd"},  {"boul", "blvd"},       {"boulv", "blvd"},       {"branch", "br"},
    {"brnch", "br"},        {"bridge", "brg"},      {"brook", "brk"},        {"burg", "bg"},
    {"bypass", "byp"},      {"camp", "cp"},         {"canyon", "cyn"},       {"cape", "cpe"},
    {"causeway", "cswy"},   {"center", "ctr"},      {"centre", "ctr"},       {"cntr", "ctr"},
    {"circle", "cir"},      {"circ", "cir"},        {"crcl", "cir"},         {"cliff", "clf"},
    {"club", "clb"},        {"common", "cmn"},      {"corner", "cor"},       {"course", "crse"},
    {"court", "ct"},        {"cove", "cv"},         {"creek", "crk"},        {"crescent", "cres"},
    {"crest", "crst"},      {"crossing", "xing"},   {"crossroad", "xrd"},    {"curve", "curv"},
    {"dale", "dl"},         {"dam", "dm"},          {"divide", "dv"},        {"drive", "dr"},
    {"driv", "dr"},         {"drv", "dr"},          {"estate", "est"},       {"expressway", "expy"},
    {"extension", "ext"},   {"falls", "fls"},       {"ferry", "fry"},        {"field", "fld"},
    {"fields", "flds"},     {"flat", "flt"},        {"ford", "frd"},         {"forest", "frst"},
    {"forge", "frg"},       {"fork", "frk"},        {"fort", "ft"},          {"freeway", "fwy"},
    {"garden", "gdn"},      {"gardens", "gdns"},    {"gateway", "gtwy"},     {"glen", "gln"},
    {"green", "grn"},       {"grove", "grv"},       {"harbor", "hbr"},       {"haven", "hvn"},
    {"heights", "hts"},     {"highway", "hwy"},     {"hiway", "hwy"},        {"hill", "hl"},
    {"hills", "hls"},       {"hollow", "holw"},     {"inlet", "inlt"},       {"island", "is"},
    {"junction", "jct"},    {"key", "ky"},          {"knoll", "knl"},        {"lake", "lk"},
    {"lakes", "lks"},       {"landing", "lndg"},    {"lane", "ln"},          {"light", "lgt"},
    {"lock", "lck"},        {"lodge", "ldg"},       {"manor", "mnr"},        {"meadow", "mdw"},
    {"meadows", "mdws"},    {"mill", "ml"},         {"mission", "msn"},      {"motorway", "mtwy"},
    {"mount", "mt"},        {"mountain", "mtn"},    {"orchard", "orch"},     {"overpass", "opas"},
    {"parkway", "pkwy"},    {"passage", "psge"},    {"pines", "pnes"},       {"place", "pl"},
    {"plain", "pln"},       {"plains", "plns"},     {"plaza", "plz"},        {"point", "pt"},
    {"port", "prt"},        {"prairie", "pr"},      {"radial", "radl"},      {"ranch", "rnch"},
    {"rapids", "rpds"},     {"rest", "rst"},        {"ridge", "rdg"},        {"river", "riv"},
    {"road", "rd"},         {"route", "rte"},       {"shoal", "shl"},        {"shore", "shr"},
    {"skyway", "skwy"},     {"spring", "spg"},      {"springs", "spgs"},     {"square", "sq"},
    {"station", "sta"},     {"stream", "strm"},     {"street", "st"},        {"str", "st"},
    {"strt", "st"},         {"summit", "smt"},      {"terrace", "ter"},      {"throughway", "trwy"},
    {"trace", "trce"},      {"track", "trak"},      {"tracks", "trak"},      {"trail", "trl"},
    {"trailer", "trlr"},    {"tunnel", "tunl"},     {"turnpike", "tpke"},    {"underpass", "upas"},
    {"valley", "vly"},      {"viaduct", "via"},     {"view", "vw"},          {"village", "vlg"},
    {"ville", "vl"},        {"vista", "vis"},       {"wells", "wls"},        {"north", "n"},
    {"south", "s"},         {"east", "e"},          {"west", "w"},           {"northeast", "ne"},
    {"northwest", "nw"},    {"southeast", "se"},    {"southwest", "sw"},     {"apartment", "unit"},
    {"apt", "unit"},        {"suite", "unit"},      {"ste", "unit"},         {"#", "unit"},
    {"room", "unit"},       {"rm", "unit"},         {"building", "bldg"},    {"floor", "fl"},
}};

std::string_view abbreviated(std::string_view word) {
  auto at = std::find_if(kAbbreviations.begin(), kAbbreviations.end(),
                         [word](const Abbreviation& a) { return a.first == word; });
  return at == kAbbreviations.end() ? word : at->second;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

}  // namespace

std::string normalise_address_lines(const std::vector<std::string>& lines) {
  std::vector<std::string> words;
  for (const auto& line : lines)
    for (const auto& w : folded_words(line)) {
      std::string_view a = abbreviated(w);
      // "Apt #5": one unit word, not two.
      if (a == "unit" && !words.empty() && words.back() == "unit") continue;
      words.emplace_back(a);
    }
  return joined(words);
}

std::string normalise_city(std::string_view city) { return joined(folded_words(city)); }

std::string normalise_postal_code(std::string_view postal) {
  std::string chars;
  for (const auto& w : folded_words(postal)) chars += w;
  std::erase(chars, '#');
  if (chars.size() < 5) return {};
  bool digits = std::all_of(chars.begin(), chars.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) chars.resize(5);  // ZIP+4 ("11420-1234" or "114201234") -> ZIP
  if (chars.find_first_not_of('0') == std::string::npos) return {};
  return chars;
}

}  // namespace mappers::identity
