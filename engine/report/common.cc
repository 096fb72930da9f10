#include <algorithm>
#include <cctype>

#include "engine/report/report.h"

namespace schemabot::report {

bool FileReport::HasWarnings() const {
  return std::any_of(reports.begin(), reports.end(),
                     [](const AnalyzerReport& r) { return !r.error && !r.diagnostics.empty(); });
}

int SummaryReport::ErrorCount() const {
  int n = 0;
  for (const auto& f : files) n += f.HasErrors() ? 1 : 0;
  for (const auto& s : steps) n += (!s.error.empty() && !s.result) ? 1 : 0;
  return n;
}

int SummaryReport::DiagnosticCount() const {
  int n = 0;
  for (const auto& f : files) {
    for (const auto& r : f.reports) n += static_cast<int>(r.diagnostics.size());
  }
  return n;
}

Result<Format> ParseFormat(std::string_view name) {
  if (name == "text" || name.empty()) return Format::kText;
  if (name == "json") return Format::kJson;
  if (name == "markdown" || name == "md") return Format::kMarkdown;
  if (name == "sarif") return Format::kSarif;
  if (name == "codequality" || name == "code-quality") return Format::kCodeQuality;
  return InvalidArgument("unknown report format \"" + std::string(name) +
                         "\" (want text, json, markdown, sarif or codequality)");
}

std::string Render(const SummaryReport& report, Format format, const RenderOptions& opts) {
  switch (format) {
    case Format::kText:
      return RenderText(report, opts);
    case Format::kJson:
      return RenderAtlasJson(report) + "\n";
    case Format::kMarkdown:
      return RenderMarkdown(report, opts);
    case Format::kSarif:
      return RenderSarif(report, opts);
    case Format::kCodeQuality:
      return RenderCodeQuality(report, opts);
  }
  return "";
}

LineCol PositionOf(std::string_view text, int64_t pos) {
  LineCol lc;
  size_t end = std::min<size_t>(text.size(), pos < 0 ? 0 : static_cast<size_t>(pos));
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++lc.line;
      lc.column = 1;
    } else {
      ++lc.column;
    }
  }
  return lc;
}

std::string SummaryMarker(std::string_view dir) {
  return "<!-- schemabot:lint dir=" + std::string(dir) + " -->";
}

// The anchor keeps the code's case, as Atlas's links do (…/analyzers#DS102); the docs
// carry both spellings.
std::string DocsLink(const RenderOptions& opts, std::string_view code) {
  return opts.docs_base + "#" + std::string(code);
}

}  // namespace schemabot::report
