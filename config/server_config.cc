#include "config/server_config.h"

#include <cstdlib>

namespace schemabot::config {
namespace {

using K = KeyType;

constexpr Key kKeys[] = {
    {"listen", K::kString, "127.0.0.1:8080",
     "Address the HTTP server binds: `host:port` (port 0 picks a free port)."},
    {"state", K::kString, "sqlite:///var/lib/schemabot/state.db",
     "State store: `sqlite:///absolute/path.db` (embedded, one process) or "
     "`postgres://…` (several replicas share one queue).",
     true},
    {"workers", K::kInt, "4", "Jobs run in parallel (different keys only)."},
    {"cache_dir", K::kString, "",
     "Where the bare git mirrors of linted repositories are kept; empty: `cache/` beside the "
     "SQLite state file (with a PostgreSQL store: `/var/lib/schemabot/cache`)."},
    {"comments.docs_url", K::kString, "",
     "Base URL of the lint-code pages linked from comments (`<url>#DS102`); empty: codes are "
     "shown without links."},
    {"comments.max_inline", K::kInt, "20",
     "Inline review comments posted per lint run; the rest are counted in the summary."},
    {"comments.status_context", K::kString, "schemabot/lint",
     "Name of the commit status / check run (what branch protection requires)."},
    {"repos", K::kStringList, "[\"**\"]",
     "Repository allowlist: globs on `owner/name` (`*` stops at `/`, `**` does not); a "
     "leading `!` negates; the last match decides. Events of other repos are ignored."},
    {"github.enabled", K::kBool, "true",
     "Accept GitHub webhooks (only when the `github` section is present)."},
    {"github.api_url", K::kString, "https://api.github.com",
     "REST API base; GitHub Enterprise Server: `https://HOST/api/v3`."},
    {"github.webhook_secret_file", K::kSecretFile, "",
     "Webhook secret(s) checked against `X-Hub-Signature-256`. Required when enabled.", true},
    {"github.token_file", K::kSecretFile, "", "API token (or use `app_id` + `private_key_file`).",
     true},
    {"github.app_id", K::kInt, "0", "GitHub App id; 0 = use `token_file`."},
    {"github.private_key_file", K::kString, "", "GitHub App private key (PEM) path.", false},
    {"gitlab.enabled", K::kBool, "true",
     "Accept GitLab webhooks (only when the `gitlab` section is present)."},
    {"gitlab.url", K::kString, "https://gitlab.com", "GitLab instance URL."},
    {"gitlab.webhook_secret_file", K::kSecretFile, "",
     "Secret token(s) compared with `X-Gitlab-Token`. Required when enabled.", true},
    {"gitlab.token_file", K::kSecretFile, "", "API token.", true},
    {"git.enabled", K::kBool, "true",
     "Accept notifications from `schemabot hook post-receive` (only when the `git` section "
     "is present)."},
    {"git.webhook_secret_file", K::kSecretFile, "",
     "HMAC secret(s) shared with the hooks. Required when enabled.", true},
    {"devdb.postgres.managed", K::kBool, "false",
     "Start a private PostgreSQL from the installed server binaries."},
    {"devdb.postgres.url", K::kString, "", "Dev-database connection for lint (unprivileged role).",
     true},
    {"devdb.postgres.admin_url", K::kString, "", "Role that creates and drops pool databases.",
     true},
    {"devdb.postgres.pool_size", K::kInt, "4", "Databases in the pool."},
    {"devdb.mysql.managed", K::kBool, "false", "Start a private MariaDB."},
    {"devdb.mysql.url", K::kString, "", "Dev-database connection for lint.", true},
    {"devdb.mysql.admin_url", K::kString, "", "Role that creates and drops pool schemas.", true},
    {"devdb.mysql.pool_size", K::kInt, "2", "Schemas in the pool."},
    {"registry.tokens_file", K::kSecretFile, "",
     "Bearer tokens of the registry API, one per line (`read:TOKEN` or `push:TOKEN`).", true},
    {"repo_config.enabled", K::kBool, "true",
     "Read `.schemabot.yaml` from repositories; false = server config only."},
    {"repo_config.locked", K::kStringList, "[]",
     "Repo-config keys a repository may not set (e.g. `dirs[].lint.destructive`)."},
    {"limits.max_body_bytes", K::kInt, "26214400",
     "Largest webhook body accepted (413 above); GitHub's cap is 25 MB."},
    {"limits.http_threads", K::kInt, "32",
     "HTTP handler threads; each open (keep-alive) connection holds one while it is active."},
    {"limits.read_timeout", K::kDuration, "10s", "Time a client has to send its request."},
    {"queue.lease", K::kDuration, "5m",
     "How long a worker owns a job before another may take it (renewed while running)."},
    {"queue.max_attempts", K::kInt, "8", "Attempts before a job is parked as failed."},
    {"queue.backoff_base", K::kDuration, "2s", "First retry delay; doubles per attempt."},
    {"queue.backoff_max", K::kDuration, "10m", "Longest retry delay."},
    {"queue.poll_interval", K::kDuration, "200ms", "How often idle workers look for jobs."},
    {"shutdown.grace", K::kDuration, "30s",
     "On SIGTERM, how long running jobs may finish before they are released."},
    {"log.format", K::kEnum, "text", "Log line format.", false, "text|json"},
    {"log.level", K::kEnum, "info", "Lowest level logged.", false, "debug|info|warn|error"},
};

Result<std::vector<std::string>> SecretsOf(const Values& v, const std::string& path) {
  return v.Secrets(path);
}

Result<void> Receiver(const Values& v, const std::string& section, ReceiverConfig& out) {
  out.enabled = v.AnySet(section) && v.Bool(section + ".enabled");
  if (!out.enabled) return Ok();
  std::string key = section + ".webhook_secret_file";
  SB_TRY_ASSIGN(out.webhook_secrets, SecretsOf(v, key));
  if (out.webhook_secrets.empty()) {
    return InvalidArgument(v.Where(section).ToString() + ": " + section +
                           ": receiver enabled without a webhook secret (set " + key + " or " +
                           section + ".webhook_secret_env)");
  }
  return Ok();
}

Result<std::string> FirstSecret(const Values& v, const std::string& key) {
  SB_TRY_ASSIGN(auto all, v.Secrets(key));
  return all.empty() ? std::string() : all.front();
}

Result<void> Listen(const Values& v, ServerConfig& c) {
  std::string listen = v.String("listen");
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return v.ErrorAt("listen", "\"" + listen + "\" is not host:port");
  }
  std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos ||
      std::stoi(port) > 65535) {
    return v.ErrorAt("listen", "\"" + port + "\" is not a port");
  }
  c.listen_host = listen.substr(0, colon);
  if (c.listen_host.size() > 2 && c.listen_host.front() == '[') {
    c.listen_host = c.listen_host.substr(1, c.listen_host.size() - 2);
  }
  c.listen_port = std::stoi(port);
  return Ok();
}

DevDbConfig DevDb(const Values& v, const std::string& s) {
  DevDbConfig d;
  d.configured = v.AnySet(s);
  d.managed = v.Bool(s + ".managed");
  d.url = v.String(s + ".url");
  d.admin_url = v.String(s + ".admin_url");
  d.pool_size = static_cast<int>(v.Int(s + ".pool_size"));
  return d;
}

Result<void> Validate(const Values& v, ServerConfig& c) {
  SB_TRY(Listen(v, c));
  c.state = v.String("state");
  if (!c.state.starts_with("sqlite://") && !c.state.starts_with("postgres://") &&
      !c.state.starts_with("postgresql://")) {
    return v.ErrorAt("state",
                     "\"" + RedactUrl(c.state) + "\" is not a sqlite:// or postgres:// URL");
  }
  c.workers = static_cast<int>(v.Int("workers"));
  if (c.workers < 1 || c.workers > 256) return v.ErrorAt("workers", "must be between 1 and 256");
  c.repos = v.List("repos");
  c.cache_dir = v.String("cache_dir");
  if (c.cache_dir.empty()) {
    std::string path = c.state.starts_with("sqlite://") ? c.state.substr(9) : "";
    size_t slash = path.rfind('/');
    c.cache_dir = slash == std::string::npos ? (path.empty() ? "/var/lib/schemabot/cache" : "cache")
                                             : path.substr(0, slash + 1) + "cache";
  }
  c.docs_url = v.String("comments.docs_url");
  c.max_inline = static_cast<int>(v.Int("comments.max_inline"));
  if (c.max_inline < 0) return v.ErrorAt("comments.max_inline", "must not be negative");
  c.status_context = v.String("comments.status_context");
  for (const char* k : {"queue.max_attempts", "devdb.postgres.pool_size", "devdb.mysql.pool_size",
                        "limits.max_body_bytes", "limits.http_threads"}) {
    if (v.Int(k) < 1) return v.ErrorAt(k, "must be at least 1");
  }
  c.max_body_bytes = v.Int("limits.max_body_bytes");
  c.read_timeout = v.Duration("limits.read_timeout");
  c.http_threads = static_cast<int>(v.Int("limits.http_threads"));
  c.lease = v.Duration("queue.lease");
  if (c.lease < std::chrono::seconds(1)) return v.ErrorAt("queue.lease", "must be at least 1s");
  c.max_attempts = static_cast<int>(v.Int("queue.max_attempts"));
  c.backoff_base = v.Duration("queue.backoff_base");
  c.backoff_max = v.Duration("queue.backoff_max");
  c.poll_interval = v.Duration("queue.poll_interval");
  c.drain_grace = v.Duration("shutdown.grace");
  c.log_format = v.String("log.format");
  c.log_level = v.String("log.level");
  c.repo_config_enabled = v.Bool("repo_config.enabled");
  c.repo_config_locked = v.List("repo_config.locked");
  c.devdb_postgres = DevDb(v, "devdb.postgres");
  c.devdb_mysql = DevDb(v, "devdb.mysql");

  SB_TRY(Receiver(v, "github", c.github));
  c.github.api_url = v.String("github.api_url");
  c.github.app_id = v.Int("github.app_id");
  c.github.private_key_file = v.String("github.private_key_file");
  if (c.github.app_id != 0 && c.github.private_key_file.empty()) {
    return v.ErrorAt("github.app_id", "a GitHub App needs github.private_key_file");
  }
  if (c.github.enabled) {
    SB_TRY_ASSIGN(c.github.token, FirstSecret(v, "github.token_file"));
  }
  SB_TRY(Receiver(v, "gitlab", c.gitlab));
  c.gitlab.url = v.String("gitlab.url");
  if (c.gitlab.enabled) {
    SB_TRY_ASSIGN(c.gitlab.token, FirstSecret(v, "gitlab.token_file"));
  }
  SB_TRY(Receiver(v, "git", c.git));
  SB_TRY_ASSIGN(c.registry_tokens, v.Secrets("registry.tokens_file"));
  return Ok();
}

// Glob match where '*' does not cross '/', '**' does, '?' is one character.
bool Glob(std::string_view p, std::string_view s) {
  if (p.empty()) return s.empty();
  if (p.starts_with("**")) {
    for (size_t i = 0; i <= s.size(); ++i) {
      if (Glob(p.substr(2), s.substr(i))) return true;
    }
    return false;
  }
  if (p[0] == '*') {
    for (size_t i = 0; i <= s.size(); ++i) {
      if (Glob(p.substr(1), s.substr(i))) return true;
      if (i < s.size() && s[i] == '/') return false;
    }
    return false;
  }
  if (s.empty()) return false;
  if (p[0] == '?' ? s[0] == '/' : p[0] != s[0]) return false;
  return Glob(p.substr(1), s.substr(1));
}

}  // namespace

const KeyTable kServerKeys{kKeys};

const char* const kServerConfigIntro =
    "The server's own file, given with `schemabot serve -c FILE`. Check one with "
    "`schemabot config check -c FILE` and see the effective values (secrets redacted) with "
    "`schemabot serve -c FILE --print-config`. A receiver section (`github`, `gitlab`, "
    "`git`) that appears in the file is enabled and must name its webhook secret. See "
    "`config/schemabot.example.yaml`.";

Result<ServerConfig> ParseServerConfig(std::string_view text, std::string_view file) {
  SB_TRY_ASSIGN(Values v, Parse(kServerKeys, text, file));
  ServerConfig c;
  SB_TRY(Validate(v, c));
  c.values = std::move(v);
  return c;
}

Result<ServerConfig> LoadServerConfig(const std::string& path) {
  SB_TRY_ASSIGN(Values v, Load(kServerKeys, path));
  ServerConfig c;
  SB_TRY(Validate(v, c));
  c.values = std::move(v);
  return c;
}

bool RepoAllowed(const std::vector<std::string>& patterns, std::string_view repo) {
  bool allowed = false;
  for (const std::string& p : patterns) {
    bool neg = !p.empty() && p[0] == '!';
    if (Glob(neg ? std::string_view(p).substr(1) : std::string_view(p), repo)) allowed = !neg;
  }
  return allowed;
}

}  // namespace schemabot::config
