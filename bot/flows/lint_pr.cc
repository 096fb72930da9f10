// lint_pr: lint the migration directories a pull request changes and report on it.
// The steps are listed in flows.h.
#include <future>
#include <map>
#include <set>

#include "base/log.h"
#include "bot/flows/internal.h"

namespace schemabot::flows {
namespace {

using internal::DirResult;
using internal::Finding;
using internal::ResultOf;
using queue::JobResult;

constexpr const char* kConfigMarker = "<!-- schemabot:config -->";

class LintPr {
 public:
  LintPr(const Deps& deps, const queue::Job& job) : deps_(deps), job_(job) {}

  JobResult Run() {
    auto start = std::chrono::steady_clock::now();
    JobResult r = Steps();
    timings_.total_ms = internal::MsSince(start);
    // Forge calls on the critical path: the fetch overlaps the first ones.
    timings_.forge_ms = std::max(
        0.0, timings_.total_ms - fetch_wait_ms_ - timings_.replay_ms - timings_.analyze_ms);
    log::Info("lint_pr", {{"job", std::to_string(job_.id)},
                          {"key", job_.key},
                          {"outcome", outcome_},
                          {"head", head_.substr(0, 12)},
                          {"fetch_ms", std::to_string(static_cast<int>(timings_.fetch_ms))},
                          {"replay_ms", std::to_string(static_cast<int>(timings_.replay_ms))},
                          {"analyze_ms", std::to_string(static_cast<int>(timings_.analyze_ms))},
                          {"forge_ms", std::to_string(static_cast<int>(timings_.forge_ms))}});
    if (deps_.on_timings && outcome_ == "posted") deps_.on_timings(timings_);
    return r;
  }

 private:
  JobResult Done(std::string outcome) {
    outcome_ = std::move(outcome);
    return JobResult::Done();
  }

  JobResult Steps() {
    auto ev = webhooks::EventFromJson(job_.payload);
    if (!ev) return JobResult::Fail("job payload: " + ev.error().message);
    forge_ = internal::ForgeFor(deps_, ev->host);
    if (!forge_) {
      return JobResult::Fail("no forge configured for host \"" +
                             std::string(webhooks::HostName(ev->host)) + "\"");
    }
    repo_ = ev->repo;
    number_ = ev->pr_number;
    url_ = ev->clone_url;

    if (ev->draft) return Done("draft");

    // 1. One changed-files call decides whether there is anything to do.
    auto files = forge_->ListChangedFiles(repo_, number_);
    if (!files) return ResultOf(files.error(), "listing changed files");
    std::vector<std::string> paths;
    for (const auto& f : *files) {
      for (const std::string* p : {&f.path, &f.previous_path}) {
        if (!p->empty() && internal::IsMigrationPath(*p)) paths.push_back(*p);
      }
      patches_[f.path] = forge::AddedLines(f.patch);
    }
    if (paths.empty()) return Done("no migrations");
    if (url_.empty()) return JobResult::Fail("event has no clone URL");

    // 2 and 3 side by side: the pull request as it is now, and head + base into the mirror.
    std::string pull_ref = forge_->name() == "gitlab"
                               ? "refs/merge-requests/" + std::to_string(number_) + "/head"
                               : "refs/pull/" + std::to_string(number_) + "/head";
    auto fetch = [this, pull_ref](std::string base_ref) {
      auto t0 = std::chrono::steady_clock::now();
      auto r = internal::Fetch(deps_, *forge_, repo_, url_, {pull_ref, std::move(base_ref)});
      timings_.fetch_ms = internal::MsSince(t0);
      return r;
    };
    std::future<Result<std::vector<std::string>>> fetched;
    if (!ev->base_ref.empty()) fetched = std::async(std::launch::async, fetch, ev->base_ref);
    auto pr = forge_->GetPullRequest(repo_, number_);
    auto wait_start = std::chrono::steady_clock::now();
    auto shas = fetched.valid()
                    ? fetched.get()
                    : Result<std::vector<std::string>>(NotFound("no base branch in the event"));
    if (pr && (!shas || pr->base_ref != ev->base_ref)) {
      shas = fetch(pr->base_ref);  // the event had no base, or the PR was retargeted meanwhile
    }
    fetch_wait_ms_ = internal::MsSince(wait_start);
    if (!pr) return ResultOf(pr.error(), "reading the pull request");
    if (pr->state != "open") return Done("closed");
    if (pr->draft) return Done("draft");
    if (!shas) return ResultOf(shas.error(), "fetching " + pull_ref);
    head_ = (*shas)[0];
    std::string base_tip = (*shas)[1];
    auto rules = internal::ReadRepoRules(*deps_.mirrors, url_, base_tip, deps_.options);
    if (!rules) return ResultOf(rules.error(), "reading .schemabot.yaml");
    if (!rules->problem.empty()) return ReportConfigProblem(rules->problem);
    if (!rules->config.enabled) return Done("disabled by .schemabot.yaml");
    auto dirs = internal::TouchedDirs(rules->config, paths);
    if (dirs.empty()) return Done("no configured directory");

    // 4. Lint each directory against the merge base (the pending status goes out meanwhile).
    std::future<Result<void>> pending_sent;
    if (!forge_->capabilities().check_runs) {
      forge::CommitStatus pending;
      pending.context = deps_.options.status_context;
      pending.state = forge::CommitState::kPending;
      pending.description = "linting " + std::to_string(dirs.size()) +
                            (dirs.size() == 1 ? " directory" : " directories");
      pending.ref = forge_->name() == "gitlab" ? pr->head_ref : "";
      pending_sent = std::async(std::launch::async, [this, pending] {
        return forge_->SetCommitStatus(repo_, head_, pending);
      });
    }
    auto merge_base = deps_.mirrors->MergeBase(url_, head_, base_tip);
    if (!merge_base) return ResultOf(merge_base.error(), "finding the merge base");
    std::vector<DirResult> results;
    for (const config::DirConfig* d : dirs) {
      auto r = internal::LintDir(deps_, url_, *d, *merge_base, head_, timings_);
      if (!r) return ResultOf(r.error(), "linting " + d->path);
      results.push_back(std::move(*r));
    }

    if (pending_sent.valid()) {
      if (auto s = pending_sent.get(); !s) return ResultOf(s.error(), "setting the pending status");
    }

    // 5. Never post a result for a head the PR has left (the inline comments already on the
    // PR are listed meanwhile).
    auto listed = std::async(std::launch::async,
                             [this] { return forge_->ListReviewComments(repo_, number_); });
    auto now = forge_->GetPullRequest(repo_, number_);
    if (!now) return ResultOf(now.error(), "re-reading the pull request");
    if (now->head_sha != head_ || now->state != "open") return Done("superseded");
    auto existing = listed.get();
    if (!existing) return ResultOf(existing.error(), "listing review comments");

    // 6. Report.
    if (auto r = Publish(results, pr->head_ref, *existing); !r) {
      return ResultOf(r.error(), "posting");
    }
    return Done("posted");
  }

  Result<void> Publish(const std::vector<DirResult>& results, const std::string& head_ref,
                       const std::vector<forge::ReviewComment>& existing) {
    std::set<std::string> posted;
    for (const auto& c : existing) {
      size_t at = c.body.find("<!-- schemabot:finding ");
      if (at != std::string::npos)
        posted.insert(c.body.substr(at, c.body.find("-->", at) + 3 - at));
    }
    int budget = deps_.options.max_inline;
    std::vector<std::vector<Finding>> inline_per_dir;
    for (const auto& r : results) {
      std::vector<Finding> send;
      int left_out = 0;
      for (Finding& f : internal::FindingsOf(r)) {
        auto lines = patches_.find(f.path);
        if (lines == patches_.end() || !lines->second.contains(f.line)) continue;
        if (!posted.insert(internal::Fingerprint(f)).second) continue;
        if (budget > 0) {
          --budget;
          send.push_back(std::move(f));
        } else {
          ++left_out;
        }
      }
      std::string body = internal::SummaryBody(r, deps_.options, head_, left_out);
      SB_TRY(forge::UpsertMarkedComment(*forge_, repo_, number_, forge::SummaryMarker(r.dir->path),
                                        body));
      inline_per_dir.push_back(std::move(send));
    }
    for (const auto& send : inline_per_dir) {
      for (const Finding& f : send) {
        forge::NewReviewComment c;
        c.path = f.path;
        c.line = f.line;
        c.body = internal::InlineBody(f, deps_.options);
        c.commit_sha = head_;
        auto made = forge_->CreateReviewComment(repo_, number_, c);
        if (!made && made.error().code != ErrorCode::kConflict) return std::move(made).error();
      }
    }
    return internal::PublishVerdict(
        *forge_, repo_, head_, forge_->name() == "gitlab" ? head_ref : "", results, deps_.options);
  }

  JobResult ReportConfigProblem(const std::string& problem) {
    std::string body = internal::ProblemBody("`.schemabot.yaml`", problem, head_);
    if (auto c = forge::UpsertMarkedComment(*forge_, repo_, number_, kConfigMarker, body); !c) {
      return ResultOf(c.error(), "posting the config problem");
    }
    forge::CommitStatus st;
    st.context = deps_.options.status_context;
    st.state = forge::CommitState::kFailure;
    st.description = "broken .schemabot.yaml on the base branch";
    if (auto s = forge_->SetCommitStatus(repo_, head_, st); !s) {
      return ResultOf(s.error(), "setting the status");
    }
    return Done("config problem");
  }

  const Deps& deps_;
  const queue::Job& job_;
  forge::Forge* forge_ = nullptr;
  std::string repo_, url_, head_;
  int64_t number_ = 0;
  std::map<std::string, std::set<int>> patches_;  // path -> lines the PR added
  Timings timings_;
  double fetch_wait_ms_ = 0;  // time the flow waited for the fetch
  std::string outcome_ = "error";
};

}  // namespace

queue::JobHandler LintPrHandler(const Deps& deps) {
  return
      [&deps](const queue::Job& job, const queue::JobContext&) { return LintPr(deps, job).Run(); };
}

}  // namespace schemabot::flows
