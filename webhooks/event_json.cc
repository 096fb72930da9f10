#include "base/text.h"
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

namespace {

// A flat JSON object writer: the job payload is written for every delivery, and building a
// nlohmann object for it cost a tenth of the receive path.
class Writer {
 public:
  Writer() {
    out_.reserve(1024);
    out_ += '{';
  }
  void Str(std::string_view key, std::string_view v) {
    Key(key);
    AppendJsonString(out_, v);
  }
  void Int(std::string_view key, int64_t v) {
    Key(key);
    out_ += std::to_string(v);
  }
  void Bool(std::string_view key, bool v) {
    Key(key);
    out_ += v ? "true" : "false";
  }
  void List(std::string_view key, const std::vector<std::string>& v) {
    Key(key);
    out_ += '[';
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out_ += ',';
      AppendJsonString(out_, v[i]);
    }
    out_ += ']';
  }
  std::string Done() {
    out_ += '}';
    return std::move(out_);
  }

 private:
  void Key(std::string_view key) {
    if (out_.size() > 1) out_ += ',';
    AppendJsonString(out_, key);
    out_ += ':';
  }
  std::string out_;
};

}  // namespace

std::string EventToJson(const Event& e) {
  Writer w;
  w.Str("host", HostName(e.host));
  w.Str("kind", EventKindName(e.kind));
  w.Str("name", e.name);
  w.Str("action", e.action);
  w.Str("delivery", e.delivery);
  if (!e.ignored_reason.empty()) w.Str("ignored_reason", e.ignored_reason);
  w.Str("repo", e.repo);
  w.Str("clone_url", e.clone_url);
  w.Str("default_branch", e.default_branch);
  w.Str("sender", e.sender);
  w.Str("pr_action", PrActionName(e.pr_action));
  w.Int("pr_number", e.pr_number);
  w.Str("title", e.title);
  w.Str("head_ref", e.head_ref);
  w.Str("head_sha", e.head_sha);
  w.Str("head_repo", e.head_repo);
  w.Str("base_ref", e.base_ref);
  w.Str("base_sha", e.base_sha);
  w.Bool("fork", e.fork);
  w.Bool("draft", e.draft);
  w.Str("merge_sha", e.merge_sha);
  w.Str("ref", e.ref);
  w.Str("before", e.before);
  w.Str("after", e.after);
  w.Bool("created", e.created);
  w.Bool("deleted", e.deleted);
  w.Bool("forced", e.forced);
  w.List("changed_paths", e.changed_paths);
  w.Int("comment_id", e.comment_id);
  w.Str("comment_body", e.comment_body);
  w.Str("comment_author", e.comment_author);
  w.Int("installation_id", e.installation_id);
  w.List("repos", e.repos);
  return w.Done();
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
