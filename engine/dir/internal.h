// Private helpers shared by the engine/dir implementation files. Not part of the API.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/dir/dir.h"

namespace schemabot::dir::internal {

// InvalidArgument unless `name` is a relative '/'-separated path without "", "." or ".."
// components.
Result<void> CheckName(std::string_view name);

// The last path component: "a/b/V1__x.sql" -> "V1__x.sql".
std::string_view BaseName(std::string_view path);

bool EndsWith(std::string_view s, std::string_view suffix);
bool StartsWith(std::string_view s, std::string_view prefix);

// Atlas's LocalFile.Version / Desc (split at the first '_', ".sql" trimmed).
std::string AtlasVersion(std::string_view name);
std::string AtlasDesc(std::string_view name);

// Atlas's flywayVersion / flywayDesc.
std::string FlywayVersion(std::string_view path);
std::string FlywayDesc(std::string_view path);

// Loads the flyway migrations (all B, V, R files; U files become down sections).
Result<MigrationDir> LoadFlyway(const Dir& dir);

// Fills `m.up` (whole file, BOM skipped), `tx` from `atlas:txmode`, and the text issues
// (empty, BOM, CRLF, UTF-8). Used for every format; `down_file` = a golang-migrate .down.sql
// or flyway U file read for its down section (empty is normal there).
void InitWholeFile(Migration& m, std::vector<DirIssue>& issues, bool down_file = false);

// Splits a goose / dbmate file into its up and down sections.
void SplitGoose(Migration& m, std::vector<DirIssue>& issues);
void SplitDbmate(Migration& m, std::vector<DirIssue>& issues);

// A Section covering content[begin, end) of `file`, with line and column computed.
Section MakeSection(const std::string& file, std::string_view content, size_t begin, size_t end);

// Reports versions held by more than one listed migration.
void CheckDuplicateVersions(const std::vector<Migration>& ms, std::vector<DirIssue>& issues);

DirIssue Warning(std::string file, int line, std::string message);
DirIssue Err(std::string file, int line, std::string message);

// `"x"` with quotes and backslashes escaped, for messages.
std::string Quote(std::string_view s);

}  // namespace schemabot::dir::internal
