// The pipeline's orchestration: steps in Atlas's order, findings grouped per family.
#include "engine/lint/lint.h"

#include <chrono>
#include <exception>
#include <map>

#include "engine/lint/codes.h"
#include "engine/lint/nolint.h"

namespace schemabot::lint {
namespace {

using report::AnalyzerReport;
using report::Diagnostic;
using report::FileReport;
using report::StepReport;

// Collects findings of one file, with their levels and nolint applied.
class FileFindings final : public Reporter {
 public:
  FileFindings(const LintConfig& cfg, const std::vector<sql::Statement>& stmts, NolintRules* nolint)
      : cfg_(cfg), stmts_(stmts), nolint_(nolint) {}

  // An analyzer's finding: nolint applies.
  void Report(Finding f) override { Add(std::move(f), /*honour_nolint=*/true); }

  // Findings that are not tied to a statement (detect, replay): at `pos`, never
  // suppressed by a statement's nolint.
  void ReportAt(std::string code, int64_t pos, std::string text) {
    Finding f{std::move(code), 0, std::move(text), {}};
    f.at_file_start = true;
    f.pos_override = pos;
    Add(std::move(f), /*honour_nolint=*/false);
  }

  // Fills `fr` with one report per family, in the order families are listed.
  void Into(FileReport& fr) const {
    std::string errors;
    for (auto family : AllFamilies()) {
      auto it = by_family_.find(std::string(family));
      if (it == by_family_.end() || it->second.diags.empty()) continue;
      AnalyzerReport r;
      r.text = std::string(FamilyReportText(family));
      r.diagnostics = it->second.diags;
      r.error = it->second.error;
      if (r.error) errors += (errors.empty() ? "" : "; ") + r.text;
      fr.reports.push_back(std::move(r));
    }
    if (!errors.empty()) fr.error = fr.error.empty() ? errors : fr.error + "; " + errors;
  }

 private:
  void Add(Finding f, bool honour_nolint) {
    const CodeInfo* info = FindCode(f.code);
    std::string family = info ? std::string(info->family) : "integrity";
    Level level = cfg_.LevelOfCode(f.code);
    if (level == Level::kOff) return;
    if (honour_nolint && nolint_ && f.stmt < stmts_.size() &&
        nolint_->Suppressed(f.stmt, f.code, family)) {
      return;
    }
    int64_t pos = 0;
    if (!f.at_file_start && f.stmt < stmts_.size()) {
      pos = static_cast<int64_t>(stmts_[f.stmt].offset);
    }
    if (f.pos_override) pos = *f.pos_override;
    Entry& e = by_family_[family];
    e.error |= level == Level::kError;
    e.diags.push_back({pos, std::move(f.text), std::move(f.code), std::move(f.fixes)});
  }

  struct Entry {
    std::vector<Diagnostic> diags;
    bool error = false;
  };
  const LintConfig& cfg_;
  const std::vector<sql::Statement>& stmts_;
  NolintRules* nolint_;
  std::map<std::string, Entry> by_family_;
};

void RunAnalyzers(const Pass& pass, Reporter& out, FileReport& fr) {
  for (const auto& a : AnalyzersFor(pass.dialect)) {
    try {
      a->Analyze(pass, out);
    } catch (const std::exception& e) {
      // Atlas's wording for a panicking analyzer; the others still run.
      fr.error += (fr.error.empty() ? "" : "; ") + std::string("skip crashed analyzer (") +
                  std::string(a->Name()) + "): " + e.what();
    }
  }
}

struct Run {
  const LintRequest& req;
  report::SummaryReport rep;
  std::map<std::string, std::vector<IntegrityFinding>> findings_by_file;
  int schema_changes = 0;
};

void IntegrityStep(Run& run) {
  const auto& sum = run.req.sum;
  if (!sum) return;
  if (!sum->present) {
    run.rep.steps.push_back(
        {"Migration Integrity Check", "File atlas.sum is missing", "", std::nullopt});
    return;
  }
  if (sum->valid) {
    run.rep.steps.push_back(
        {"Migration Integrity Check", "File atlas.sum is valid", "", std::nullopt});
    return;
  }
  run.rep.steps.push_back(
      {"Migration Integrity Check", "File atlas.sum is invalid", sum->error, std::nullopt});
  FileReport fr;
  fr.name = "atlas.sum";
  fr.error = sum->error;
  AnalyzerReport r{std::string(FamilyReportText("integrity")), "", {}, {}, true};
  std::string text = sum->detail.empty() ? sum->error : sum->error + ": " + sum->detail;
  r.diagnostics.push_back({0, text + " (run `schemabot hash` and commit atlas.sum)", "SB101", {}});
  fr.reports.push_back(std::move(r));
  run.rep.files.push_back(std::move(fr));
}

// Directory problems found while loading (duplicate versions, broken goose markers).
void DirIssues(Run& run) {
  for (const auto& issue : run.req.head.issues) {
    if (issue.severity != dir::DirIssue::Severity::kError || issue.file.empty()) continue;
    bool dup = issue.message.find("version") != std::string::npos &&
               issue.message.find("two files") != std::string::npos;
    run.findings_by_file[issue.file].push_back(
        {dup ? "SB105" : "SB107", issue.file, dir::FormatIssue(issue)});
  }
}

}  // namespace

Result<std::vector<sql::Statement>> SplitMigration(const dir::Migration& m, dir::DirFormat format,
                                                   sql::Dialect dialect, sql::SplitError* error) {
  sql::SplitOptions opts;
  opts.base = {m.up.offset, m.up.line, m.up.column};
  opts.goose = format == dir::DirFormat::kGoose;
  SB_TRY_ASSIGN(auto split, sql::Split(m.up.text, dialect, opts, error));
  std::vector<sql::Statement> out;
  for (auto& s : split.statements) {
    if (!s.empty) out.push_back(std::move(s));
  }
  return out;
}

Result<report::SummaryReport> Lint(const LintRequest& req) {
  auto started = std::chrono::steady_clock::now();
  Run run{req, {}, {}, 0};
  run.rep.env.dir = req.dir;
  run.rep.env.driver = std::string(sql::DialectName(req.dialect));
  IntegrityStep(run);
  DirIssues(run);

  SB_TRY_ASSIGN(Detected det, req.detector->Detect(req.head));
  for (const auto& f : det.findings) run.findings_by_file[f.file].push_back(f);
  run.rep.steps.push_back({"Detect New Migration Files",
                           "Found " + std::to_string(det.fresh.size()) +
                               " new migration files (from " + std::to_string(det.total) +
                               " total)",
                           "", std::nullopt});
  run.rep.new_files = static_cast<int>(det.fresh.size());
  if (!det.base.empty()) run.rep.from_version = det.base.back().version;
  if (!det.fresh.empty()) run.rep.to_version = det.fresh.back().version;

  const int total = static_cast<int>(det.fresh.size()) + 1;
  Result<void> base = req.replayer->ReplayBase(det.base);
  if (!base) {
    if (base.error().code == ErrorCode::kUnavailable || base.error().code == ErrorCode::kTimeout) {
      return std::move(base).error().Wrap("replaying the base migrations");
    }
    run.rep.steps.push_back({"Replay Migration Files", "Failed loading changes on dev database",
                             base.error().message, std::nullopt});
  }
  if (req.progress) req.progress(1, total);
  bool replay_ok = base.has_value();
  for (size_t i = 0; i < det.fresh.size(); ++i) {
    const dir::Migration& m = det.fresh[i];
    FileReport fr;
    fr.name = m.file;
    fr.text = m.content;
    sql::SplitError split_error;
    auto stmts = SplitMigration(m, req.head.format, req.dialect, &split_error);
    std::vector<sql::Statement> statements =
        stmts ? std::move(*stmts) : std::vector<sql::Statement>{};
    auto file_directives = sql::FileDirectives(m.content);
    NolintRules nolint(file_directives, statements);
    FileFindings findings(req.config, statements, &nolint);
    for (const auto& f : run.findings_by_file[m.file]) findings.ReportAt(f.code, 0, f.text);
    run.findings_by_file.erase(m.file);
    bool in_tx = m.tx == dir::TxMode::kFile;
    if (!stmts) {
      findings.ReportAt("SB107", static_cast<int64_t>(split_error.pos.offset),
                        "File cannot be split into statements: " + split_error.ToString());
    } else if (nolint.SkipFile()) {
      continue;  // Atlas: no FileReport, no step
    } else if (replay_ok) {
      SB_TRY_ASSIGN(ReplayedFile fx, req.replayer->ReplayFile(m, statements, in_tx));
      Pass pass;
      pass.file = &m;
      pass.statements = statements;
      pass.dialect = req.dialect;
      pass.server = req.replayer->Server();
      pass.static_mode = pass.server.major == 0;
      pass.in_transaction = in_tx;
      pass.config = &req.config;
      if (!fx.states.empty()) {
        pass.before = &fx.states.front();
        pass.after = &fx.states.back();
      }
      for (size_t k = 0; k < fx.changes.size() && k + 1 < fx.states.size(); ++k) {
        run.schema_changes += static_cast<int>(fx.changes[k].size());
        pass.changes.push_back({k, fx.changes[k], &fx.states[k], &fx.states[k + 1]});
      }
      pass.ComputeSpans();
      RunAnalyzers(pass, findings, fr);
      if (fx.failure) {
        findings.ReportAt("SB106", static_cast<int64_t>(fx.failure->offset),
                          "Statement failed on the dev database: " + fx.failure->message);
        replay_ok = false;  // later files would run on a state production never has
      }
      if (req.config.report_unused_nolint) {
        for (const auto& u : nolint.UnusedRules()) {
          std::string what = u.rule.empty() ? "-- atlas:nolint" : "-- atlas:nolint " + u.rule;
          Finding f{"SB109", u.stmt, "Directive \"" + what + "\" suppressed nothing", {}};
          f.at_file_start = u.file_level;
          findings.Report(std::move(f));
        }
      }
    } else {
      fr.error = "not replayed: an earlier migration failed on the dev database";
    }
    findings.Into(fr);
    run.rep.steps.push_back({"Analyze " + m.file,
                             std::to_string(fr.reports.size()) + " reports were found in analysis",
                             "", fr});
    run.rep.files.push_back(std::move(fr));
    if (req.progress) req.progress(static_cast<int>(i) + 2, total);
  }
  // Findings about files that are not new (edited or deleted merged files).
  for (auto& [file, list] : run.findings_by_file) {
    FileReport fr;
    fr.name = file;
    if (const auto* m = req.head.Find(file)) fr.text = m->content;
    std::vector<sql::Statement> none;
    FileFindings findings(req.config, none, nullptr);
    for (const auto& f : list) {
      findings.ReportAt(f.code, 0, f.text);
      if (f.code == "SB103") fr.change = "DELETED";
      if (f.code == "SB102") fr.change = "MODIFIED";
    }
    findings.Into(fr);
    if (!fr.reports.empty()) run.rep.files.push_back(std::move(fr));
  }
  run.rep.schema_changes = run.schema_changes;
  run.rep.skipped_checks = req.replayer->SkippedChecks();
  run.rep.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return std::move(run.rep);
}

}  // namespace schemabot::lint
