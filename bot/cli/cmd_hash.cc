// schemabot hash: (re)writes atlas.sum, as `atlas migrate hash` does (never validates first).
#include <cstdio>

#include "bot/cli/commands.h"
#include "bot/cli/dir_arg.h"
#include "engine/sum/sum.h"

namespace schemabot::cli {

namespace {
constexpr char kHashUsage[] =
    "usage: schemabot hash [DIR] [--dir DIR|file://DIR[?format=F]] [--dir-format F]\n"
    "writes DIR/atlas.sum (DIR defaults to migrations; the format is detected if not given)\n";
}

int RunHash(const Argv& argv) {
  ArgSpec spec{{std::begin(kDirFlags), std::end(kDirFlags)}, {"help", "force"}, {{"h", "help"}}};
  auto args = Args::Parse(argv, spec);
  if (!args) {
    std::fprintf(stderr, "schemabot hash: %s\n%s", args.error().message.c_str(), kHashUsage);
    return 2;
  }
  if (args->Has("help")) {
    std::fputs(kHashUsage, stdout);
    return 0;
  }
  auto opened = OpenDirArg(*args);
  if (!opened) {
    std::fprintf(stderr, "schemabot hash: %s\n", opened.error().message.c_str());
    return 2;
  }
  auto written = sum::WriteSum(*opened->dir, opened->format);
  if (!written) {
    std::fprintf(stderr, "schemabot hash: %s\n", written.error().message.c_str());
    return 2;
  }
  return 0;
}

}  // namespace schemabot::cli
