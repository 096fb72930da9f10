#include "bot/forge/forge.h"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace schemabot::forge {

std::string_view FileStatusName(FileStatus s) {
  switch (s) {
    case FileStatus::kAdded:
      return "added";
    case FileStatus::kModified:
      return "modified";
    case FileStatus::kRemoved:
      return "removed";
    case FileStatus::kRenamed:
      return "renamed";
    case FileStatus::kCopied:
      return "copied";
    case FileStatus::kChanged:
      return "changed";
  }
  return "modified";
}

std::string_view CommitStateName(CommitState s) {
  switch (s) {
    case CommitState::kPending:
      return "pending";
    case CommitState::kSuccess:
      return "success";
    case CommitState::kFailure:
      return "failure";
    case CommitState::kError:
      return "error";
  }
  return "error";
}

std::string_view PermissionName(Permission p) {
  switch (p) {
    case Permission::kNone:
      return "none";
    case Permission::kRead:
      return "read";
    case Permission::kTriage:
      return "triage";
    case Permission::kWrite:
      return "write";
    case Permission::kMaintain:
      return "maintain";
    case Permission::kAdmin:
      return "admin";
  }
  return "none";
}

namespace {

// Walks the hunks of a unified diff, calling f(new_line, is_added) for each new-side line.
template <typename F>
void WalkNewLines(const std::string& patch, F f) {
  std::istringstream in(patch);
  std::string line;
  int next = -1;  // next new-side line number, -1 outside a hunk
  while (std::getline(in, line)) {
    if (line.rfind("@@", 0) == 0) {
      size_t plus = line.find('+');
      next = -1;
      if (plus == std::string::npos) continue;
      int v = 0;
      auto [p, ec] = std::from_chars(line.data() + plus + 1, line.data() + line.size(), v);
      if (ec == std::errc() && p != line.data() + plus + 1) next = v;
      continue;
    }
    if (next < 0 || line.empty()) {
      if (next >= 0 && line.empty()) f(next++, false);  // a context line whose space was lost
      continue;
    }
    switch (line[0]) {
      case '+':
        f(next++, true);
        break;
      case ' ':
        f(next++, false);
        break;
      case '-':
        break;
      case '\\':
        break;  // "\ No newline at end of file"
      default:
        next = -1;
    }
  }
}

}  // namespace

std::set<int> ChangedLines(const std::string& patch) {
  std::set<int> out;
  WalkNewLines(patch, [&](int n, bool) { out.insert(n); });
  return out;
}

std::set<int> AddedLines(const std::string& patch) {
  std::set<int> out;
  WalkNewLines(patch, [&](int n, bool added) {
    if (added) out.insert(n);
  });
  return out;
}

const Comment* FindCommentWithMarker(const std::vector<Comment>& comments,
                                     const std::string& marker) {
  for (const Comment& c : comments) {
    if (c.body.find(marker) != std::string::npos) return &c;
  }
  return nullptr;
}

std::vector<std::string> SplitComment(const std::string& markdown, size_t limit) {
  limit = std::max<size_t>(limit, 64);
  if (markdown.size() <= limit) return {markdown};
  std::vector<std::string> parts;
  std::string cur;
  std::string fence;  // the opening line of the fence we are in, "" outside
  constexpr std::string_view kClose = "```\n";
  auto flush = [&] {
    if (!fence.empty()) cur += kClose;
    parts.push_back(std::move(cur));
    cur = fence.empty() ? "" : fence + "\n";
  };
  size_t pos = 0;
  while (pos < markdown.size()) {
    size_t nl = markdown.find('\n', pos);
    std::string line = markdown.substr(pos, nl == std::string::npos ? nl : nl - pos + 1);
    pos = nl == std::string::npos ? markdown.size() : nl + 1;
    std::string trimmed = line.substr(0, line.find_last_not_of("\r\n") + 1);
    bool toggles = trimmed.rfind("```", 0) == 0;
    while (!line.empty()) {
      size_t reserve = fence.empty() && !toggles ? 0 : kClose.size();
      size_t room = limit > cur.size() + reserve ? limit - cur.size() - reserve : 0;
      if (line.size() <= room) {
        cur += line;
        line.clear();
      } else if (cur.size() > (fence.empty() ? 0 : fence.size() + 1)) {
        flush();  // start the line in a fresh part
      } else {
        cur += line.substr(0, room);  // a line longer than a whole part: cut it
        line.erase(0, room);
        flush();
      }
    }
    if (toggles) fence = fence.empty() ? trimmed : "";
  }
  if (!cur.empty() && cur != fence + "\n") parts.push_back(std::move(cur));
  return parts;
}

std::string SummaryMarker(const std::string& dir) {
  return "<!-- schemabot:lint dir=" + dir + " -->";
}

}  // namespace schemabot::forge
