// The PR summary comment: one per directory, found again by its hidden marker.
#include <algorithm>

#include "engine/lint/codes.h"
#include "engine/report/internal.h"

namespace schemabot::report {
namespace {

// Markdown table cells: pipes and newlines would break the row.
std::string Cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

// A fence longer than any backtick run in the body, so excerpts cannot close it early.
std::string Fence(std::string_view body) {
  size_t longest = 0, run = 0;
  for (char c : body) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

std::string Headline(const SummaryReport& rep, int errors, int warnings) {
  if (errors > 0) {
    return "❌ " + std::to_string(errors) + (errors == 1 ? " error" : " errors") +
           (warnings ? ", " + std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings")
                     : "");
  }
  if (warnings > 0) {
    return "⚠️ " + std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings");
  }
  return rep.new_files == 0 ? "✅ no new migration files" : "✅ no findings";
}

void FileSection(const FileReport& f, const RenderOptions& opts, std::string& out) {
  out += "\n#### `" + f.name + "`\n\n";
  if (!f.error.empty() && std::none_of(f.reports.begin(), f.reports.end(),
                                       [](const AnalyzerReport& r) { return r.error; })) {
    out += "**Error:** " + Cell(f.error) + "\n\n";
  }
  if (f.reports.empty()) return;
  // Findings in file order, whichever analyzer reported them.
  struct Item {
    const AnalyzerReport* r;
    const Diagnostic* d;
  };
  std::vector<Item> items;
  for (const auto& r : f.reports) {
    for (const auto& d : r.diagnostics) items.push_back({&r, &d});
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return a.d->pos < b.d->pos; });
  out += "| | Line | Code | Finding |\n|---|---|---|---|\n";
  for (const auto& [r, d] : items) {
    auto lc = PositionOf(f.text, d->pos);
    std::string code = d->code.empty() || opts.docs_base.empty()
                           ? d->code
                           : "[" + d->code + "](" + DocsLink(opts, d->code) + ")";
    out += std::string("| ") + (r->error ? "❌ error" : "⚠️ warning") + " | L" +
           std::to_string(lc.line) + " | " + code + " | " + Cell(d->text) + " |\n";
  }
  for (const auto& [r, d] : items) {
    auto lc = PositionOf(f.text, d->pos);
    std::string excerpt = StatementExcerpt(f.text, d->pos);
    if (excerpt.empty() && d->suggested_fixes.empty()) continue;
    out +=
        "\n<details><summary>L" + std::to_string(lc.line) + ": " + Cell(d->text) + "</summary>\n\n";
    if (!excerpt.empty()) {
      std::string fence = Fence(excerpt);
      out += fence + "sql\n" + excerpt + "\n" + fence + "\n";
    }
    for (const auto& fix : d->suggested_fixes) out += "\n💡 " + fix.message + "\n";
    out += "\n</details>\n";
  }
}

}  // namespace

Counts CountFindings(const SummaryReport& rep) {
  Counts c;
  for (const auto& f : rep.files) {
    bool any_report_error = false;
    for (const auto& r : f.reports) {
      (r.error ? c.errors : c.warnings) += static_cast<int>(r.diagnostics.size());
      any_report_error |= r.error;
    }
    if (!f.error.empty() && !any_report_error) ++c.errors;
  }
  for (const auto& s : rep.steps) c.errors += (!s.error.empty() && !s.result) ? 1 : 0;
  return c;
}

std::string RenderMarkdown(const SummaryReport& rep, const RenderOptions& opts) {
  auto [errors, warnings] = CountFindings(rep);
  std::string dir = opts.dir.empty() ? rep.env.dir : opts.dir;
  std::string out = SummaryMarker(dir) + "\n";
  out += "### schemabot lint: `" + dir + "` — " + Headline(rep, errors, warnings) + "\n\n";
  out += "| Status | Step | Result |\n|---|---|---|\n";
  for (const auto& s : rep.steps) {
    bool failed = !s.error.empty() || (s.result && s.result->HasErrors());
    bool warned = s.result && s.result->HasWarnings();
    std::string status = failed ? "❌" : warned ? "⚠️" : "✅";
    std::string text = s.text;
    if (failed && !s.result) text += (text.empty() ? "" : ": ") + s.error;
    out += "| " + status + " | " + Cell(s.name) + " | " + Cell(text) + " |\n";
  }
  for (const auto& f : rep.files) {
    if (!f.reports.empty() || !f.error.empty()) FileSection(f, opts, out);
  }
  if (!rep.skipped_checks.empty()) {
    out += "\n> Not checked in this run: ";
    for (size_t i = 0; i < rep.skipped_checks.size(); ++i) {
      out += (i ? ", " : "") + rep.skipped_checks[i];
    }
    out += ".\n";
  }
  out += "\n<sub>schemabot";
  if (!opts.head_sha.empty()) out += " · " + opts.head_sha.substr(0, 12);
  out += "</sub>\n";
  return out;
}

}  // namespace schemabot::report
