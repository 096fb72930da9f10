// libFuzzer target for the webhook parsers. Input: one selector byte, then the body.
// Selector % 9 picks the parser and event name (GitHub names, GitLab hooks, git hook).
// Every parsed Event must survive the JSON round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "webhooks/event.h"

namespace {

constexpr std::string_view kGitHub[] = {"pull_request", "push", "issue_comment",
                                        "merge_group",  "ping", "installation"};
constexpr std::string_view kGitLab[] = {"Merge Request Hook", "Note Hook"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace schemabot::webhooks;
  if (size == 0) return 0;
  unsigned sel = data[0] % 9;
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  schemabot::Result<Event> ev = sel < 6   ? ParseGitHubEvent(kGitHub[sel], body)
                                : sel < 8 ? ParseGitLabEvent(kGitLab[sel - 6], body)
                                          : ParseGitHookEvent(body);
  if (!ev) return 0;
  std::string json = EventToJson(*ev);
  auto back = EventFromJson(json);
  if (!back || EventToJson(*back) != json) std::abort();
  return 0;
}
