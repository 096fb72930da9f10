// Lint reports: the model (Atlas's SummaryReport shape) and its renderers.
//
// The model mirrors Atlas's JSON (`atlas migrate lint --format '{{ json . }}'`) field for
// field, so reports written by Atlas parse into it and render back unchanged, and tools
// built for Atlas (atlas-action, dashboards) read ours. A few fields that Atlas's JSON
// does not carry (per-report severity, the directory path, durations) are ours; the
// Atlas JSON renderer leaves them out and the parser derives them (a report is an error
// when its text is named in its file's Error, as Atlas does).
//
// Renderers are pure functions of the report: text (Atlas's default template), json
// (Atlas's shape, Go's encoding/json escaping), markdown (the PR summary comment), SARIF
// 2.1.0 (code scanning) and GitLab code quality JSON.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace schemabot::report {

struct TextEdit {
  int line = 0;
  int end = 0;
  std::string new_text;
};

struct SuggestedFix {
  std::string message;
  std::optional<TextEdit> text_edit;
};

struct Diagnostic {
  int64_t pos = 0;   // byte offset of the statement in the file text
  std::string text;  // e.g. `Dropping table "t"`
  std::string code;  // e.g. "DS102"; may be empty
  std::vector<SuggestedFix> suggested_fixes;
};

// One analyzer's findings in one file.
struct AnalyzerReport {
  std::string text;  // e.g. "destructive changes detected"
  std::string desc;
  std::vector<Diagnostic> diagnostics;
  std::vector<SuggestedFix> suggested_fixes;
  bool error = false;  // ours: the analyzer is configured as an error
};

struct FileReport {
  std::string name;  // file name inside the directory
  std::string text;  // the whole file content
  std::vector<AnalyzerReport> reports;
  std::string error;   // "destructive changes detected; ..." or an execution error
  std::string change;  // "", "ADDED", "DELETED", "MODIFIED"

  bool HasErrors() const { return !error.empty(); }
  bool HasWarnings() const;
};

struct StepReport {
  std::string name;
  std::string text;
  std::string error;
  std::optional<FileReport> result;
};

struct Env {
  std::string driver;
  std::string url;  // redacted dev URL, rendered as Go's url.URL fields
  std::string dir;
};

struct SummaryReport {
  std::string url;  // Atlas Cloud report URL; empty for us
  Env env;
  std::string schema_current;
  std::string schema_desired;
  std::vector<StepReport> steps;
  std::vector<FileReport> files;

  // Ours (not in Atlas's JSON).
  std::string from_version;  // version of the last base file
  std::string to_version;    // version of the last new file
  int new_files = 0;
  int schema_changes = 0;
  double duration_seconds = 0;
  std::vector<std::string> skipped_checks;  // e.g. static mode: checks that did not run

  int ErrorCount() const;  // files with errors + steps with errors
  int DiagnosticCount() const;
};

enum class Format { kText, kJson, kMarkdown, kSarif, kCodeQuality };

// Parses "text", "json", "markdown", "sarif", "codequality" (also "code-quality").
Result<Format> ParseFormat(std::string_view name);

struct RenderOptions {
  // Base of the docs link for each code, e.g. "https://schemabot.dev/docs/lint-codes".
  // The anchor is the code: <base>#DS102 (docs/lint-codes.md has #DS102 and #ds102).
  // Empty: markdown shows codes without links.
  std::string docs_base = "docs/lint-codes.md";
  // Markdown: the directory this summary is for (used in the hidden marker and title).
  std::string dir;
  // Markdown: the commit the lint ran on, shown in the footer.
  std::string head_sha;
  // Text: elapsed time is printed only when set (golden tests leave it off).
  bool show_durations = false;
};

std::string Render(const SummaryReport& report, Format format, const RenderOptions& opts = {});

std::string RenderText(const SummaryReport& report, const RenderOptions& opts);
std::string RenderAtlasJson(const SummaryReport& report);
// Findings by severity, as the markdown headline counts them: error/warning diagnostics,
// plus one error per failed file without an error diagnostic and per failed step.
struct Counts {
  int errors = 0;
  int warnings = 0;
};
Counts CountFindings(const SummaryReport& report);

std::string RenderMarkdown(const SummaryReport& report, const RenderOptions& opts);
std::string RenderSarif(const SummaryReport& report, const RenderOptions& opts);
std::string RenderCodeQuality(const SummaryReport& report, const RenderOptions& opts);

// Parses Atlas's SummaryReport JSON. Errors: kInvalidArgument with the JSON error.
Result<SummaryReport> ParseAtlasJson(std::string_view json);

// 1-based line and column (in bytes) of a byte offset in `text`; offsets past the end
// map to the last position.
struct LineCol {
  int line = 1;
  int column = 1;
};
LineCol PositionOf(std::string_view text, int64_t pos);

// The hidden marker that identifies a summary comment for a directory:
// <!-- schemabot:lint dir=DIR -->
std::string SummaryMarker(std::string_view dir);

}  // namespace schemabot::report
