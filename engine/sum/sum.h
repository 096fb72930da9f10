// atlas.sum: the integrity file of a migration directory, byte-compatible with Atlas
// (reference atlas-core.md §1). Compute it, write it, parse it, validate a directory.
//
//   h1:<TOTAL>\n
//   <file> h1:<HASH>\n ...
//
// HASH of entry k = base64std(SHA-256 over name1 content1 … namek contentk) — one running
// hash over the whole directory. A file whose first line is an `atlas:sum ignore` directive
// feeds only its name and gets no line. TOTAL = base64std(SHA-256 over name1 HASH1 name2
// HASH2 …). The files and their order are Atlas's Dir.Files() for the format: the
// `atlas_listed` migrations of dir::LoadMigrations, in order (golang-migrate: only .up.sql;
// flyway: baseline, V by version, R).
//
//   SB_TRY_ASSIGN(auto v, sum::Validate(*dir, format));
//   if (!v.ok()) { std::cerr << sum::CliReport(v); return 1; }
//
// Thread-safety: plain functions over values; a Dir may be shared per its own contract.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/dir/dir.h"

namespace schemabot::sum {

inline constexpr std::string_view kSumFileName = "atlas.sum";

// Atlas's error texts.
inline constexpr std::string_view kChecksumMismatch = "checksum mismatch";
inline constexpr std::string_view kChecksumNotFound = "checksum file not found";
inline constexpr std::string_view kChecksumFormatInvalid = "checksum file format invalid";

struct SumEntry {
  std::string file;  // as Atlas lists it (flyway: relative path)
  std::string hash;  // base64 text without "h1:" (44 chars when computed)
};

struct SumFile {
  std::string total;  // line 1 without "h1:"
  std::vector<SumEntry> entries;

  // The total recomputed from `entries` (Atlas's HashFile.Sum()).
  std::string ComputeTotal() const;
  // The entry for `file`, or nullptr (Atlas's SumByName).
  const SumEntry* Find(std::string_view file) const;
};

// True when `content` starts with an `atlas:sum ignore` directive (first line, any printable
// ASCII prefix, nothing after "ignore" — a CRLF line end defeats it, as in Atlas).
bool HasSumIgnore(std::string_view content);

// The sum of files given in order as (name, content).
struct NamedContent {
  std::string_view name;
  std::string_view content;
};
SumFile ComputeSum(const std::vector<NamedContent>& files);
// The sum of the atlas-listed migrations of a loaded directory.
SumFile ComputeSum(const dir::MigrationDir& md);
// Loads `dir` in `format` and computes its sum. Errors: read errors from the Dir.
Result<SumFile> ComputeSum(const dir::Dir& dir, dir::DirFormat format);

// Atlas's MarshalText: "h1:<total>\n" then "<file> h1:<hash>\n" per entry; `total` is
// recomputed from the entries, so a SumFile's own `total` field is not trusted.
std::string FormatSum(const SumFile& sum);

// Atlas's UnmarshalText: lines split on '\n' (a trailing '\r' dropped); line 1 minus an
// optional "h1:" is the total; every other line splits at its first "h1:" into a name
// (whitespace trimmed) and a hash. Errors (InvalidArgument, message exactly Atlas's):
// "checksum file format invalid" for a line without "h1:" (a blank line too);
// "checksum mismatch" when line 1 is not the total of the entries (hand-edited sum).
Result<SumFile> ParseSum(std::string_view text);

// Computes the sum of `dir` in `format` and writes it as atlas.sum (Atlas's `migrate hash`:
// never validates first). Returns the written text. Errors: read / write errors of the Dir.
Result<std::string> WriteSum(dir::Dir& dir, dir::DirFormat format);

// The first difference between an atlas.sum and the directory (Atlas's ChecksumError).
struct Mismatch {
  enum class Reason { kAdded, kEdited, kRemoved };
  int line = 0;      // 1-based line in atlas.sum (line 1 is the total)
  int total = 0;     // number of entries in atlas.sum
  size_t pos = 0;    // byte offset of that line in atlas.sum (as Atlas counts it)
  std::string file;  // the file that was added / edited / removed
  Reason reason = Reason::kEdited;
};
std::string_view ReasonName(Mismatch::Reason r);  // "added", "edited", "removed"

struct Validation {
  enum class Status {
    kOk,             // atlas.sum matches (or is absent from a dir without migrations)
    kNotFound,       // "checksum file not found"
    kFormatInvalid,  // "checksum file format invalid"
    kMismatch,       // "checksum mismatch"
  };
  Status status = Status::kOk;
  // For kMismatch when the directory differs from a well-formed sum: the first difference.
  // Absent when atlas.sum's own total does not match its lines (a hand-edited atlas.sum).
  std::optional<Mismatch> mismatch;

  bool ok() const { return status == Status::kOk; }
  // "" when ok, else Atlas's error text ("checksum mismatch", …).
  std::string_view Error() const;
  // "L3: 2_add.sql was edited", or "" without a mismatch.
  std::string Detail() const;
};

// Atlas's migrate.Validate. Result errors are only for an unreadable directory or sum file.
Result<Validation> Validate(const dir::Dir& dir, dir::DirFormat format);
// The same on an already loaded directory and the atlas.sum text (nullopt = no atlas.sum).
Validation ValidateLoaded(const dir::MigrationDir& md, const std::optional<std::string>& sum_text);

// What `atlas migrate validate` prints on stderr for a failed validation (empty when ok):
//
//   "You have a checksum error in your migration directory.\n"
//   "\n\tL<line>: <file> was <reason>\n\n"                       (only with a Mismatch)
//   "Please check your migration files and run <hash_command> to re-hash the contents\n\n"
//   "Error: <Error()>\n"
//
// Atlas's text exactly, except that the re-hash command is ours by default (Atlas prints
// 'atlas migrate hash', which writes the same file).
std::string CliReport(const Validation& v, std::string_view hash_command = "'schemabot hash'");

// The lint file-report error Atlas writes for atlas.sum: "checksum mismatch (atlas.sum):
// L<line>: <file> was <reason>", or just Error() without a Mismatch.
std::string LintReportError(const Validation& v);

}  // namespace schemabot::sum
