// schemabot lint: the lint engine on a checkout, as CI runs it.
//   exit 0: no errors (warnings allowed); 1: errors found; 2: could not lint.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "bot/cli/commands.h"
#include "bot/cli/dir_arg.h"
#include "bot/cli/lint_devdb.h"
#include "config/repo_config.h"
#include "engine/lint/lint.h"
#include "engine/report/report.h"

namespace schemabot::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kUsage[] =
    "usage: schemabot lint [DIR] [--dir DIR] [--dir-format F] [--dialect postgres|mysql]\n"
    "                      [--dev-url URL | --static] [--git-base REF | --latest N]\n"
    "                      [--format text|json|markdown|sarif|codequality] [-c .schemabot.yaml]\n"
    "Without --dev-url a managed local dev-database is started. Without --git-base or\n"
    "--latest, the last file is new (--latest 1).\n"
    "exit 0: no errors; 1: errors found; 2: could not lint\n";

int Fail(const std::string& msg) {
  std::fprintf(stderr, "schemabot lint: %s\n", msg.c_str());
  return 2;
}

Result<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return NotFound("cannot read \"" + p.string() + "\"");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The repository that holds `dir`, and dir's path inside it.
Result<std::pair<fs::path, std::string>> RepoOf(const fs::path& dir) {
  fs::path abs = fs::weakly_canonical(fs::absolute(dir));
  for (fs::path p = abs; !p.empty(); p = p.parent_path()) {
    if (fs::exists(p / ".git")) return std::pair{p, fs::relative(abs, p).generic_string()};
    if (p == p.parent_path()) break;
  }
  return NotFound("--git-base: \"" + dir.string() + "\" is not inside a git repository");
}

Result<std::unique_ptr<lint::Detector>> MakeDetector(const Args& a, const std::string& path,
                                                     dir::DirFormat format) {
  if (a.Has("git-base") && a.Has("latest")) {
    return InvalidArgument("--latest and --git-base are mutually exclusive");
  }
  if (a.Has("git-base")) {
    SB_TRY_ASSIGN(auto repo, RepoOf(path));
    auto tree = dir::OpenGitTreeDir(repo.first.string(), a.Get("git-base"), repo.second);
    if (!tree) {
      if (tree.error().code == ErrorCode::kNotFound &&
          tree.error().message.find("subdir") != std::string::npos) {
        return lint::BaseDirDetector(dir::MigrationDir{format, {}, {}});  // a new directory
      }
      return std::move(tree).error().Wrap("--git-base " + a.Get("git-base"));
    }
    SB_TRY_ASSIGN(auto base, dir::LoadMigrations(**tree, format));
    return lint::BaseDirDetector(std::move(base));
  }
  int n = 1;
  if (a.Has("latest")) {
    try {
      n = std::stoi(a.Get("latest"));
    } catch (...) {
      return InvalidArgument("--latest: want a number, got \"" + a.Get("latest") + "\"");
    }
    if (n <= 0) return InvalidArgument("--latest: want a number above 0");
  }
  return lint::LatestDetector(n);
}

// Settings from -c .schemabot.yaml for this directory, if any.
Result<std::optional<config::DirConfig>> DirSettings(const Args& a, const std::string& path) {
  if (!a.Has("config")) return std::optional<config::DirConfig>{};
  SB_TRY_ASSIGN(std::string text, ReadFile(a.Get("config")));
  SB_TRY_ASSIGN(auto rc, config::ParseRepoConfig(text, a.Get("config")));
  std::string want = fs::path(path).lexically_normal().generic_string();
  while (want.size() > 1 && want.back() == '/') want.pop_back();
  for (auto& d : rc.dirs) {
    if (d.path == want || rc.dirs.size() == 1) return std::optional<config::DirConfig>{d};
  }
  return InvalidArgument(a.Get("config") + ": no entry for directory \"" + want + "\"");
}

Result<report::Format> ParseFormatArg(const Args& args) {
  return report::ParseFormat(args.Get("format", "text"));
}

}  // namespace

int RunLint(const Argv& argv) {
  ArgSpec spec{{"dir", "dir-format", "dialect", "dev-url", "git-base", "latest", "format", "config",
                "docs-base"},
               {"static", "help"},
               {{"c", "config"}, {"h", "help"}}};
  auto args = Args::Parse(argv, spec);
  if (!args) return Fail(args.error().message + "\n" + kUsage);
  if (args->Has("help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  auto dir_arg = ParseDirArg(*args);
  if (!dir_arg) return Fail(dir_arg.error().message);
  auto settings = DirSettings(*args, dir_arg->path);
  if (!settings) return Fail(settings.error().message);
  auto format_name = ParseFormatArg(*args);
  if (!format_name) return Fail(format_name.error().message);
  sql::Dialect dialect = *settings ? (*settings)->dialect : sql::Dialect::kPostgres;
  if (args->Has("dialect")) {
    auto d = sql::ParseDialect(args->Get("dialect"));
    if (!d) return Fail(d.error().message);
    dialect = *d;
  }
  auto opened = OpenDirArg(*args);
  if (!opened) return Fail(opened.error().message);
  dir::DirFormat format = opened->format;
  if (*settings && (*settings)->format && !args->Has("dir-format")) format = *(*settings)->format;
  auto md = dir::LoadMigrations(*opened->dir, format);
  if (!md) return Fail(md.error().message);
  auto detector = MakeDetector(*args, dir_arg->path, format);
  if (!detector) return Fail(detector.error().message);

  bool use_static = args->Has("static") || (*settings && (*settings)->static_only);
  if (use_static && args->Has("dev-url"))
    return Fail("--dev-url and --static are mutually exclusive");
  std::unique_ptr<LintDevDb> devdb;
  std::unique_ptr<lint::Replayer> replayer;
  if (use_static) {
    replayer = lint::NewStaticReplayer(dialect);
  } else {
    auto db = OpenLintDevDb(args->Get("dev-url"), dialect, format);
    if (!db) return Fail(db.error().message);
    devdb = std::move(*db);
    replayer = devdb->NewReplayer();
  }
  lint::LintRequest req;
  req.dir = dir_arg->path;
  req.sum = lint::CheckSum(*md, *opened->dir);
  req.head = std::move(*md);
  req.detector = detector->get();
  req.dialect = dialect;
  if (*settings) req.config = (*settings)->lint;
  req.replayer = replayer.get();
  if (isatty(STDERR_FILENO)) {
    req.progress = [](int done, int total) {
      std::fprintf(stderr, "\r\033[Klinting: %d/%d files", done, total);
      if (done == total) std::fputs("\r\033[K", stderr);
    };
  }
  auto rep = lint::Lint(req);
  if (!rep) return Fail(rep.error().message);
  report::RenderOptions ro;
  ro.dir = dir_arg->path;
  if (args->Has("docs-base")) ro.docs_base = args->Get("docs-base");
  std::fputs(report::Render(*rep, *format_name, ro).c_str(), stdout);
  return rep->ErrorCount() > 0 ? 1 : 0;
}

}  // namespace schemabot::cli
