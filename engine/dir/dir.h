// Migration directories: where the files come from (a `Dir`) and what they mean (a format).
//
// Two layers:
//
// 1. `Dir` lists and reads the files of one directory tree. Three implementations:
//    `OpenDiskDir` (a folder), `OpenGitTreeDir` (a tree at a commit of a git repository,
//    bare is fine, no work tree needed) and `NewMemDir` (a map, for tests and for content
//    that arrived over the network).
//
// 2. The format layer turns a Dir into an ordered list of `Migration`s the way Atlas reads
//    it (reference atlas-core.md §2): which files count, their version and description,
//    their order, their up and down sections and the per-file transaction flag.
//
//      SB_TRY_ASSIGN(auto dir, OpenDiskDir("migrations"));
//      SB_TRY_ASSIGN(DirFormat format, DetectFormat(*dir));        // or ParseDirFormat("goose")
//      SB_TRY_ASSIGN(MigrationDir md, LoadMigrations(*dir, format));
//      for (const Migration& m : md.migrations) {
//        if (!m.atlas_listed) continue;                  // flyway files Atlas skips
//        Split(m.up.text) ... positions + m.up.offset / m.up.line map back to m.file
//      }
//      for (const DirIssue& i : md.issues) ...            // bad names, BOMs, duplicates …
//
// Errors: Result errors are only for a directory that cannot be read (missing folder,
// unknown commit, I/O error, a file over kMaxFileSize). Everything wrong *inside* a readable
// directory (a name that matches no format, two files with one version, a BOM, CRLF, bad
// UTF-8, goose pragmas out of order …) is a `DirIssue` next to the migrations, so callers can
// report all of them at once; loading never crashes on any byte content.
//
// Thread-safety: a Dir may be read from several threads at once (the git implementation
// serialises its libgit2 calls internally). Everything else here is plain values.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace schemabot::dir {

// The largest file a Dir reads (bigger files -> InvalidArgument). 100 MB files work.
inline constexpr size_t kMaxFileSize = size_t{512} << 20;

// ---------------------------------------------------------------------------------------
// Layer 1: files.

class Dir {
 public:
  virtual ~Dir() = default;

  // The regular files of the directory as '/'-separated paths relative to its root, sorted
  // bytewise. `recursive` = false: only the root's own files. `recursive` = true: also the
  // files of sub-folders, skipping folders whose name starts with '.' (as Atlas's flyway walk
  // does). Symlinks to files count as files; symlinked folders are not followed.
  virtual Result<std::vector<std::string>> List(bool recursive) const = 0;

  // The bytes of file `name` (a path as returned by List). NotFound when absent,
  // InvalidArgument for a name that escapes the root ("..", absolute) or a file larger
  // than kMaxFileSize.
  virtual Result<std::string> Read(std::string_view name) const = 0;

  // Creates or replaces file `name` (used to write atlas.sum). Disk and memory dirs support
  // it; a git tree is read-only and returns PermissionDenied.
  virtual Result<void> Write(std::string_view name, std::string_view content) = 0;

  // For messages: the folder path, "<repo>@<commit>:<subdir>", or "memory".
  virtual std::string Describe() const = 0;
};

// A folder on disk. NotFound if `path` does not exist, InvalidArgument if it is not a folder.
Result<std::unique_ptr<Dir>> OpenDiskDir(const std::string& path);

// The tree of `commit_or_ref` (anything `git rev-parse` takes: a sha, "HEAD", "main",
// "refs/heads/x", "v1.2^") in the repository at `repo_path` (a bare repository or a work
// tree's root / .git), narrowed to `subdir` ("" or "." for the root). An empty `repo_path`
// opens the repository git's environment names (GIT_DIR, GIT_OBJECT_DIRECTORY,
// GIT_ALTERNATE_OBJECT_DIRECTORIES — what a pre-receive hook's quarantine sets). The Dir holds the
// repository open until destroyed. NotFound for a missing repository, revision or subdir;
// InvalidArgument when `subdir` names a file.
Result<std::unique_ptr<Dir>> OpenGitTreeDir(const std::string& repo_path,
                                            const std::string& commit_or_ref,
                                            const std::string& subdir);

// An in-memory directory holding `files` (name -> content; names may contain '/').
std::unique_ptr<Dir> NewMemDir(std::map<std::string, std::string> files);

// ---------------------------------------------------------------------------------------
// Layer 2: formats.

// The directory formats of Atlas's `--dir-format` / `?format=`.
enum class DirFormat { kAtlas, kGolangMigrate, kGoose, kDbmate, kFlyway, kLiquibase };

// "atlas", "golang-migrate", "goose", "dbmate", "flyway", "liquibase".
std::string_view DirFormatName(DirFormat format);
// The inverse of DirFormatName; anything else -> InvalidArgument `unknown dir format "x"`
// (Atlas's text).
Result<DirFormat> ParseDirFormat(std::string_view name);

// Guesses the format. File names first: flyway (`V1__x.sql`, `R__x.sql`, … also in
// sub-folders) and golang-migrate (`1_x.up.sql` / `1_x.down.sql`); only if no name says
// anything, content markers of the top-level files: `-- +goose Up` (goose), `-- migrate:up`
// (dbmate), `--liquibase formatted sql` (liquibase). When the directory has an atlas.sum, the
// candidate (or atlas) whose file set reproduces its total wins, so an atlas-format dir holding
// `1_a.up.sql` and `1_a.down.sql` (both hashed) is atlas and an Atlas-managed golang-migrate
// dir is golang-migrate. Nothing matching -> atlas (also for an empty dir).
// Reads every top-level .sql file. Errors: InvalidArgument saying why, e.g. `ambiguous: 2 files
// match flyway (V1__a.sql, V2__b.sql) and 3 files match golang-migrate (1_a.down.sql,
// 1_a.up.sql, …); give the format (--dir-format)`, `no migration files: 2 files match no
// format (README, x.txt)`; read errors from the Dir.
Result<DirFormat> DetectFormat(const Dir& dir);

// Version ordering as Atlas does it: flyway compares versions numerically part by part
// (`1_12_2` < `1_12_10`; parts split on '.' and '_', non-numeric parts count as 0); every
// other format compares the strings bytewise (Atlas's executor does). <0, 0, >0.
int CompareVersions(DirFormat format, std::string_view a, std::string_view b);

enum class MigrationKind {
  kVersioned,   // atlas/goose/dbmate/liquibase files, golang-migrate .up.sql, flyway V
  kBaseline,    // flyway B: replaces the V files up to its version on an empty database
  kRepeatable,  // flyway R: re-run whenever changed; version ""
};
std::string_view MigrationKindName(MigrationKind kind);  // "versioned", "baseline", "repeatable"

// A byte range of a file that a splitter should read.
//
// GOOSE BLOCKS — how the splitter must treat goose sections: `text` is verbatim, so it
// still contains the `-- +goose StatementBegin` / `-- +goose StatementEnd` marker lines.
// `blocks` lists, as offsets into `text`, the bytes strictly between those marker lines:
// each block is exactly ONE statement (never split inside it; trim surrounding whitespace).
// Outside the blocks the text is split normally (the marker lines are plain `--` comments
// there). Blocks are in order and do not overlap. Other formats have no blocks.
struct Section {
  struct Block {
    size_t begin = 0;  // offset in `text` of the first byte after the StatementBegin line
    size_t end = 0;    // offset in `text` of the StatementEnd line (exclusive end)
  };
  std::string file;   // the file the section is in (a golang-migrate / flyway down section
                      // lives in the .down.sql / U file, not in the up file)
  std::string text;   // the section's bytes, verbatim (CRLF kept)
  size_t offset = 0;  // byte offset of text[0] in `file`
  int line = 1;       // 1-based line of text[0] in `file`
  int column = 1;     // 1-based byte column of text[0]
  std::vector<Block> blocks;
};

// The transaction a file runs in.
enum class TxMode {
  kFile,  // one transaction for the file (the default in every format)
  kNone,  // no transaction: goose `-- +goose NO TRANSACTION` (any case), dbmate
          // `-- migrate:up transaction:false`, the file directive `-- atlas:txmode none`,
          // or Mattermost's (morph's) first line `-- morph:nontransactional`
};

struct Migration {
  std::string file;         // name relative to the dir (flyway: a path such as `sub/V2__x.sql`)
  std::string version;      // as Atlas derives it (`1_initial.up.sql` -> "1", `V1_1__x.sql` ->
                            // "1_1", flyway R -> "")
  std::string description;  // as Atlas derives it (`1_initial.up.sql` -> "initial")
  MigrationKind kind = MigrationKind::kVersioned;
  std::string content;  // the whole file, verbatim
  // The statements to apply: the whole file (offset 0) except for goose (after `-- +goose
  // Up` up to `-- +goose Down`) and dbmate (after `-- migrate:up` up to `-- migrate:down`).
  // A UTF-8 BOM is left out of the section (offset 3) and reported as an issue.
  Section up;
  // The down part: goose / dbmate in-file section, the golang-migrate `.down.sql` twin, the
  // flyway `U<version>__…` undo file. Absent when the format or the file has none.
  std::optional<Section> down;
  TxMode tx = TxMode::kFile;
  std::string tx_directive;  // the line that set kNone (e.g. "-- +goose NO TRANSACTION"), or ""
  // True when Atlas's Dir.Files() lists this file, i.e. it is in atlas.sum and Atlas would
  // lint / apply it. Only flyway has unlisted files: older baselines and V files Atlas drops
  // as covered by the baseline (Atlas compares those versions as strings).
  bool atlas_listed = true;
};

struct DirIssue {
  enum class Severity { kWarning, kError };
  std::string file;  // "" for the directory as a whole
  int line = 0;      // 1-based, 0 when not about one line
  Severity severity = Severity::kWarning;
  std::string message;  // lowercase, values quoted, e.g. `two files with version "2": …`
};

// Atlas's directive regex `^([ -~]*)atlas:(\w+)(?: +(.+))*` applied to `text` exactly as
// Go's regexp does (leftmost-first, greedy): only the first line can match, any printable
// ASCII prefix is allowed, and the last `atlas:<word>` of that printable prefix wins.
// `arg` is the rest of the line after the spaces (a trailing '\r' included). `atlas:sum
// ignore` is {prefix "-- " or anything, name "sum", arg "ignore"}. nullopt when no match.
struct Directive {
  std::string prefix;  // text before "atlas:"
  std::string name;    // \w+ after "atlas:"
  std::string arg;     // "" when none
};
std::optional<Directive> MatchDirective(std::string_view text);

// "file:line: message" / "file: message" / "message".
std::string FormatIssue(const DirIssue& issue);

struct MigrationDir {
  DirFormat format = DirFormat::kAtlas;
  // In Atlas's order: bytewise by name; flyway: baselines, then V by flyway version, then R.
  std::vector<Migration> migrations;
  std::vector<DirIssue> issues;

  // The migration whose `file` is `name`, or nullptr.
  const Migration* Find(std::string_view name) const;
  bool HasErrors() const;
};

// Reads every migration file of `format` from `dir` (top-level *.sql; flyway: recursive).
// Issues, by severity:
//   error:   two files with one version; goose/dbmate section markers out of order or
//            missing (`goose: <file>:<line> unexpected goosePragma 'Down'`); an unterminated
//            StatementBegin; a bad `atlas:txmode` value.
//   warning: a `.sql` name that matches no file kind of the format (it is ignored), a down /
//            undo file without its up file, an empty file, a BOM, CRLF line ends, bytes that
//            are not UTF-8, flyway V files Atlas keeps or drops around a baseline.
// Errors: read errors from the Dir only.
Result<MigrationDir> LoadMigrations(const Dir& dir, DirFormat format);

}  // namespace schemabot::dir
