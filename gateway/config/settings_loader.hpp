// Loads Settings from file, environment and flags (flags over environment
// over file). The table of settings in settings_loader.cpp is the single
// place a setting is declared; --help is generated from it.
#pragma once

#include <string>
#include <vector>

#include "fhir/core/result.hpp"
#include "gateway/config/settings.hpp"

namespace gateway {

// args: the command's flags (after the subcommand), e.g. {"--listen", "x"}.
// Flags not naming a setting are returned in `rest` for the command to use.
struct LoadedSettings {
  Settings settings;
  std::vector<std::string> rest;
};

fhir::Result<LoadedSettings> load_settings(const std::vector<std::string>& args);

// One line per setting: flag, environment variable, config key, meaning.
std::string settings_help();

}  // namespace gateway
