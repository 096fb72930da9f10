// schemabot devdb start|stop|url [--dialect postgres|mysql] [--dir D]: the managed local
// dev-database (the embedded default of lint and serve).
#include <cstdio>

#include "bot/cli/args.h"
#include "bot/cli/commands.h"
#include "engine/devdb/managed.h"

namespace schemabot::cli {

static int DevdbUsage() {
  std::fprintf(stderr,
               "usage: schemabot devdb start|stop|url [--dialect postgres|mysql] [--dir DIR]\n"
               "  start  start the managed dev-database (or find it running); prints its URL\n"
               "  stop   stop it (its data stays in DIR)\n"
               "  url    print the URL it has (or would have)\n");
  return 2;
}

int RunDevdb(const Argv& argv) {
  auto args = Args::Parse(argv, ArgSpec{{"dialect", "dir"}, {"help"}, {{"h", "help"}}});
  if (!args) {
    std::fprintf(stderr, "schemabot devdb: %s\n", args.error().message.c_str());
    return DevdbUsage();
  }
  if (args->Has("help") || args->positional().size() != 1) return DevdbUsage();
  devdb::ManagedOptions o;
  std::string dialect = args->Get("dialect", "postgres");
  if (dialect == "mysql" || dialect == "mariadb") {
    o.engine = devdb::Engine::kMySQL;
  } else if (dialect != "postgres" && dialect != "postgresql") {
    std::fprintf(stderr, "schemabot devdb: unknown dialect \"%s\" (postgres or mysql)\n",
                 dialect.c_str());
    return 2;
  }
  o.dir = args->Get("dir");
  const std::string& verb = args->positional()[0];
  if (verb == "start") {
    auto s = devdb::StartManagedServer(o);
    if (!s) {
      std::fprintf(stderr, "schemabot devdb start: %s\n", s.error().message.c_str());
      return 2;
    }
    if (s->already_running) std::fprintf(stderr, "already running in %s\n", s->dir.c_str());
    std::printf("%s\n", s->url.Redacted().c_str());
    return 0;
  }
  if (verb == "stop") {
    auto r = devdb::StopManagedServer(o);
    if (!r) {
      std::fprintf(stderr, "schemabot devdb stop: %s\n", r.error().message.c_str());
      return 2;
    }
    return 0;
  }
  if (verb == "url") {
    std::string dir = o.dir.empty() ? devdb::DefaultManagedDir(o.engine) : o.dir;
    if (o.engine == devdb::Engine::kPostgres) {
      std::printf("postgres://postgres@/postgres?host=%s\n", dir.c_str());
    } else {
      std::printf("mysql://root@/?socket=%s/mysqld.sock\n", dir.c_str());
    }
    return 0;
  }
  std::fprintf(stderr, "schemabot devdb: unknown action \"%s\"\n", verb.c_str());
  return DevdbUsage();
}

}  // namespace schemabot::cli
