// Placeholders for commands whose engine parts are being built; each is replaced by its
// own cmd_<name>.cc. They fail loudly (exit 2) rather than pretending to work.
#include <cstdio>

#include "bot/cli/commands.h"

namespace schemabot::cli {

[[maybe_unused]] static int Pending(const char* name) {
  std::fprintf(stderr, "schemabot %s: not available in this build yet\n", name);
  return 2;
}

}  // namespace schemabot::cli
