// The carebridge subcommands. Each takes the arguments after its name and
// returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace gateway {

int serve_command(const std::vector<std::string>& args);
int import_command(const std::vector<std::string>& args);
int client_command(const std::vector<std::string>& args);
int token_command(const std::vector<std::string>& args);
int relabel_command(const std::vector<std::string>& args);
int audit_command(const std::vector<std::string>& args);
int patients_command(const std::vector<std::string>& args);

}  // namespace gateway
