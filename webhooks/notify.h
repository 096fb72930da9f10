// The sending side of POST /webhooks/git: the notification `schemabot hook post-receive`
// sends for each updated ref (format in docs/webhooks.md). Kept beside ParseGitHookEvent so
// one module owns the format both ways.
//
//   GitNotification n{.repo = "team/app", .ref = "refs/heads/main", .before = old, .after = new_};
//   std::string body = GitNotificationJson(n);
//   SB_TRY_ASSIGN(NotifyReply r, PostGitNotification(url, secret, delivery, body, {}));
//   if (r.status == 200) …   // queued or duplicate; 401: the secret does not match
//
// Thread-safety: pure functions; PostGitNotification blocks for at most about 3 × timeout
// (connect, write, read).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace schemabot::webhooks {

struct GitNotification {
  std::string repo;           // "team/app" (required)
  std::string ref;            // "refs/heads/main" (required)
  std::string before, after;  // 40 hex; zeros when the ref was created / deleted
  std::string pusher, clone_url, default_branch;  // optional: left out when empty
};

// The JSON body: {"event":"push","repo":…,"ref":…,"before":…,"after":…[,"pusher":…]
// [,"clone_url":…][,"default_branch":…]}. ParseGitHookEvent reads it back.
std::string GitNotificationJson(const GitNotification& n);

// `url`: http[s]://host[:port][/prefix]; "/webhooks/git" is appended unless the path already
// ends with it. Returns the full URL, or InvalidArgument for another scheme or no host.
Result<std::string> GitReceiverUrl(std::string_view url);

struct NotifyOptions {
  std::chrono::milliseconds timeout{3000};  // connect, write and read, each
};

struct NotifyReply {
  int status = 0;
  std::string body;  // the server's JSON answer ({"delivery","outcome","job"} or "error")
};

// POSTs `body` to GitReceiverUrl(url) with Content-Type application/json,
// X-Schemabot-Event: push, X-Schemabot-Delivery and Idempotency-Key: `delivery`, and
// X-Schemabot-Signature-256 = SignatureHeader(secret, body). https verifies the server's
// certificate against the system CAs. Any HTTP answer is a value, whatever its status.
// Errors: InvalidArgument for a bad URL; kUnavailable when the server cannot be reached or
// does not answer within the timeout. Messages never contain the secret, and URL
// credentials are redacted.
Result<NotifyReply> PostGitNotification(std::string_view url, std::string_view secret,
                                        const std::string& delivery, const std::string& body,
                                        const NotifyOptions& options);

}  // namespace schemabot::webhooks
