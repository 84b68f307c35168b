// The outcome-measure instruments, kept as data (instruments.json, copied
// to share/carebridge/mappers/instruments.json): loaded once, validated
// (a bad file is an Issue naming the problem, never a half-read table),
// then asked which instrument a LOINC code or Questionnaire belongs to.
// Immutable once loaded: share it freely between threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "mappers/outcomes/instrument.hpp"

namespace mappers::outcomes {

enum class CodeRole { total, panel, item };

struct CodeMatch {
  const Instrument* instrument = nullptr;
  CodeRole role = CodeRole::total;
  int item = -1;  // 0-based, for CodeRole::item
};

struct FormMatch {
  const Instrument* instrument = nullptr;
  const Form* form = nullptr;
};

class InstrumentTable {
 public:
  InstrumentTable() = default;
  // The indexes point into instruments_: a copy would point into the original.
  InstrumentTable(const InstrumentTable&) = delete;
  InstrumentTable& operator=(const InstrumentTable&) = delete;

  static fhir::Result<std::shared_ptr<const InstrumentTable>> load(const std::string& path);
  static fhir::Result<std::shared_ptr<const InstrumentTable>> from_json(const fhir::json::Value& doc);

  const std::string& version() const { return version_; }
  const std::vector<Instrument>& instruments() const { return instruments_; }
  const Instrument* find(std::string_view id) const;
  // What a LOINC code is the total, panel or item of.
  std::optional<CodeMatch> match_loinc(std::string_view code) const;
  // The known form a Questionnaire canonical names ("|version" ignored).
  std::optional<FormMatch> match_form(std::string_view canonical) const;

 private:
  std::string version_;
  std::vector<Instrument> instruments_;
  // Indexes into instruments_ (never resized after loading).
  std::unordered_map<std::string, CodeMatch> codes_;
  std::unordered_map<std::string, FormMatch> forms_;
};

// A canonical without its "|version" suffix.
std::string_view canonical_url(std::string_view canonical);

}  // namespace mappers::outcomes
