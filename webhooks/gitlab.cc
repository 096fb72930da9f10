// GitLab payloads -> Event. Field facts: shared/reference/ecosystem.md §5.2. Some real
// payloads carry keys with a trailing space ("iid "); json_util::At tolerates them.
#include "webhooks/event.h"
#include "webhooks/json_util.h"

namespace schemabot::webhooks {
namespace {

using namespace json_util;

bool AllZeros(const std::string& sha) {
  return !sha.empty() && sha.find_first_not_of('0') == std::string::npos;
}

void Project(Json j, Event& e) {
  e.repo = Str(j, {"project", "path_with_namespace"});
  e.clone_url = Str(j, {"project", "git_http_url"});
  e.default_branch = Str(j, {"project", "default_branch"});
  e.sender = Str(j, {"user", "username"});
}

Event Ignored(Event e, std::string reason) {
  e.kind = EventKind::kOther;
  e.ignored_reason = std::move(reason);
  return e;
}

Result<Event> MergeRequest(Json j, Event e) {
  Json oa = At(j, {"object_attributes"});
  if (!oa.is_object()) return InvalidArgument("merge request: missing object_attributes");
  e.kind = EventKind::kPullRequest;
  e.action = Str(oa, {"action"});
  e.pr_number = Int(oa, {"iid"});
  if (e.pr_number <= 0) return InvalidArgument("merge request: missing object_attributes.iid");
  if (e.repo.empty()) return InvalidArgument("merge request: missing project.path_with_namespace");
  e.title = Str(oa, {"title"});
  e.draft = Bool(oa, {"draft"}) || Bool(oa, {"work_in_progress"});
  e.head_ref = Str(oa, {"source_branch"});
  e.base_ref = Str(oa, {"target_branch"});
  e.head_sha = Str(oa, {"last_commit", "id"});
  e.head_repo = Str(oa, {"source", "path_with_namespace"});
  int64_t src = Int(oa, {"source_project_id"}), dst = Int(oa, {"target_project_id"});
  e.fork = src != 0 && dst != 0 && src != dst;
  if (e.action == "open") {
    e.pr_action = PrAction::kOpened;
  } else if (e.action == "update" && Present(oa, {"oldrev"})) {
    e.pr_action = PrAction::kUpdated;  // oldrev appears only when new commits were pushed
    e.before = Str(oa, {"oldrev"});
    e.after = e.head_sha;
  } else if (e.action == "reopen") {
    e.pr_action = PrAction::kReopened;
  } else if (e.action == "close") {
    e.pr_action = PrAction::kClosed;
  } else if (e.action == "merge") {
    e.pr_action = PrAction::kMerged;
    e.merge_sha = Str(oa, {"merge_commit_sha"});
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
  if (e.repo.empty()) return InvalidArgument("push: missing project.path_with_namespace");
  e.created = AllZeros(e.before);
  e.deleted = AllZeros(e.after);
  std::string pusher = Str(j, {"user_username"});
  if (!pusher.empty()) e.sender = pusher;
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

Result<Event> Note(Json j, Event e) {
  Json oa = At(j, {"object_attributes"});
  if (!oa.is_object()) return InvalidArgument("note: missing object_attributes");
  e.action = Str(oa, {"action"});
  if (Str(oa, {"noteable_type"}) != "MergeRequest")
    return Ignored(e, "note not on a merge request");
  if (Bool(oa, {"system"})) return Ignored(e, "system note");
  e.kind = EventKind::kComment;
  e.comment_id = Int(oa, {"id"});
  e.comment_body = Str(oa, {"note"});
  e.comment_author = e.sender;
  e.pr_number = Int(j, {"merge_request", "iid"});
  e.head_sha = Str(j, {"merge_request", "last_commit", "id"});
  e.head_ref = Str(j, {"merge_request", "source_branch"});
  e.base_ref = Str(j, {"merge_request", "target_branch"});
  if (e.pr_number <= 0 || e.comment_id == 0) {
    return InvalidArgument("note: missing merge_request.iid or object_attributes.id");
  }
  if (e.repo.empty()) return InvalidArgument("note: missing project.path_with_namespace");
  return e;
}

}  // namespace

Result<Event> ParseGitLabEvent(std::string_view event_name, std::string_view body) {
  json::Doc doc(body);
  if (!doc.ok()) return InvalidArgument("malformed JSON body");
  Json j = doc.root();
  if (!j.is_object()) return InvalidArgument("body is not a JSON object");
  Event e;
  e.host = Host::kGitLab;
  std::string kind = Str(j, {"object_kind"});
  e.name = event_name.empty() ? kind : std::string(event_name);
  Project(j, e);
  if (e.name == "Merge Request Hook" || (event_name.empty() && kind == "merge_request")) {
    return MergeRequest(j, std::move(e));
  }
  if (e.name == "Push Hook" || e.name == "Tag Push Hook" ||
      (event_name.empty() && (kind == "push" || kind == "tag_push"))) {
    return Push(j, std::move(e));
  }
  if (e.name == "Note Hook" || (event_name.empty() && kind == "note")) {
    return Note(j, std::move(e));
  }
  return Ignored(std::move(e), "event \"" + e.name + "\" not handled");
}

}  // namespace schemabot::webhooks
