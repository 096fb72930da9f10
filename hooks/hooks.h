// Server-side git hooks for self-hosted git (bare repositories, Gitea, GitLab server hooks,
// GitHub Enterprise Server pre-receive environments). `schemabot hook <name>` parses flags
// and environment (bot/cli/cmd_hook.cc) and calls these.
//
// post-receive: after a push is accepted, tell the schemabot server which refs moved, so
// that merges on self-hosted git reach the bot (POST /webhooks/git, docs/webhooks.md).
//
//   SB_TRY_ASSIGN(auto updates, ParseRefUpdates(stdin_text));
//   PostReceiveOptions o{.url = "http://bot:8080", .secret = s, .repo = "team/app",
//                        .spool_dir = "/srv/git/team/app.git/schemabot-spool"};
//   PostReceiveResult r = PostReceive(updates, o);
//   for (auto& line : r.lines) fprintf(stderr, "%s\n", line.c_str());
//
// Nothing is lost and the push is never held for long: every notification is first written
// to the spool directory (one file per notification, named so that they sort oldest first),
// then everything in the spool is sent in order and removed once the server answered 2xx.
// When the server cannot be reached, refuses the signature (401), or the time budget runs
// out, the rest stays spooled and is sent by the next run (the next push, or
// `schemabot hook post-receive --flush` from cron). Each notification keeps its delivery id
// across retries, so the server deduplicates a notification sent twice. Bodies the server
// rejects as malformed (400, 413, 415) would never succeed: they move to
// `<spool>/rejected/` and are reported.
//
// pre-receive (lint before accepting a push) comes from its own issue and joins this header.
//
// Thread-safety: PostReceive may run in several processes at once on one spool (two pushes
// at the same time); a notification may then be sent twice, which the server deduplicates.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace schemabot::hooks {

// One line of a pre-/post-receive hook's stdin: "<old sha> <new sha> <ref name>".
struct RefUpdate {
  std::string before, after, ref;
};

// Parses the hook's stdin (blank lines skipped; a missing final newline is fine). Errors:
// InvalidArgument "line 2: expected \"<old> <new> <ref>\"" for a malformed line.
Result<std::vector<RefUpdate>> ParseRefUpdates(std::string_view text);

struct PostReceiveOptions {
  std::string url;     // the schemabot server ("http://bot:8080"); empty: spool only
  std::string secret;  // HMAC key (git.webhook_secret on the server); empty: spool only
  std::string repo;    // "team/app" as the server's repo allowlist names it (required)
  std::string pusher, clone_url, default_branch;  // optional, sent when set
  std::string spool_dir;                          // required; created when missing
  std::chrono::milliseconds timeout{3000};        // per request (connect, write, read)
  std::chrono::milliseconds budget{8000};         // sending stops after this; rest spooled
  bool flush_only = false;                        // send the spool, ignore `updates`
};

struct PostReceiveResult {
  int sent = 0;      // answered 2xx (queued, duplicate or ignored) and removed
  int pending = 0;   // left in the spool for the next run
  int rejected = 0;  // moved to <spool>/rejected/
  // What to show the pusher, one line each (git prints a hook's stderr as "remote: …").
  // Never contains the secret; URL credentials are redacted.
  std::vector<std::string> lines;
  // 0 when nothing is pending or rejected, else 1 (git ignores a post-receive exit status;
  // cron and monitoring do not).
  int exit_code() const { return pending == 0 && rejected == 0 ? 0 : 1; }
};

// Spools one notification per update (updates whose old and new are equal are skipped),
// then sends the spool. Never fails as a whole: problems (a spool that cannot be written,
// an unreachable server) are reported in `lines` and counted.
PostReceiveResult PostReceive(const std::vector<RefUpdate>& updates,
                              const PostReceiveOptions& options);

}  // namespace schemabot::hooks
