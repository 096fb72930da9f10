// schemabot serve -c CONFIG [--print-config] [--log-format text|json]
#include <cstdio>

#include "bot/cli/args.h"
#include "bot/cli/commands.h"
#include "bot/server/server.h"

namespace schemabot::cli {

int RunServe(const Argv& argv) {
  ArgSpec spec{{"config", "log-format"}, {"print-config"}, {{"c", "config"}}};
  auto args = Args::Parse(argv, spec);
  if (!args || !args->Has("config") || !args->positional().empty()) {
    if (!args) std::fprintf(stderr, "schemabot serve: %s\n", args.error().message.c_str());
    std::fprintf(stderr,
                 "usage: schemabot serve -c CONFIG [--print-config] [--log-format text|json]\n");
    return 2;
  }
  std::string format = args->Get("log-format");
  if (!format.empty() && format != "text" && format != "json") {
    std::fprintf(stderr, "schemabot serve: --log-format must be text or json\n");
    return 2;
  }
  auto cfg = config::LoadServerConfig(args->Get("config"));
  if (!cfg) {
    std::fprintf(stderr, "schemabot serve: %s\n", cfg.error().message.c_str());
    return 2;
  }
  if (args->Has("print-config")) {
    std::fputs(cfg->values.Print().c_str(), stdout);
    return 0;
  }
  return server::Serve(*cfg, {format});
}

}  // namespace schemabot::cli
