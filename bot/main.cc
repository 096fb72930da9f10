// schemabot: thin entry point. Parses the subcommand name and hands the rest to it.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bot/cli/commands.h"

namespace {

struct Command {
  const char* name;
  int (*run)(const schemabot::cli::Argv&);
  const char* summary;
};

// One line per subcommand.
const Command kCommands[] = {
    {"lint", schemabot::cli::RunLint, "lint new migrations (replay on a dev-database, analyze)"},
    {"hash", schemabot::cli::RunHash, "write atlas.sum for a migration directory"},
    {"validate", schemabot::cli::RunValidate, "verify a directory's atlas.sum"},
    {"split", schemabot::cli::RunSplit, "print the statements of a SQL file with positions"},
    {"serve", schemabot::cli::RunServe, "run the webhook receivers and workers (-c CONFIG)"},
    {"jobs", schemabot::cli::RunJobs, "list, show and retry queued jobs (-c CONFIG)"},
    {"config", schemabot::cli::RunConfig,
     "check a server config (config check -c FILE), print docs"},
    {"devdb", schemabot::cli::RunDevdb, "start or stop the managed local dev-database"},
    {"hook", schemabot::cli::RunHook, "git server hooks: post-receive notifies the server"},
    {"version", schemabot::cli::RunVersion, "print the version"},
};

void Usage(FILE* out) {
  std::fprintf(out, "usage: schemabot <command> [arguments]\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "help") || !std::strcmp(argv[1], "--help") ||
      !std::strcmp(argv[1], "-h")) {
    Usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  std::vector<std::string> rest(argv + 2, argv + argc);
  for (const auto& c : kCommands) {
    if (std::strcmp(c.name, argv[1]) == 0) return c.run(rest);
  }
  std::fprintf(stderr, "schemabot: unknown command \"%s\"\n\n", argv[1]);
  Usage(stderr);
  return 2;
}
