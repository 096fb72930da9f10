// schemabot hook post-receive [--url URL] [--secret-file F | --secret-env VAR] [--repo R]
//                             [--spool DIR] [--timeout MS] [--budget MS] [--flush]
// (git runs it with "<old> <new> <ref>" lines on stdin; logic in hooks/hooks.h)
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bot/cli/args.h"
#include "bot/cli/commands.h"
#include "hooks/hooks.h"

namespace schemabot::cli {
namespace {

namespace fs = std::filesystem;

int Usage() {
  std::fprintf(
      stderr,
      "usage: schemabot hook post-receive [flags]   (stdin: \"<old> <new> <ref>\" lines)\n"
      "  --url URL          schemabot server, e.g. http://bot:8080      (env SCHEMABOT_URL)\n"
      "  --secret-file F    file whose first line is git.webhook_secret (env "
      "SCHEMABOT_HOOK_SECRET_FILE)\n"
      "  --secret-env VAR   or: the environment variable holding it\n"
      "  --repo NAME        repository name, e.g. team/app (env SCHEMABOT_REPO; default: the\n"
      "                     last two path parts of the repository, without .git)\n"
      "  --clone-url URL    sent to the server (env SCHEMABOT_CLONE_URL)\n"
      "  --pusher NAME      default: GL_USERNAME, GITEA_PUSHER_NAME, REMOTE_USER or USER\n"
      "  --spool DIR        undelivered notifications (env SCHEMABOT_HOOK_SPOOL; default\n"
      "                     <git dir>/schemabot-spool)\n"
      "  --timeout MS       per request (default 3000)   --budget MS  in all (default 8000)\n"
      "  --flush            only send what is spooled (for cron); stdin is not read\n"
      "exit: 0 all delivered, 1 something is kept in the spool, 2 usage error\n"
      "       schemabot hook pre-receive   (not available in this build yet)\n");
  return 2;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string Flag(const Args& a, const std::string& flag, const char* env) {
  std::string v = a.Get(flag);
  return v.empty() && env ? Env(env) : v;
}

// The first non-empty line, trailing whitespace removed (the server accepts every line of
// its secret file; a sender uses one).
std::string FirstLine(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    if (!line.empty()) return line;
  }
  return "";
}

Result<std::string> Secret(const Args& a) {
  if (std::string var = a.Get("secret-env"); !var.empty()) {
    std::string v = FirstLine(Env(var.c_str()));
    if (v.empty()) return InvalidArgument("--secret-env: variable \"" + var + "\" is empty");
    return v;
  }
  std::string file = Flag(a, "secret-file", "SCHEMABOT_HOOK_SECRET_FILE");
  if (file.empty()) return std::string();
  std::ifstream in(file, std::ios::binary);
  if (!in) return InvalidArgument("secret file \"" + file + "\": cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string v = FirstLine(ss.str());
  if (v.empty()) return InvalidArgument("secret file \"" + file + "\": empty");
  return v;
}

// Git runs hooks in the repository (bare: the git dir) with GIT_DIR set.
fs::path GitDir() {
  std::error_code ec;
  std::string env = Env("GIT_DIR");
  fs::path p = env.empty() ? fs::current_path(ec) : fs::path(env);
  fs::path abs = fs::weakly_canonical(p, ec);
  return ec ? p : abs;
}

// /srv/git/team/app.git -> team/app; /srv/repo/.git -> srv/repo.
std::string RepoFromPath(fs::path dir) {
  if (dir.filename() == ".git") dir = dir.parent_path();
  std::string name = dir.filename().string();
  if (name.ends_with(".git")) name.resize(name.size() - 4);
  std::string owner = dir.parent_path().filename().string();
  return owner.empty() || owner == "/" ? name : owner + "/" + name;
}

// "ref: refs/heads/main" in HEAD -> "main".
std::string DefaultBranch(const fs::path& git_dir) {
  std::ifstream in(git_dir / "HEAD");
  std::string line;
  std::getline(in, line);
  constexpr std::string_view kPrefix = "ref: refs/heads/";
  return line.starts_with(kPrefix) ? line.substr(kPrefix.size()) : "";
}

std::string Pusher(const Args& a) {
  for (const char* env : {"GL_USERNAME", "GITEA_PUSHER_NAME", "REMOTE_USER", "USER"}) {
    if (std::string v = Flag(a, "pusher", env); !v.empty()) return v;
  }
  return "";
}

std::optional<std::chrono::milliseconds> Millis(const std::string& s, int64_t fallback) {
  if (s.empty()) return std::chrono::milliseconds(fallback);
  if (s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::chrono::milliseconds(std::stoll(s));
}

int PostReceive(const Args& a) {
  fs::path git_dir = GitDir();
  hooks::PostReceiveOptions o;
  o.url = Flag(a, "url", "SCHEMABOT_URL");
  o.repo = Flag(a, "repo", "SCHEMABOT_REPO");
  if (o.repo.empty()) o.repo = RepoFromPath(git_dir);
  o.clone_url = Flag(a, "clone-url", "SCHEMABOT_CLONE_URL");
  o.pusher = Pusher(a);
  o.default_branch = DefaultBranch(git_dir);
  o.spool_dir = Flag(a, "spool", "SCHEMABOT_HOOK_SPOOL");
  if (o.spool_dir.empty()) o.spool_dir = (git_dir / "schemabot-spool").string();
  o.flush_only = a.Has("flush");
  auto timeout = Millis(Flag(a, "timeout", "SCHEMABOT_HOOK_TIMEOUT"), 3000);
  auto budget = Millis(a.Get("budget"), 8000);
  if (!timeout || !budget) {
    std::fprintf(stderr, "schemabot hook post-receive: --timeout and --budget take milliseconds\n");
    return Usage();
  }
  o.timeout = *timeout;
  o.budget = *budget;
  // A bad secret setting must not lose the notification: report it and spool.
  Result<std::string> secret = Secret(a);
  if (!secret) {
    std::fprintf(stderr, "schemabot: %s\n", secret.error().message.c_str());
  } else {
    o.secret = *secret;
  }

  std::vector<hooks::RefUpdate> updates;
  if (!o.flush_only) {
    std::stringstream in;
    in << std::cin.rdbuf();
    auto parsed = hooks::ParseRefUpdates(in.str());
    if (!parsed) {
      std::fprintf(stderr, "schemabot hook post-receive: stdin: %s\n",
                   parsed.error().message.c_str());
      return 2;
    }
    updates = std::move(*parsed);
  }
  hooks::PostReceiveResult r = hooks::PostReceive(updates, o);
  for (const std::string& line : r.lines) std::fprintf(stderr, "%s\n", line.c_str());
  return r.exit_code();
}

}  // namespace

int RunHook(const Argv& argv) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "-h") return Usage();
  std::string sub = argv[0];
  if (sub == "pre-receive") {
    std::fprintf(stderr, "schemabot hook pre-receive: not available in this build yet\n");
    return 2;
  }
  if (sub != "post-receive") {
    std::fprintf(stderr, "schemabot hook: unknown hook \"%s\"\n", sub.c_str());
    return Usage();
  }
  ArgSpec spec{{"url", "secret-file", "secret-env", "repo", "clone-url", "pusher", "spool",
                "timeout", "budget"},
               {"flush", "help"},
               {}};
  auto args = Args::Parse(Argv(argv.begin() + 1, argv.end()), spec);
  if (!args) {
    std::fprintf(stderr, "schemabot hook post-receive: %s\n", args.error().message.c_str());
    return Usage();
  }
  if (args->Has("help")) return Usage();
  if (!args->positional().empty()) {
    std::fprintf(stderr, "schemabot hook post-receive: unexpected argument \"%s\"\n",
                 args->positional()[0].c_str());
    return Usage();
  }
  return PostReceive(*args);
}

}  // namespace schemabot::cli
