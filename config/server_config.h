// The server config (schemabot.yaml): its key table and the typed, validated view of it.
//
//   SB_TRY_ASSIGN(ServerConfig cfg, LoadServerConfig("/etc/schemabot/schemabot.yaml"));
//
// LoadServerConfig parses the file against kServerKeys, validates values that need more
// than a type check (listen address, state URL, worker count, forge settings), and reads
// the secrets of every enabled receiver and forge. A receiver (github, gitlab, git) is
// enabled when its section appears in the file and `enabled` is not false; an enabled
// receiver without a webhook secret is an error, so the server refuses to start.
//
// Every default is listed in the table below and in docs/config.md (generated).
// Thread-safety: immutable values.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "config/config.h"

namespace schemabot::config {

extern const KeyTable kServerKeys;
extern const char* const kServerConfigIntro;

struct ReceiverConfig {
  bool enabled = false;
  std::vector<std::string> webhook_secrets;  // all accepted (rotation); never logged
};

struct GitHubConfig : ReceiverConfig {
  std::string api_url;
  std::string token;  // from token_file / token_env; empty when using an App
  int64_t app_id = 0;
  std::string private_key_file;  // PEM of the App; read by the forge
};

struct GitLabConfig : ReceiverConfig {
  std::string url;
  std::string token;
};

struct DevDbConfig {
  bool managed = false;
  std::string url;        // unprivileged role for lint; may hold a password
  std::string admin_url;  // creates and drops pool databases
  int pool_size = 0;
  bool configured = false;  // the section appears in the file
};

struct ServerConfig {
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;  // 0 = any free port (tests)
  std::string state;       // sqlite:///path or postgres://…
  int workers = 4;
  std::vector<std::string> repos;  // allowlist; see RepoAllowed
  std::string cache_dir;           // git mirrors
  std::string docs_url;            // lint-code links in comments ("" = none)
  int max_inline = 20;             // inline comments per lint run
  std::string status_context = "schemabot/lint";
  GitHubConfig github;
  GitLabConfig gitlab;
  ReceiverConfig git;
  DevDbConfig devdb_postgres;
  DevDbConfig devdb_mysql;
  std::vector<std::string> registry_tokens;
  bool repo_config_enabled = true;
  std::vector<std::string> repo_config_locked;  // repo-config keys a repo may not set
  int64_t max_body_bytes = 0;
  std::chrono::milliseconds read_timeout{0};
  int http_threads = 0;
  std::chrono::milliseconds lease{0};
  int max_attempts = 0;
  std::chrono::milliseconds backoff_base{0};
  std::chrono::milliseconds backoff_max{0};
  std::chrono::milliseconds poll_interval{0};
  std::chrono::milliseconds drain_grace{0};
  std::string log_format;  // text | json
  std::string log_level;   // debug | info | warn | error

  Values values;  // the raw values, for Print() and positioned errors
};

// Parses, validates and resolves secrets. `file` names the text in errors.
// Errors: InvalidArgument "file:line:col: key: reason" for bad values and missing
// secrets of enabled receivers; NotFound for unreadable secret files.
Result<ServerConfig> ParseServerConfig(std::string_view text, std::string_view file);
Result<ServerConfig> LoadServerConfig(const std::string& path);

// Whether `repo` ("owner/name", GitLab "group/sub/name") passes the allowlist. Patterns are
// globs (`*` = any run of characters except '/', `**` = anything, `?` = one character);
// a leading `!` negates; the last matching pattern decides; no match = not allowed.
bool RepoAllowed(const std::vector<std::string>& patterns, std::string_view repo);

}  // namespace schemabot::config
