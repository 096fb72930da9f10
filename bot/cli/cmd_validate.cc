// schemabot validate: verifies atlas.sum like `atlas migrate validate` (without --dev-url):
// exit 0 when valid, 1 with Atlas's messages on a checksum error, 2 on usage errors.
#include <cstdio>

#include "bot/cli/commands.h"
#include "bot/cli/dir_arg.h"
#include "engine/sum/sum.h"

namespace schemabot::cli {

namespace {
constexpr char kValidateUsage[] =
    "usage: schemabot validate [DIR] [--dir DIR|file://DIR[?format=F]] [--dir-format F]\n"
    "checks DIR/atlas.sum against the files (exit 1 on a checksum error)\n";
}

int RunValidate(const Argv& argv) {
  ArgSpec spec{{std::begin(kDirFlags), std::end(kDirFlags)}, {"help"}, {{"h", "help"}}};
  auto args = Args::Parse(argv, spec);
  if (!args) {
    std::fprintf(stderr, "schemabot validate: %s\n%s", args.error().message.c_str(),
                 kValidateUsage);
    return 2;
  }
  if (args->Has("help")) {
    std::fputs(kValidateUsage, stdout);
    return 0;
  }
  auto opened = OpenDirArg(*args);
  if (!opened) {
    std::fprintf(stderr, "schemabot validate: %s\n", opened.error().message.c_str());
    return 2;
  }
  auto v = sum::Validate(*opened->dir, opened->format);
  if (!v) {
    std::fprintf(stderr, "schemabot validate: %s\n", v.error().message.c_str());
    return 2;
  }
  if (v->ok()) return 0;
  std::fputs(sum::CliReport(*v).c_str(), stderr);
  return 1;
}

}  // namespace schemabot::cli
