// Event: one host-neutral value for every webhook the bot acts on, and the parsers that
// make one from a GitHub, GitLab or git-hook delivery. Everything after the receiver speaks
// Events; host JSON stays in webhooks/.
//
//   auto ev = ParseGitHubEvent("pull_request", body);   // body: the raw request bytes
//   if (ev && ev->kind == EventKind::kPullRequest && ev->pr_action == PrAction::kUpdated) …
//
// Parsers never throw and never crash on untrusted input. Errors (InvalidArgument) only for
// bodies that are not JSON objects or that lack the fields an event of that name must carry
// ("pull_request: missing pull_request.number"). Events the bot does not act on (unknown
// names, check_run, comments on plain issues, system notes) parse to kind kOther with
// `ignored_reason` set; the receiver answers them 202.
//
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace schemabot::webhooks {

enum class Host { kGitHub, kGitLab, kGit };
std::string_view HostName(Host host);  // "github" | "gitlab" | "git"

enum class EventKind {
  kPullRequest,   // GitHub pull_request, GitLab Merge Request Hook
  kPush,          // branch or tag push (GitHub push, GitLab Push/Tag Push Hook, git hook)
  kComment,       // a comment on a pull/merge request (GitHub issue_comment, GitLab Note Hook)
  kMergeGroup,    // GitHub merge queue: merge_group checks_requested
  kPing,          // GitHub ping (the hook was created)
  kInstallation,  // GitHub App installation / installation_repositories
  kOther,         // anything else: answered 202 and ignored
};
std::string_view EventKindName(EventKind kind);

enum class PrAction {
  kNone,  // not a pull request event
  kOpened,
  kUpdated,  // new commits (GitHub synchronize, GitLab update with oldrev)
  kReopened,
  kClosed,  // closed without merging
  kMerged,  // closed by merging (GitHub closed + merged=true, GitLab merge)
  kOther,   // edited, labeled, approved, …: no new code
};
std::string_view PrActionName(PrAction action);

struct Event {
  Host host = Host::kGitHub;
  EventKind kind = EventKind::kOther;
  std::string name;      // the host's event name: "pull_request", "Merge Request Hook", "push"
  std::string action;    // the host's action verbatim ("synchronize", "update", "created")
  std::string delivery;  // delivery id (set by the receiver from the headers)
  std::string ignored_reason;  // kOther only: why nothing will be done

  // Repository (target repository for pull requests).
  std::string repo;       // "owner/name" (GitLab: path_with_namespace)
  std::string clone_url;  // https clone URL
  std::string default_branch;
  std::string sender;  // login / username of who caused the event

  // Pull / merge request (kPullRequest, kComment, kMergeGroup's PR is unknown).
  PrAction pr_action = PrAction::kNone;
  int64_t pr_number = 0;  // GitHub number, GitLab iid
  std::string title;
  std::string head_ref, head_sha, head_repo;  // head_repo: fork's full name if known
  std::string base_ref, base_sha;             // GitLab MR hooks carry no base SHA
  bool fork = false;                          // head repo differs from base repo
  bool draft = false;
  std::string merge_sha;  // only when pr_action == kMerged

  // Push (kPush) and synchronize (before/after of the PR head).
  std::string ref;  // "refs/heads/main", "refs/tags/v1" (kPush, kMergeGroup head ref)
  std::string before, after;
  bool created = false, deleted = false, forced = false;
  std::vector<std::string> changed_paths;  // union of added/modified/removed, when given

  // Comment (kComment).
  int64_t comment_id = 0;
  std::string comment_body, comment_author;

  // Installation (kInstallation): account login and repositories added or listed.
  int64_t installation_id = 0;
  std::vector<std::string> repos;
};

// `event_name`: the X-GitHub-Event header. `body`: raw request body.
Result<Event> ParseGitHubEvent(std::string_view event_name, std::string_view body);
// `event_name`: the X-Gitlab-Event header ("Merge Request Hook"); when empty, the
// payload's object_kind decides.
Result<Event> ParseGitLabEvent(std::string_view event_name, std::string_view body);
// A notification from `schemabot hook post-receive` (format in docs/webhooks.md):
// {"event":"push","repo":…,"ref":…,"before":…,"after":…,"pusher":…,"clone_url":…,
//  "default_branch":…}.
Result<Event> ParseGitHookEvent(std::string_view body);

// JSON round trip (the job payload). FromJson errors: InvalidArgument on bad JSON.
std::string EventToJson(const Event& event);
Result<Event> EventFromJson(std::string_view json);

}  // namespace schemabot::webhooks
