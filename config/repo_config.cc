#include "config/repo_config.h"

#include <regex>
#include <set>

namespace schemabot::config {
namespace {

constexpr const char* kLevels = "error|warning|off";

constexpr Key kKeys[] = {
    {"version", KeyType::kInt, "1", "Version of this file's format. Only 1 exists."},
    {"enabled", KeyType::kBool, "true",
     "Lint this repository's pull requests; `false` turns schemabot off for it."},
    {"dirs[].path", KeyType::kString, "", "Migration directory, relative to the repository root."},
    {"dirs[].name", KeyType::kString, "",
     "Registry name of the directory (default: the last element of `path`)."},
    {"dirs[].format", KeyType::kEnum, "", "Directory format; detected when not set.", false,
     "atlas|golang-migrate|goose|dbmate|flyway|liquibase"},
    {"dirs[].dialect", KeyType::kEnum, "postgres", "SQL dialect of the migrations.", false,
     "postgres|mysql"},
    {"dirs[].devdb", KeyType::kEnum, "server",
     "`server`: replay on the server's dev-database pool for the dialect; `static`: lint from "
     "the statements alone (no database; fewer checks).",
     false, "server|static"},
    {"dirs[].lint.destructive", KeyType::kEnum, "error", "DS101-DS103.", false, kLevels},
    {"dirs[].lint.data_depend", KeyType::kEnum, "warning", "MF101-MF104.", false, kLevels},
    {"dirs[].lint.incompatible", KeyType::kEnum, "warning", "BC101-BC102.", false, kLevels},
    {"dirs[].lint.condrop", KeyType::kEnum, "warning", "CD101.", false, kLevels},
    {"dirs[].lint.concurrent_index", KeyType::kEnum, "warning", "PG101-PG105 (PostgreSQL).", false,
     kLevels},
    {"dirs[].lint.blocking", KeyType::kEnum, "warning", "PG301-PG306 (PostgreSQL).", false,
     kLevels},
    {"dirs[].lint.mysql", KeyType::kEnum, "warning", "MY101-MY123 (MySQL/MariaDB).", false,
     kLevels},
    {"dirs[].lint.naming", KeyType::kEnum, "warning",
     "NM101-NM106; only active when a pattern is configured.", false, kLevels},
    {"dirs[].lint.integrity", KeyType::kEnum, "error",
     "SB101-SB109 (SB104 and SB109 warn unless this is set).", false, kLevels},
    {"dirs[].lint.unused_nolint", KeyType::kBool, "true",
     "Report `-- atlas:nolint` directives that suppressed nothing (SB109)."},
    {"dirs[].lint.naming_match", KeyType::kString, "",
     "Regular expression every new object name must fully match."},
    {"dirs[].lint.naming_message", KeyType::kString, "",
     "Text shown instead of the pattern when a name does not match."},
    {"dirs[].lint.naming_table", KeyType::kString, "", "Pattern for table names (overrides)."},
    {"dirs[].lint.naming_column", KeyType::kString, "", "Pattern for column names."},
    {"dirs[].lint.naming_index", KeyType::kString, "", "Pattern for index names."},
    {"dirs[].lint.naming_foreign_key", KeyType::kString, "", "Pattern for foreign-key names."},
    {"dirs[].lint.naming_check", KeyType::kString, "", "Pattern for check constraint names."},
    {"dirs[].lint.naming_schema", KeyType::kString, "", "Pattern for schema names."},
    {"dirs[].deploy[].env", KeyType::kString, "", "Environment name (`staging`)."},
    {"dirs[].deploy[].repo", KeyType::kString, "", "GitOps manifests repository (`acme/gitops`)."},
    {"dirs[].deploy[].files", KeyType::kStringList, "",
     "AtlasMigration manifests to bump in that repository."},
    {"dirs[].deploy[].mode", KeyType::kEnum, "tag",
     "`tag`: bump spec.dir.remote.tag; `configmap`: also write the directory into a ConfigMap.",
     false, "tag|configmap"},
    {"dirs[].deploy[].auto_merge", KeyType::kBool, "false", "Merge the bump PR automatically."},
};

constexpr const char* kFamilies[] = {"destructive", "data_depend",      "incompatible",
                                     "condrop",     "concurrent_index", "blocking",
                                     "mysql",       "naming",           "integrity"};

std::string Idx(size_t i) { return "dirs[" + std::to_string(i) + "]"; }

Result<void> CheckPattern(const Values& v, const std::string& key) {
  if (!v.IsSet(key)) return Ok();
  try {
    std::regex re(v.String(key));
  } catch (const std::regex_error& e) {
    return v.ErrorAt(key, std::string("bad pattern: ") + e.what());
  }
  return Ok();
}

Result<lint::LintConfig> LintOf(const Values& v, const std::string& p) {
  lint::LintConfig lc;
  for (const char* f : kFamilies) {
    std::string key = p + ".lint." + f;
    if (v.IsSet(key)) {
      SB_TRY_ASSIGN(lc.levels[f], lint::ParseLevel(v.String(key)));
    }
  }
  lc.report_unused_nolint = v.Bool(p + ".lint.unused_nolint");
  auto rule = [&](const char* suffix) -> std::optional<lint::NamingRule> {
    std::string key = p + ".lint.naming_" + suffix;
    if (!v.IsSet(key)) return std::nullopt;
    return lint::NamingRule{v.String(key), v.String(p + ".lint.naming_message")};
  };
  for (const char* s : {"match", "table", "column", "index", "foreign_key", "check", "schema"}) {
    SB_TRY(CheckPattern(v, p + ".lint.naming_" + s));
  }
  lc.naming.all = {v.String(p + ".lint.naming_match"), v.String(p + ".lint.naming_message")};
  lc.naming.table = rule("table");
  lc.naming.column = rule("column");
  lc.naming.index = rule("index");
  lc.naming.foreign_key = rule("foreign_key");
  lc.naming.check = rule("check");
  lc.naming.schema = rule("schema");
  return lc;
}

}  // namespace

const KeyTable kRepoKeys{kKeys};

const char* const kRepoConfigIntro =
    "`.schemabot.yaml` at the root of a repository. The bot reads it at the pull request's "
    "base commit, so a change cannot relax its own rules. Without the file, schemabot lints "
    "`migrations` as an atlas-format PostgreSQL directory.";

Result<RepoConfig> ParseRepoConfig(std::string_view text, std::string_view file) {
  SB_TRY_ASSIGN(Values v, Parse(kRepoKeys, text, file));
  RepoConfig rc;
  rc.version = static_cast<int>(v.Int("version"));
  if (rc.version != 1) return v.ErrorAt("version", "unsupported version (want 1)");
  rc.enabled = v.Bool("enabled");
  std::set<std::string> seen;
  for (size_t i = 0; i < v.Count("dirs"); ++i) {
    std::string p = Idx(i);
    DirConfig d;
    if (!v.IsSet(p + ".path")) {
      return InvalidArgument(v.Where(p + ".path").ToString() + ": " + p + ": path is required");
    }
    d.path = v.String(p + ".path");
    while (d.path.size() > 1 && d.path.back() == '/') d.path.pop_back();
    if (d.path.rfind("file://", 0) == 0) d.path = d.path.substr(7);
    if (d.path.empty() || d.path[0] == '/' || d.path.find("..") != std::string::npos) {
      return v.ErrorAt(p + ".path", "must be a relative path inside the repository");
    }
    if (!seen.insert(d.path).second) return v.ErrorAt(p + ".path", "directory listed twice");
    d.name =
        v.IsSet(p + ".name")
            ? v.String(p + ".name")
            : d.path.substr(d.path.rfind('/') == std::string::npos ? 0 : d.path.rfind('/') + 1);
    if (v.IsSet(p + ".format")) {
      SB_TRY_ASSIGN(d.format, dir::ParseDirFormat(v.String(p + ".format")));
    }
    SB_TRY_ASSIGN(d.dialect, sql::ParseDialect(v.String(p + ".dialect")));
    d.static_only = v.String(p + ".devdb") == "static";
    SB_TRY_ASSIGN(d.lint, LintOf(v, p));
    for (size_t k = 0; k < v.Count(p + ".deploy"); ++k) {
      std::string q = p + ".deploy[" + std::to_string(k) + "]";
      DeployTarget t{v.String(q + ".env"), v.String(q + ".repo"), v.List(q + ".files"),
                     v.String(q + ".mode"), v.Bool(q + ".auto_merge")};
      if (t.env.empty() || t.repo.empty() || t.files.empty()) {
        return InvalidArgument(v.Where(q + ".env").ToString() + ": " + q +
                               ": env, repo and files are required");
      }
      d.deploy.push_back(std::move(t));
    }
    rc.dirs.push_back(std::move(d));
  }
  return rc;
}

RepoConfig DefaultRepoConfig() {
  RepoConfig rc;
  DirConfig d;
  d.path = "migrations";
  d.name = "migrations";
  rc.dirs.push_back(std::move(d));
  return rc;
}

Result<void> ApplyLocks(std::string_view text, std::string_view file,
                        const std::vector<std::string>& locked) {
  SB_TRY_ASSIGN(Values v, Parse(kRepoKeys, text, file));
  for (size_t i = 0; i < v.Count("dirs"); ++i) {
    for (const auto& key : locked) {
      std::string path = key;
      if (auto at = path.find("dirs[]"); at == 0) path = Idx(i) + path.substr(6);
      if (v.IsSet(path)) {
        Error e = v.ErrorAt(path, "locked by the server config");
        e.code = ErrorCode::kPermissionDenied;
        return e;
      }
    }
  }
  return Ok();
}

}  // namespace schemabot::config
