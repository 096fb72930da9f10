// Atlas's default human template (`atlas migrate lint` without --format).
#include <cstdio>
#include <utility>
#include <vector>

#include "engine/report/internal.h"

namespace schemabot::report {
namespace {

std::string Plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

void RenderDiagnostics(const AnalyzerReport& r, std::string_view file_text,
                       const RenderOptions& opts, std::string& out) {
  out +=
      "    -- " + (r.text.empty() ? std::string("Unnamed diagnostics detected") : r.text) + ":\n";
  std::vector<const SuggestedFix*> fixes;
  for (const auto& d : r.diagnostics) {
    out += "      -- L" + std::to_string(PositionOf(file_text, d.pos).line) + ": " + d.text;
    if (!d.code.empty()) out += " " + DocsLink(opts, d.code);
    out += "\n";
    for (const auto& f : d.suggested_fixes) fixes.push_back(&f);
  }
  for (const auto& f : r.suggested_fixes) fixes.push_back(&f);
  if (!fixes.empty()) {
    out += fixes.size() == 1 ? "    -- suggested fix:\n" : "    -- suggested fixes:\n";
    for (const auto* f : fixes) out += "      -> " + f->message + "\n";
  }
}

}  // namespace

std::string RenderText(const SummaryReport& rep, const RenderOptions& opts) {
  std::string out;
  std::string count = " (" + Plural(rep.new_files, "migration", "migrations") + " in total):\n";
  if (!rep.from_version.empty() && !rep.to_version.empty()) {
    out += "Analyzing changes from version " + rep.from_version + " to " + rep.to_version + count;
  } else if (!rep.to_version.empty()) {
    out += "Analyzing changes until version " + rep.to_version + count;
  } else {
    out += "Analyzing changes" + count;
  }
  out += "\n";
  for (const auto& s : rep.steps) {
    if (s.result || (s.error.empty() && s.name.rfind("Analyze ", 0) == 0)) continue;
    if (s.error.empty()) continue;
    std::string lower = s.name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += "  -- " + lower + "\n    -- " + s.error + "\n\n";
  }
  int ok = 0, warn = 0, err = 0;
  for (const auto& f : rep.files) {
    bool migration = f.name.size() > 4 && f.name.compare(f.name.size() - 4, 4, ".sql") == 0;
    out += migration ? "  -- analyzing version " + VersionOf(f.name) + "\n"
                     : "  -- checking " + f.name + "\n";
    for (const auto& r : f.reports) RenderDiagnostics(r, f.text, opts, out);
    if (f.reports.empty() && f.error.empty()) out += "    -- no diagnostics found\n";
    bool report_error = false;
    for (const auto& r : f.reports) report_error |= r.error;
    if (!f.error.empty() && !report_error)
      out += "  Error: " + f.error + "\n";
    else
      out += "  -- ok\n";
    if (f.HasErrors())
      ++err;
    else if (f.HasWarnings())
      ++warn;
    else
      ++ok;
  }
  out += "\n  -------------------------\n";
  if (opts.show_durations) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3fs", rep.duration_seconds);
    out += std::string("  -- ") + buf + "\n";
  }
  // Atlas prints only the non-zero counts: "1 version with errors",
  // "2 versions ok, 1 with warnings".
  std::vector<std::pair<int, const char*>> parts;
  if (ok) parts.push_back({ok, "ok"});
  if (warn) parts.push_back({warn, "with warnings"});
  if (err) parts.push_back({err, "with errors"});
  if (parts.empty()) parts.push_back({0, "ok"});
  out += "  --";
  for (size_t i = 0; i < parts.size(); ++i) {
    out += i == 0 ? " " + Plural(parts[i].first, "version", "versions") + " " + parts[i].second
                  : ", " + std::to_string(parts[i].first) + " " + parts[i].second;
  }
  out += "\n";
  out += "  -- " + Plural(rep.schema_changes, "schema change", "schema changes") + "\n";
  out += "  -- " + Plural(rep.DiagnosticCount(), "diagnostic", "diagnostics") + "\n";
  for (const auto& s : rep.skipped_checks) out += "  -- not checked: " + s + "\n";
  return out;
}

}  // namespace schemabot::report
