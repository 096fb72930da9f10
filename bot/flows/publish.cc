// What the flows post: findings at lines, inline comment bodies, summaries, the verdict.
#include <algorithm>

#include "base/crypto.h"
#include "bot/flows/internal.h"

namespace schemabot::flows::internal {
namespace {

std::string Plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string CodeRef(const std::string& code, const Options& options) {
  if (code.empty()) return "";
  if (options.docs_url.empty()) return "**" + code + "**";
  return "[**" + code + "**](" + options.docs_url + "#" + code + ")";
}

// The summary the renderer writes starts with the marker; UpsertMarkedComment adds its own.
std::string WithoutMarker(std::string body, const std::string& dir) {
  std::string marker = forge::SummaryMarker(dir) + "\n";
  if (body.starts_with(marker)) body.erase(0, marker.size());
  return body;
}

}  // namespace

std::vector<Finding> FindingsOf(const DirResult& result) {
  std::vector<Finding> out;
  if (!result.problem.empty()) return out;
  std::string prefix =
      result.dir->path.empty() || result.dir->path == "." ? "" : result.dir->path + "/";
  for (const auto& f : result.report.files) {
    for (const auto& r : f.reports) {
      for (const auto& d : r.diagnostics) {
        Finding x;
        x.path = prefix + f.name;
        x.line = report::PositionOf(f.text, d.pos).line;
        x.error = r.error;
        x.code = d.code;
        x.text = d.text;
        if (!d.suggested_fixes.empty()) x.fix = d.suggested_fixes.front().message;
        out.push_back(std::move(x));
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.path, a.line) < std::tie(b.path, b.line);
  });
  return out;
}

std::string Fingerprint(const Finding& f) {
  std::string key = f.path + "\n" + std::to_string(f.line) + "\n" + f.code + "\n" + f.text;
  return "<!-- schemabot:finding " + HexEncode(Sha256(key)).substr(0, 16) + " -->";
}

std::string InlineBody(const Finding& f, const Options& options) {
  std::string out = std::string(f.error ? "❌" : "⚠️") + " " + CodeRef(f.code, options) +
                    (f.code.empty() ? "" : ": ") + f.text + "\n";
  if (!f.fix.empty()) out += "\n💡 " + f.fix + "\n";
  out += "\n" + Fingerprint(f);
  return out;
}

std::string SummaryBody(const DirResult& result, const Options& options,
                        const std::string& head_sha, int not_inline) {
  if (!result.problem.empty()) {
    return ProblemBody("`" + result.dir->path + "`", result.problem, head_sha);
  }
  report::RenderOptions ro;
  ro.docs_base = options.docs_url;
  ro.dir = result.dir->path;
  ro.head_sha = head_sha;
  std::string body = WithoutMarker(report::RenderMarkdown(result.report, ro), result.dir->path);
  if (not_inline > 0) {
    std::string note = "\n> " +
                       Plural(not_inline, "more finding on changed lines is",
                              "more findings on changed lines are") +
                       " listed here but not posted inline (at most " +
                       std::to_string(options.max_inline) + " inline comments per run).\n";
    size_t footer = body.rfind("\n<sub>schemabot");
    body.insert(footer == std::string::npos ? body.size() : footer, note);
  }
  return body;
}

std::string ProblemBody(const std::string& what, const std::string& problem,
                        const std::string& head_sha) {
  std::string out = "### schemabot lint: " + what + " — ❌ could not lint\n\n";
  out += "```\n" + problem + "\n```\n";
  out += "\n<sub>schemabot";
  if (!head_sha.empty()) out += " · " + head_sha.substr(0, 12);
  out += "</sub>\n";
  return out;
}

Verdict VerdictOf(const std::vector<DirResult>& results) {
  Verdict v;
  int errors = 0, warnings = 0, problems = 0;
  std::string dirs;
  for (const auto& r : results) {
    errors += r.counts.errors;
    warnings += r.counts.warnings;
    problems += r.problem.empty() ? 0 : 1;
    dirs += (dirs.empty() ? "" : ", ") + r.dir->path;
  }
  v.failed = errors > 0 || problems > 0;
  if (results.empty()) {
    v.description = "no migration changes";
  } else if (problems > 0) {
    v.description = "could not lint " + Plural(problems, "directory", "directories");
  } else if (errors == 0 && warnings == 0) {
    v.description = "no findings";
  } else {
    v.description =
        Plural(errors, "error", "errors") + ", " + Plural(warnings, "warning", "warnings");
  }
  if (!dirs.empty()) v.description += " in " + dirs;
  if (v.description.size() > 140) v.description = v.description.substr(0, 137) + "...";
  return v;
}

Result<void> PublishVerdict(forge::Forge& forge, const std::string& repo, const std::string& sha,
                            const std::string& ref, const std::vector<DirResult>& results,
                            const Options& options) {
  Verdict v = VerdictOf(results);
  if (!forge.capabilities().check_runs) {
    forge::CommitStatus st;
    st.context = options.status_context;
    st.state = v.failed ? forge::CommitState::kFailure : forge::CommitState::kSuccess;
    st.description = v.description;
    st.ref = ref;
    return forge.SetCommitStatus(repo, sha, st);
  }
  forge::CheckRun run;
  run.name = options.status_context;
  run.head_sha = sha;
  run.status = forge::CheckStatus::kCompleted;
  run.conclusion = v.failed ? forge::CheckConclusion::kFailure : forge::CheckConclusion::kSuccess;
  run.title = v.description;
  for (const auto& r : results) {
    std::string line = r.problem.empty() ? Plural(r.counts.errors, "error", "errors") + ", " +
                                               Plural(r.counts.warnings, "warning", "warnings")
                                         : "could not lint: " + r.problem;
    run.summary += "- `" + r.dir->path + "`: " + line + "\n";
    for (const Finding& f : FindingsOf(r)) {
      forge::Annotation a;
      a.path = f.path;
      a.start_line = a.end_line = f.line;
      a.level = f.error ? forge::AnnotationLevel::kFailure : forge::AnnotationLevel::kWarning;
      a.message = f.text + (f.fix.empty() ? "" : "\n" + f.fix);
      a.title = f.code;
      run.annotations.push_back(std::move(a));
    }
  }
  if (run.summary.size() > 60000) run.summary = run.summary.substr(0, 60000) + "\n…\n";
  SB_TRY(forge.CreateCheckRun(repo, run));
  return {};
}

}  // namespace schemabot::flows::internal
