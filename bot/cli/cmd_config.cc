// schemabot config check -c FILE [--print-config]   validate a server config
// schemabot config docs                            print docs/config.md (generated)
#include <cstdio>

#include "bot/cli/args.h"
#include "bot/cli/commands.h"
#include "config/server_config.h"

namespace schemabot::cli {

int RunConfig(const Argv& argv) {
  ArgSpec spec{{"config"}, {"print-config", "help"}, {{"c", "config"}}};
  auto args = Args::Parse(argv, spec);
  if (!args) {
    std::fprintf(stderr, "schemabot config: %s\n", args.error().message.c_str());
    return 2;
  }
  const auto& pos = args->positional();
  std::string sub = pos.empty() ? "" : pos[0];
  if (sub == "docs") {
    std::fputs(config::ReferenceMarkdown().c_str(), stdout);
    return 0;
  }
  if (sub != "check" || !args->Has("config")) {
    std::fprintf(stderr,
                 "usage: schemabot config check -c FILE [--print-config]\n"
                 "       schemabot config docs\n");
    return 2;
  }
  auto cfg = config::LoadServerConfig(args->Get("config"));
  if (!cfg) {
    std::fprintf(stderr, "schemabot config: %s\n", cfg.error().message.c_str());
    return 1;
  }
  if (args->Has("print-config")) std::fputs(cfg->values.Print().c_str(), stdout);
  std::fprintf(stderr, "%s: ok\n", args->Get("config").c_str());
  return 0;
}

}  // namespace schemabot::cli
