// Notifications from `schemabot hook post-receive` -> Event. The format is ours and is
// documented in docs/webhooks.md.
#include "webhooks/event.h"
#include "webhooks/json_util.h"

namespace schemabot::webhooks {

Result<Event> ParseGitHookEvent(std::string_view body) {
  using namespace json_util;
  json::Doc doc(body);
  if (!doc.ok()) return InvalidArgument("malformed JSON body");
  Json j = doc.root();
  if (!j.is_object()) return InvalidArgument("body is not a JSON object");
  Event e;
  e.host = Host::kGit;
  e.name = Str(j, {"event"});
  if (e.name != "push") {
    e.kind = EventKind::kOther;
    e.ignored_reason = "event \"" + e.name + "\" not handled";
    return e;
  }
  e.kind = EventKind::kPush;
  e.repo = Str(j, {"repo"});
  e.ref = Str(j, {"ref"});
  e.before = Str(j, {"before"});
  e.after = Str(j, {"after"});
  e.sender = Str(j, {"pusher"});
  e.clone_url = Str(j, {"clone_url"});
  e.default_branch = Str(j, {"default_branch"});
  if (e.repo.empty() || e.ref.empty() || e.after.empty()) {
    return InvalidArgument("push: missing repo, ref or after");
  }
  auto zeros = [](const std::string& s) { return s.find_first_not_of('0') == std::string::npos; };
  e.created = !e.before.empty() && zeros(e.before);
  e.deleted = zeros(e.after);
  return e;
}

}  // namespace schemabot::webhooks
