#include "bot/forge/forge.h"

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

std::string SummaryMarker(const std::string& dir) {
  return "<!-- schemabot:lint dir=" + dir + " -->";
}

}  // namespace schemabot::forge
