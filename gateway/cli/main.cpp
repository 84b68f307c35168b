// carebridge: the command-line entry point. Outside checks rely on these
// forms exactly:
//   carebridge serve --listen HOST:PORT --db PATH [--config FILE]
//   carebridge import --db PATH [--client ID] FILE_OR_DIR...
//   carebridge client add --db PATH --id ID --role ROLE --organization Organization/ID
//                         [--scopes "..."] [--jwks FILE] [--part2-program]
//   carebridge token --db PATH [--config FILE] --client ID --purpose CODE [--scope S] [--user ID]
//   carebridge audit verify [--db PATH] [--audit-db FILE] [--audit-key-file FILE]
//   carebridge audit export [--db PATH] [--audit-db FILE] [--audit-key-file FILE] --out FILE
//   carebridge patients links|link|unlink|match --db PATH ...
#include <cstdio>
#include <string>
#include <vector>

#include "gateway/cli/commands.hpp"
#include "gateway/config/settings_loader.hpp"

namespace {

void print_help() {
  std::printf(
      "CareBridge %s: FHIR R4 gateway for integrated behavioral-health care\n\n"
      "Usage:\n"
      "  carebridge serve --listen HOST:PORT --db PATH [--config FILE] [settings]\n"
      "      Serve the FHIR R4 REST API over the SQLite store at PATH. Prints\n"
      "      'listening on HOST:PORT' once ready. SIGTERM stops gracefully.\n"
      "  carebridge import --db PATH [--client ID] FILE_OR_DIR...\n"
      "      Load JSON resources and transaction/batch Bundles, each file in one\n"
      "      transaction (also while a server runs on the store).\n"
      "  carebridge client add --db PATH --id ID --role ROLE --organization Organization/ID\n"
      "                        [--scopes \"system/*.rs ...\"] [--jwks FILE] [--part2-program]\n"
      "                        [--endpoint-prefix URL]...\n"
      "  carebridge client list --db PATH\n"
      "  carebridge client revoke --db PATH --id ID\n"
      "      The registry of client systems (roles: source, partner, compliance,\n"
      "      care-manager, admin), also while a server runs on the store.\n"
      "  carebridge token --db PATH [--config FILE] --client ID --purpose CODE\n"
      "                   [--scope S] [--user ID]\n"
      "      Print an access token for a registered client (purpose: an HL7 v3\n"
      "      PurposeOfUse code such as TREAT), signed with the store's gateway key.\n"
      "  carebridge relabel --db PATH [--config FILE]\n"
      "      Recompute every stored version's security labels under the rule\n"
      "      tables in force (after a rules change); no new versions.\n"
      "  carebridge audit verify [--db PATH] [--audit-db FILE] [--audit-key-file FILE]\n"
      "      Check the audit log's hash chain, search index and signed checkpoints;\n"
      "      prints one line, exit 1 naming the first tampered seq and how. The log\n"
      "      defaults to PATH.audit.db, its key to the log's name + .key.pem (an\n"
      "      archive verifies alone against the public key stored in it).\n"
      "  carebridge audit export [--db PATH] [--audit-db FILE] [--audit-key-file FILE] --out FILE\n"
      "      Sign the log's tail and write a verifiable archive of it to FILE.\n"
      "  carebridge patients links --db PATH [--patient ID] [--state linked|review|rejected]\n"
      "  carebridge patients link --db PATH --a ID --b ID [--by NAME]\n"
      "  carebridge patients unlink --db PATH --a ID --b ID [--by NAME]\n"
      "      Patient records of one person across source systems: list the link\n"
      "      table (one line per pair: a b state score grade decided_by), link a\n"
      "      pair, or reject it. A person's decision is never undone by matching.\n"
      "  carebridge patients match --db PATH --a ID --b ID [--record]\n"
      "      Compare two stored Patients under the matching rules; print the\n"
      "      outcome (link, review, none), score, grade and evidence without PHI.\n"
      "      --record stores it as a link or review row unless a person decided.\n"
      "  carebridge --help\n\n"
      "Settings (flags over CAREBRIDGE_* environment over the config file):\n%s",
      CAREBRIDGE_VERSION, gateway::settings_help().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_help();
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      print_help();
      return 0;
    }
  }
  if (command == "serve") return gateway::serve_command(args);
  if (command == "import") return gateway::import_command(args);
  if (command == "client") return gateway::client_command(args);
  if (command == "token") return gateway::token_command(args);
  if (command == "relabel") return gateway::relabel_command(args);
  if (command == "audit") return gateway::audit_command(args);
  if (command == "patients") return gateway::patients_command(args);
  std::fprintf(stderr, "carebridge: unknown command '%s' (try --help)\n", command.c_str());
  return 2;
}
