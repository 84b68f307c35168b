#include "mappers/outcomes/instrument.hpp"

namespace mappers::outcomes {

std::optional<int> Instrument::answer_value(std::string_view system, std::string_view code) const {
  for (const auto& a : answers)
    if (a.system == system && a.code == code) return a.value;
  return std::nullopt;
}

std::string Instrument::band_of(int total) const {
  for (const auto& b : bands)
    if (total >= b.min && total <= b.max) return b.label;
  return {};
}

}  // namespace mappers::outcomes
