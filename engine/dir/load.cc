// LoadMigrations: the top-level formats (atlas, golang-migrate, goose, dbmate, liquibase).
// Flyway lives in flyway.cc.
#include "engine/dir/dir.h"
#include "engine/dir/internal.h"

namespace schemabot::dir {

using internal::EndsWith;
using internal::Quote;

namespace {

Result<Migration> ReadMigration(const Dir& dir, const std::string& name, DirFormat format,
                                std::vector<DirIssue>& issues) {
  Migration m;
  m.file = name;
  auto content = dir.Read(name);
  if (!content) return std::move(content).error().Wrap("reading " + Quote(name));
  m.content = std::move(*content);
  m.version = internal::AtlasVersion(name);
  m.description = internal::AtlasDesc(name);
  internal::InitWholeFile(m, issues);
  if (format == DirFormat::kGoose) internal::SplitGoose(m, issues);
  if (format == DirFormat::kDbmate) internal::SplitDbmate(m, issues);
  if (m.version.empty()) {
    issues.push_back(
        internal::Warning(name, 0, "name has no version (expected <version>[_<description>].sql)"));
  }
  return m;
}

Result<MigrationDir> LoadTopLevel(const Dir& dir, DirFormat format) {
  MigrationDir out;
  out.format = format;
  SB_TRY_ASSIGN(auto names, dir.List(false));
  std::vector<std::string> downs;
  for (const auto& name : names) {
    if (!EndsWith(name, ".sql")) continue;  // atlas.sum, README, atlas.hcl …
    if (format == DirFormat::kGolangMigrate) {
      if (EndsWith(name, ".down.sql")) {
        downs.push_back(name);
        continue;
      }
      if (!EndsWith(name, ".up.sql")) {
        out.issues.push_back(internal::Warning(
            name, 0,
            "ignored: not a golang-migrate file name (<version>_<name>.up.sql or .down.sql)"));
        continue;
      }
    }
    SB_TRY_ASSIGN(Migration m, ReadMigration(dir, name, format, out.issues));
    if (format == DirFormat::kGolangMigrate && EndsWith(m.description, ".up")) {
      m.description.resize(m.description.size() - 3);
    }
    out.migrations.push_back(std::move(m));
  }
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < out.migrations.size(); ++i) index[out.migrations[i].file] = i;
  for (const auto& down : downs) {
    std::string up = down.substr(0, down.size() - 9) + ".up.sql";
    auto it = index.find(up);
    Migration* m = it == index.end() ? nullptr : &out.migrations[it->second];
    if (m == nullptr) {
      out.issues.push_back(internal::Warning(down, 0, "down file without " + Quote(up)));
      continue;
    }
    auto content = dir.Read(down);
    if (!content) return std::move(content).error().Wrap("reading " + Quote(down));
    Migration tmp;  // run the text checks on the down file too
    tmp.file = down;
    tmp.content = std::move(*content);
    internal::InitWholeFile(tmp, out.issues, /*down_file=*/true);
    m->down = std::move(tmp.up);
  }
  internal::CheckDuplicateVersions(out.migrations, out.issues);
  return out;
}

}  // namespace

Result<MigrationDir> LoadMigrations(const Dir& dir, DirFormat format) {
  if (format == DirFormat::kFlyway) return internal::LoadFlyway(dir);
  return LoadTopLevel(dir, format);
}

}  // namespace schemabot::dir
