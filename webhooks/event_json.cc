#include <nlohmann/json.hpp>

#include "webhooks/event.h"
#include "webhooks/json_util.h"

namespace schemabot::webhooks {

std::string_view HostName(Host host) {
  switch (host) {
    case Host::kGitHub:
      return "github";
    case Host::kGitLab:
      return "gitlab";
    case Host::kGit:
      return "git";
  }
  return "github";
}

std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kPullRequest:
      return "pull_request";
    case EventKind::kPush:
      return "push";
    case EventKind::kComment:
      return "comment";
    case EventKind::kMergeGroup:
      return "merge_group";
    case EventKind::kPing:
      return "ping";
    case EventKind::kInstallation:
      return "installation";
    case EventKind::kOther:
      return "other";
  }
  return "other";
}

std::string_view PrActionName(PrAction action) {
  switch (action) {
    case PrAction::kNone:
      return "";
    case PrAction::kOpened:
      return "opened";
    case PrAction::kUpdated:
      return "updated";
    case PrAction::kReopened:
      return "reopened";
    case PrAction::kClosed:
      return "closed";
    case PrAction::kMerged:
      return "merged";
    case PrAction::kOther:
      return "other";
  }
  return "";
}

namespace {

template <typename E>
E FromName(std::string_view name, std::string_view (*to_name)(E), int count) {
  for (int i = 0; i < count; ++i) {
    if (to_name(static_cast<E>(i)) == name) return static_cast<E>(i);
  }
  return static_cast<E>(0);
}

}  // namespace

std::string EventToJson(const Event& e) {
  nlohmann::json j = {
      {"host", HostName(e.host)},
      {"kind", EventKindName(e.kind)},
      {"name", e.name},
      {"action", e.action},
      {"delivery", e.delivery},
      {"repo", e.repo},
      {"clone_url", e.clone_url},
      {"default_branch", e.default_branch},
      {"sender", e.sender},
      {"pr_action", PrActionName(e.pr_action)},
      {"pr_number", e.pr_number},
      {"title", e.title},
      {"head_ref", e.head_ref},
      {"head_sha", e.head_sha},
      {"head_repo", e.head_repo},
      {"base_ref", e.base_ref},
      {"base_sha", e.base_sha},
      {"fork", e.fork},
      {"draft", e.draft},
      {"merge_sha", e.merge_sha},
      {"ref", e.ref},
      {"before", e.before},
      {"after", e.after},
      {"created", e.created},
      {"deleted", e.deleted},
      {"forced", e.forced},
      {"changed_paths", e.changed_paths},
      {"comment_id", e.comment_id},
      {"comment_body", e.comment_body},
      {"comment_author", e.comment_author},
      {"installation_id", e.installation_id},
      {"repos", e.repos},
  };
  if (!e.ignored_reason.empty()) j["ignored_reason"] = e.ignored_reason;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Event> EventFromJson(std::string_view text) {
  using namespace json_util;
  json::Doc doc(text);
  Json j = doc.root();
  if (!j.is_object()) return InvalidArgument("event payload is not a JSON object");
  Event e;
  e.host = FromName<Host>(Str(j, {"host"}), HostName, 3);
  e.kind = FromName<EventKind>(Str(j, {"kind"}), EventKindName, 7);
  e.pr_action = FromName<PrAction>(Str(j, {"pr_action"}), PrActionName, 7);
  e.name = Str(j, {"name"});
  e.action = Str(j, {"action"});
  e.delivery = Str(j, {"delivery"});
  e.ignored_reason = Str(j, {"ignored_reason"});
  e.repo = Str(j, {"repo"});
  e.clone_url = Str(j, {"clone_url"});
  e.default_branch = Str(j, {"default_branch"});
  e.sender = Str(j, {"sender"});
  e.pr_number = Int(j, {"pr_number"});
  e.title = Str(j, {"title"});
  e.head_ref = Str(j, {"head_ref"});
  e.head_sha = Str(j, {"head_sha"});
  e.head_repo = Str(j, {"head_repo"});
  e.base_ref = Str(j, {"base_ref"});
  e.base_sha = Str(j, {"base_sha"});
  e.fork = Bool(j, {"fork"});
  e.draft = Bool(j, {"draft"});
  e.merge_sha = Str(j, {"merge_sha"});
  e.ref = Str(j, {"ref"});
  e.before = Str(j, {"before"});
  e.after = Str(j, {"after"});
  e.created = Bool(j, {"created"});
  e.deleted = Bool(j, {"deleted"});
  e.forced = Bool(j, {"forced"});
  e.comment_id = Int(j, {"comment_id"});
  e.comment_body = Str(j, {"comment_body"});
  e.comment_author = Str(j, {"comment_author"});
  e.installation_id = Int(j, {"installation_id"});
  for (const char* list : {"changed_paths", "repos"}) {
    Json a = At(j, {list});
    if (!a.is_array()) continue;
    auto& out = std::string_view(list) == "repos" ? e.repos : e.changed_paths;
    for (Json s : a.Children()) {
      if (s.is_string()) out.push_back(s.String());
    }
  }
  return e;
}

}  // namespace schemabot::webhooks
