// schemabot config check -c FILE [--print-config]   validate a server config
// schemabot config docs                            print docs/config.md (generated)
// schemabot config check --repo .schemabot.yaml    validate a repo config
// schemabot config explain [KEY]                   describe one key (or list them all)
#include <cstdio>

#include "bot/cli/args.h"
#include "bot/cli/commands.h"
#include "config/repo_config.h"
#include "config/server_config.h"

namespace schemabot::cli {

namespace {

void Describe(const config::Key& k, const char* file) {
  std::printf("%s  (%s, %s)\n  type: %s%s%s\n  default: %s\n  %s\n", std::string(k.name).c_str(),
              file, k.secret ? "secret" : "plain", std::string(config::KeyTypeName(k.type)).c_str(),
              k.choices.empty() ? "" : " ", std::string(k.choices).c_str(),
              k.default_value.empty() ? "(unset)" : std::string(k.default_value).c_str(),
              std::string(k.doc).c_str());
}

int Explain(const std::string& key) {
  int found = 0;
  for (auto [table, file] : {std::pair{config::kServerKeys, "schemabot.yaml"},
                             std::pair{config::kRepoKeys, ".schemabot.yaml"}}) {
    for (const auto& k : table) {
      if (key.empty()) {
        std::printf("%-40s %s\n", std::string(k.name).c_str(), file);
      } else if (k.name == key) {
        Describe(k, file);
        ++found;
      }
    }
  }
  if (!key.empty() && found == 0) {
    std::fprintf(stderr, "schemabot config: unknown key \"%s\" (list them with `schemabot config explain`)\n",
                 key.c_str());
    return 2;
  }
  return 0;
}

int CheckRepo(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    std::fprintf(stderr, "schemabot config: cannot read \"%s\"\n", path.c_str());
    return 2;
  }
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  std::fclose(f);
  auto rc = config::ParseRepoConfig(text, path);
  if (!rc) {
    std::fprintf(stderr, "schemabot config: %s\n", rc.error().message.c_str());
    return 1;
  }
  std::fprintf(stderr, "%s: ok (%zu directories)\n", path.c_str(), rc->dirs.size());
  return 0;
}

}  // namespace

int RunConfig(const Argv& argv) {
  ArgSpec spec{{"config", "repo"}, {"print-config", "help"}, {{"c", "config"}}};
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
  if (sub == "explain") return Explain(pos.size() > 1 ? pos[1] : "");
  if (sub == "check" && args->Has("repo")) return CheckRepo(args->Get("repo"));
  if (sub != "check" || !args->Has("config")) {
    std::fprintf(stderr,
                 "usage: schemabot config check -c FILE [--print-config]\n"
                 "       schemabot config check --repo .schemabot.yaml\n"
                 "       schemabot config explain [KEY]\n"
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
