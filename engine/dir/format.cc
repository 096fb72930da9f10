// Format names, version comparison and the small name helpers every format uses.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "engine/dir/dir.h"
#include "engine/dir/internal.h"

namespace schemabot::dir {

namespace {

struct FormatName {
  DirFormat format;
  std::string_view name;
};
constexpr FormatName kFormats[] = {
    {DirFormat::kAtlas, "atlas"},   {DirFormat::kGolangMigrate, "golang-migrate"},
    {DirFormat::kGoose, "goose"},   {DirFormat::kDbmate, "dbmate"},
    {DirFormat::kFlyway, "flyway"}, {DirFormat::kLiquibase, "liquibase"},
};

// Go's strconv.Atoi as Atlas's flywayVersionCompare uses it: an optional sign and decimal
// digits; anything else is 0; out of range clamps to the int64 limits.
int64_t GoAtoi(std::string_view s) {
  if (s.empty()) return 0;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
    if (s.size() == 1) return 0;
  }
  const uint64_t limit = neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t v = 0;
  bool overflow = false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return 0;
    if (!overflow) {
      uint64_t d = static_cast<uint64_t>(s[i] - '0');
      if (v > (limit - d) / 10) {
        overflow = true;
      } else {
        v = v * 10 + d;
      }
    }
  }
  if (overflow) v = limit;
  if (neg)
    return v == (uint64_t{1} << 63) ? std::numeric_limits<int64_t>::min()
                                    : -static_cast<int64_t>(v);
  return static_cast<int64_t>(v);
}

std::vector<int64_t> FlywayParts(std::string_view v) {
  std::vector<int64_t> parts;
  size_t start = 0;
  for (size_t i = 0; i <= v.size(); ++i) {
    if (i == v.size() || v[i] == '.' || v[i] == '_') {
      parts.push_back(GoAtoi(v.substr(start, i - start)));
      start = i + 1;
    }
  }
  return parts;
}

}  // namespace

std::string_view DirFormatName(DirFormat format) {
  for (const auto& f : kFormats) {
    if (f.format == format) return f.name;
  }
  return "atlas";
}

Result<DirFormat> ParseDirFormat(std::string_view name) {
  for (const auto& f : kFormats) {
    if (f.name == name) return f.format;
  }
  return InvalidArgument("unknown dir format " + internal::Quote(name));
}

std::string_view MigrationKindName(MigrationKind kind) {
  switch (kind) {
    case MigrationKind::kVersioned:
      return "versioned";
    case MigrationKind::kBaseline:
      return "baseline";
    case MigrationKind::kRepeatable:
      return "repeatable";
  }
  return "versioned";
}

int CompareVersions(DirFormat format, std::string_view a, std::string_view b) {
  if (format == DirFormat::kFlyway) {
    auto pa = FlywayParts(a), pb = FlywayParts(b);
    // slices.Compare: element-wise, then the shorter slice first.
    for (size_t i = 0; i < pa.size() && i < pb.size(); ++i) {
      if (pa[i] != pb[i]) return pa[i] < pb[i] ? -1 : 1;
    }
    if (pa.size() != pb.size()) return pa.size() < pb.size() ? -1 : 1;
    return 0;
  }
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string FormatIssue(const DirIssue& issue) {
  std::string out;
  if (!issue.file.empty()) {
    out = issue.file;
    if (issue.line > 0) out += ":" + std::to_string(issue.line);
    out += ": ";
  }
  return out + issue.message;
}

const Migration* MigrationDir::Find(std::string_view name) const {
  for (const auto& m : migrations) {
    if (m.file == name) return &m;
  }
  return nullptr;
}

bool MigrationDir::HasErrors() const {
  return std::any_of(issues.begin(), issues.end(),
                     [](const DirIssue& i) { return i.severity == DirIssue::Severity::kError; });
}

namespace internal {

Result<void> CheckName(std::string_view name) {
  if (name.empty()) return InvalidArgument("empty file name");
  if (name.front() == '/') return InvalidArgument("file name " + Quote(name) + " is absolute");
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    std::string_view part = name.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == "..") {
      return InvalidArgument("file name " + Quote(name) + " is not a plain relative path");
    }
    if (part.find('\0') != std::string_view::npos) {
      return InvalidArgument("file name " + Quote(name) + " holds a NUL byte");
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return Ok();
}

std::string_view BaseName(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

static std::string_view TrimSql(std::string_view s) {
  return EndsWith(s, ".sql") ? s.substr(0, s.size() - 4) : s;
}

std::string AtlasVersion(std::string_view name) {
  std::string_view n = TrimSql(name);
  return std::string(n.substr(0, n.find('_')));
}

std::string AtlasDesc(std::string_view name) {
  auto us = name.find('_');
  if (us == std::string_view::npos) return "";
  return std::string(TrimSql(name.substr(us + 1)));
}

std::string FlywayVersion(std::string_view path) {
  std::string_view base = BaseName(path);
  if (!base.empty() && base[0] == 'R') return "";
  std::string_view n = TrimSql(base);
  n = n.substr(0, n.find("__"));
  return n.empty() ? "" : std::string(n.substr(1));
}

std::string FlywayDesc(std::string_view path) {
  auto sep = path.find("__");
  if (sep == std::string_view::npos) return "";
  return std::string(TrimSql(path.substr(sep + 2)));
}

DirIssue Warning(std::string file, int line, std::string message) {
  return DirIssue{std::move(file), line, DirIssue::Severity::kWarning, std::move(message)};
}
DirIssue Err(std::string file, int line, std::string message) {
  return DirIssue{std::move(file), line, DirIssue::Severity::kError, std::move(message)};
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace internal
}  // namespace schemabot::dir
