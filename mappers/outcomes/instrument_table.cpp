#include "mappers/outcomes/instrument_table.hpp"

#include <fstream>
#include <sstream>

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"
#include "mappers/outcomes/instrument_json.hpp"

namespace mappers::outcomes {

std::string_view canonical_url(std::string_view canonical) {
  return canonical.substr(0, canonical.find('|'));
}

fhir::Result<std::shared_ptr<const InstrumentTable>> InstrumentTable::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad_table("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto doc = fhir::json::parse(ss.str());
  if (!doc) return bad_table(path + ": " + doc.issue().diagnostics);
  return from_json(*doc);
}

fhir::Result<std::shared_ptr<const InstrumentTable>> InstrumentTable::from_json(const fhir::json::Value& doc) {
  auto out = std::make_shared<InstrumentTable>();
  out->version_ = std::string(doc.string_at("version"));
  if (out->version_.empty()) return bad_table("no version");
  const auto* list = doc.find("instruments");
  if (list == nullptr || !list->is_array() || list->items().empty()) return bad_table("no instruments");
  for (std::size_t i = 0; i < list->items().size(); ++i) {
    auto inst = parse_instrument(list->items()[i], "instruments[" + std::to_string(i) + "]");
    if (!inst) return inst.take_issue();
    if (out->find(inst->id) != nullptr) return bad_table("instrument id " + inst->id + " appears twice");
    out->instruments_.push_back(std::move(*inst));
  }
  // Indexed only now: instruments_ no longer moves, so pointers stay valid.
  // A LOINC code has one meaning across the table, or a score could be
  // read as the wrong instrument.
  for (const auto& inst : out->instruments_) {
    auto add = [&](const std::string& code, CodeMatch m) {
      return code.empty() || out->codes_.emplace(code, m).second;
    };
    bool unique = add(inst.total_code, {&inst, CodeRole::total, -1});
    for (const auto& p : inst.panel_codes) unique = add(p, {&inst, CodeRole::panel, -1}) && unique;
    for (std::size_t k = 0; k < inst.items.size(); ++k)
      unique = add(inst.items[k].code, {&inst, CodeRole::item, static_cast<int>(k)}) && unique;
    if (!unique) return bad_table(inst.id + " uses a LOINC code another entry already uses");
    for (const auto& form : inst.forms)
      for (const auto& c : form.canonicals)
        if (!out->forms_.emplace(c, FormMatch{&inst, &form}).second)
          return bad_table("form canonical " + c + " appears twice");
  }
  return std::shared_ptr<const InstrumentTable>(std::move(out));
}

const Instrument* InstrumentTable::find(std::string_view id) const {
  for (const auto& inst : instruments_)
    if (inst.id == id) return &inst;
  return nullptr;
}

std::optional<CodeMatch> InstrumentTable::match_loinc(std::string_view code) const {
  auto it = codes_.find(std::string(code));
  if (it == codes_.end()) return std::nullopt;
  return it->second;
}

std::optional<FormMatch> InstrumentTable::match_form(std::string_view canonical) const {
  auto it = forms_.find(std::string(canonical_url(canonical)));
  if (it == forms_.end()) return std::nullopt;
  return it->second;
}

}  // namespace mappers::outcomes
