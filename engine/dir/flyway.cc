// The flyway format: V (versioned), B (baseline), R (repeatable) and U (undo) files in the
// directory and its non-hidden sub-folders, ordered and filtered as Atlas's FlywayDir does.
#include <algorithm>

#include "engine/dir/dir.h"
#include "engine/dir/internal.h"

namespace schemabot::dir::internal {

namespace {

// fs.WalkDir order: entries of each folder sorted by name, folders entered where they sort.
// That is a component-wise comparison of the paths (bytewise "a.sql" < "a/x" would differ).
bool WalkLess(std::string_view a, std::string_view b) {
  while (true) {
    size_t sa = a.find('/'), sb = b.find('/');
    std::string_view ca = a.substr(0, sa), cb = b.substr(0, sb);
    if (ca != cb) return ca < cb;
    if (sa == std::string_view::npos || sb == std::string_view::npos) {
      return sa == std::string_view::npos && sb != std::string_view::npos;
    }
    a = a.substr(sa + 1);
    b = b.substr(sb + 1);
  }
}

// Atlas's flywayFiles.add, with its string comparisons kept (they decide what Atlas lists).
struct AtlasFlywaySet {
  std::string baseline;
  std::vector<std::string> versioned;

  void Add(const std::string& path, char prefix) {
    if (prefix == 'B') {
      if (!baseline.empty() && FlywayVersion(path) < FlywayVersion(baseline)) return;
      baseline = path;
      std::string bv = FlywayVersion(baseline);
      std::vector<std::string> kept;
      for (const auto& v : versioned) {
        if (v > bv) kept.push_back(v);  // Atlas compares the *path* here, not its version
      }
      versioned = std::move(kept);
    } else if (prefix == 'V') {
      if (baseline.empty() || FlywayVersion(baseline) < FlywayVersion(path)) {
        versioned.push_back(path);
      }
    }
  }
};

}  // namespace

Result<MigrationDir> LoadFlyway(const Dir& dir) {
  MigrationDir out;
  out.format = DirFormat::kFlyway;
  SB_TRY_ASSIGN(auto paths, dir.List(true));
  std::stable_sort(paths.begin(), paths.end(),
                   [](const std::string& a, const std::string& b) { return WalkLess(a, b); });
  AtlasFlywaySet atlas;
  std::vector<Migration> baselines, versioned, repeatable;
  std::vector<std::string> undo;
  for (const auto& path : paths) {
    std::string_view base = BaseName(path);
    if (!EndsWith(base, ".sql")) continue;
    char prefix = base[0];
    if (base.size() < 4 || (prefix != 'V' && prefix != 'B' && prefix != 'R' && prefix != 'U')) {
      out.issues.push_back(
          Warning(path, 0,
                  "ignored: not a flyway file name (V<version>__<description>.sql, B…, R__…, U…)"));
      continue;
    }
    if (prefix == 'U') {
      undo.push_back(path);
      continue;
    }
    atlas.Add(path, prefix);
    Migration m;
    m.file = path;
    auto content = dir.Read(path);
    if (!content) return std::move(content).error().Wrap("reading " + Quote(path));
    m.content = std::move(*content);
    m.version = FlywayVersion(path);
    m.description = FlywayDesc(path);
    m.kind = prefix == 'V'   ? MigrationKind::kVersioned
             : prefix == 'B' ? MigrationKind::kBaseline
                             : MigrationKind::kRepeatable;
    InitWholeFile(m, out.issues);
    if (prefix != 'R' && base.find("__") == std::string_view::npos) {
      out.issues.push_back(Warning(path, 0, "no \"__\" between version and description"));
    }
    (prefix == 'V' ? versioned : prefix == 'B' ? baselines : repeatable).push_back(std::move(m));
  }

  // Listed by Atlas: the latest baseline and the V files its string comparisons keep.
  std::string baseline_version = atlas.baseline.empty() ? "" : FlywayVersion(atlas.baseline);
  for (auto& b : baselines) b.atlas_listed = b.file == atlas.baseline;
  for (auto& v : versioned) {
    v.atlas_listed =
        std::find(atlas.versioned.begin(), atlas.versioned.end(), v.file) != atlas.versioned.end();
    if (atlas.baseline.empty()) continue;
    bool numerically_above = CompareVersions(DirFormat::kFlyway, v.version, baseline_version) > 0;
    if (v.atlas_listed != numerically_above) {
      out.issues.push_back(Warning(v.file, 0,
                                   std::string("atlas ") + (v.atlas_listed ? "keeps" : "drops") +
                                       " this file after baseline " + Quote(atlas.baseline) +
                                       ": it compares flyway versions as strings (" +
                                       Quote(v.version) + (v.atlas_listed ? " > " : " <= ") +
                                       Quote(baseline_version) + ")"));
    }
  }
  auto by_version = [](const Migration& a, const Migration& b) {
    return CompareVersions(DirFormat::kFlyway, a.version, b.version) < 0;
  };
  std::stable_sort(baselines.begin(), baselines.end(), [&](const Migration& a, const Migration& b) {
    if (a.atlas_listed != b.atlas_listed) return a.atlas_listed;
    return by_version(a, b);
  });
  std::stable_sort(versioned.begin(), versioned.end(), by_version);
  for (auto* group : {&baselines, &versioned, &repeatable}) {
    for (auto& m : *group) out.migrations.push_back(std::move(m));
  }

  // Undo files become the down section of the V file with their version.
  for (const auto& path : undo) {
    std::string version = FlywayVersion(path);
    Migration* target = nullptr;
    for (auto& m : out.migrations) {
      if (m.kind == MigrationKind::kVersioned && m.version == version) target = &m;
    }
    if (target == nullptr) {
      out.issues.push_back(
          Warning(path, 0, "undo file without a versioned file of version " + Quote(version)));
      continue;
    }
    auto content = dir.Read(path);
    if (!content) return std::move(content).error().Wrap("reading " + Quote(path));
    Migration tmp;
    tmp.file = path;
    tmp.content = std::move(*content);
    InitWholeFile(tmp, out.issues, /*down_file=*/true);
    target->down = std::move(tmp.up);
  }
  CheckDuplicateVersions(out.migrations, out.issues);
  return out;
}

}  // namespace schemabot::dir::internal
