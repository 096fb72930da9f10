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

// ---- ForgeMetrics ----

namespace {
std::string Key(std::string_view a, std::string_view b, std::string_view c) {
  std::string k(a);
  k += '\0';
  k += b;
  k += '\0';
  k += c;
  return k;
}
}  // namespace

void ForgeMetrics::Count(std::string_view forge, std::string_view method,
                         std::string_view outcome) {
  std::lock_guard lock(mu_);
  ++calls_[Key(forge, method, outcome)];
}

void ForgeMetrics::SetRateLimitRemaining(std::string_view forge, int64_t remaining) {
  std::lock_guard lock(mu_);
  remaining_[std::string(forge)] = remaining;
}

int64_t ForgeMetrics::Get(std::string_view forge, std::string_view method,
                          std::string_view outcome) const {
  std::lock_guard lock(mu_);
  auto it = calls_.find(Key(forge, method, outcome));
  return it == calls_.end() ? 0 : it->second;
}

std::optional<int64_t> ForgeMetrics::RateLimitRemaining(std::string_view forge) const {
  std::lock_guard lock(mu_);
  auto it = remaining_.find(std::string(forge));
  if (it == remaining_.end()) return std::nullopt;
  return it->second;
}

std::string ForgeMetrics::RenderPrometheus() const {
  std::lock_guard lock(mu_);
  std::string out =
      "# HELP schemabot_forge_calls_total Forge API calls by forge, method and outcome.\n"
      "# TYPE schemabot_forge_calls_total counter\n";
  for (const auto& [k, v] : calls_) {
    size_t a = k.find('\0');
    size_t b = k.find('\0', a + 1);
    out += "schemabot_forge_calls_total{forge=\"" + k.substr(0, a) + "\",method=\"" +
           k.substr(a + 1, b - a - 1) + "\",outcome=\"" + k.substr(b + 1) + "\"} " +
           std::to_string(v) + "\n";
  }
  out +=
      "# HELP schemabot_forge_rate_limit_remaining Last rate-limit remaining seen per forge.\n"
      "# TYPE schemabot_forge_rate_limit_remaining gauge\n";
  for (const auto& [k, v] : remaining_) {
    out += "schemabot_forge_rate_limit_remaining{forge=\"" + k + "\"} " + std::to_string(v) + "\n";
  }
  return out;
}

}  // namespace schemabot::forge
