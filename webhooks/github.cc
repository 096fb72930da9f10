// GitHub payloads -> Event. Field facts: shared/reference/ecosystem.md §3.4.
#include "webhooks/event.h"
#include "webhooks/json_util.h"

namespace schemabot::webhooks {
namespace {

using namespace json_util;

void Repository(Json j, Event& e) {
  e.repo = Str(j, {"repository", "full_name"});
  e.clone_url = Str(j, {"repository", "clone_url"});
  e.default_branch = Str(j, {"repository", "default_branch"});
  e.sender = Str(j, {"sender", "login"});
  e.installation_id = Int(j, {"installation", "id"});
}

Event Ignored(Event e, std::string reason) {
  e.kind = EventKind::kOther;
  e.ignored_reason = std::move(reason);
  return e;
}

Result<Event> PullRequest(Json j, Event e) {
  Json pr = At(j, {"pull_request"});
  if (!pr.is_object()) return InvalidArgument("pull_request: missing pull_request");
  e.kind = EventKind::kPullRequest;
  e.pr_number = Int(pr, {"number"});
  if (e.pr_number == 0) e.pr_number = Int(j, {"number"});
  if (e.pr_number <= 0) return InvalidArgument("pull_request: missing pull_request.number");
  if (e.repo.empty()) return InvalidArgument("pull_request: missing repository.full_name");
  e.title = Str(pr, {"title"});
  e.draft = Bool(pr, {"draft"});
  e.head_ref = Str(pr, {"head", "ref"});
  e.head_sha = Str(pr, {"head", "sha"});
  e.head_repo = Str(pr, {"head", "repo", "full_name"});
  e.base_ref = Str(pr, {"base", "ref"});
  e.base_sha = Str(pr, {"base", "sha"});
  e.fork = Bool(pr, {"head", "repo", "fork"}) || (!e.head_repo.empty() && e.head_repo != e.repo);
  if (e.action == "opened") {
    e.pr_action = PrAction::kOpened;
  } else if (e.action == "synchronize") {
    e.pr_action = PrAction::kUpdated;
    e.before = Str(j, {"before"});
    e.after = Str(j, {"after"});
  } else if (e.action == "ready_for_review") {
    e.pr_action = PrAction::kUpdated;  // a draft became reviewable: lint it now
  } else if (e.action == "reopened") {
    e.pr_action = PrAction::kReopened;
  } else if (e.action == "closed") {
    // merge_commit_sha is filled for unmerged PRs too (test merge): trust `merged` only.
    e.pr_action = Bool(pr, {"merged"}) ? PrAction::kMerged : PrAction::kClosed;
    if (e.pr_action == PrAction::kMerged) e.merge_sha = Str(pr, {"merge_commit_sha"});
  } else {
    e.pr_action = PrAction::kOther;
  }
  return e;
}

Result<Event> Push(Json j, Event e) {
  e.kind = EventKind::kPush;
  e.ref = Str(j, {"ref"});
  e.before = Str(j, {"before"});
  e.after = Str(j, {"after"});
  if (e.ref.empty() || e.after.empty()) return InvalidArgument("push: missing ref or after");
  if (e.repo.empty()) return InvalidArgument("push: missing repository.full_name");
  e.created = Bool(j, {"created"});
  e.deleted = Bool(j, {"deleted"});
  e.forced = Bool(j, {"forced"});
  if (e.sender.empty()) e.sender = Str(j, {"pusher", "name"});
  if (Json commits = At(j, {"commits"}); commits.is_array()) {
    for (Json c : commits.Children()) {
      for (const char* list : {"added", "modified", "removed"}) {
        Json paths = At(c, {list});
        if (!paths.is_array()) continue;
        for (Json p : paths.Children()) {
          if (p.is_string()) e.changed_paths.push_back(p.String());
        }
      }
    }
  }
  return e;
}

Result<Event> IssueComment(Json j, Event e) {
  if (!Present(j, {"issue", "pull_request"})) return Ignored(e, "comment on an issue");
  e.kind = EventKind::kComment;
  e.pr_number = Int(j, {"issue", "number"});
  e.comment_id = Int(j, {"comment", "id"});
  e.comment_body = Str(j, {"comment", "body"});
  e.comment_author = Str(j, {"comment", "user", "login"});
  if (e.pr_number <= 0 || e.comment_id == 0) {
    return InvalidArgument("issue_comment: missing issue.number or comment.id");
  }
  if (e.repo.empty()) return InvalidArgument("issue_comment: missing repository.full_name");
  if (Str(j, {"comment", "user", "type"}) == "Bot") return Ignored(e, "comment by a bot");
  return e;
}

Result<Event> MergeGroup(Json j, Event e) {
  e.kind = EventKind::kMergeGroup;
  e.head_sha = Str(j, {"merge_group", "head_sha"});
  e.ref = Str(j, {"merge_group", "head_ref"});
  e.head_ref = e.ref;
  e.base_ref = Str(j, {"merge_group", "base_ref"});
  e.base_sha = Str(j, {"merge_group", "base_sha"});
  if (e.head_sha.empty()) return InvalidArgument("merge_group: missing merge_group.head_sha");
  return e;
}

Event Installation(Json j, Event e) {
  e.kind = EventKind::kInstallation;
  e.installation_id = Int(j, {"installation", "id"});
  for (const char* list : {"repositories", "repositories_added"}) {
    Json repos = At(j, {list});
    if (!repos.is_array()) continue;
    for (Json r : repos.Children()) {
      std::string name = Str(r, {"full_name"});
      if (!name.empty()) e.repos.push_back(name);
    }
  }
  return e;
}

}  // namespace

Result<Event> ParseGitHubEvent(std::string_view event_name, std::string_view body) {
  json::Doc doc(body);
  if (!doc.ok()) return InvalidArgument("malformed JSON body");
  Json j = doc.root();
  if (!j.is_object()) return InvalidArgument("body is not a JSON object");
  Event e;
  e.host = Host::kGitHub;
  e.name = std::string(event_name);
  e.action = Str(j, {"action"});
  Repository(j, e);
  if (event_name == "pull_request") return PullRequest(j, std::move(e));
  if (event_name == "push") return Push(j, std::move(e));
  if (event_name == "issue_comment") return IssueComment(j, std::move(e));
  if (event_name == "merge_group") return MergeGroup(j, std::move(e));
  if (event_name == "ping") {
    e.kind = EventKind::kPing;
    return e;
  }
  if (event_name == "installation" || event_name == "installation_repositories") {
    return Installation(j, std::move(e));
  }
  return Ignored(std::move(e), "event \"" + std::string(event_name) + "\" not handled");
}

}  // namespace schemabot::webhooks
