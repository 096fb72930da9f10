#include <cstdio>

#include "bot/cli/commands.h"

namespace schemabot::cli {

int RunVersion(const Argv&) {
  std::printf("schemabot %s\n", SCHEMABOT_VERSION);
  return 0;
}

}  // namespace schemabot::cli
