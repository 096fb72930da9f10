// merge_group: the lint check on a GitHub merge queue commit, reported on that commit only.
#include "base/log.h"
#include "bot/flows/internal.h"

namespace schemabot::flows {
namespace {

using internal::ResultOf;
using queue::JobResult;

const config::DirConfig kConfigFile{.path = ".schemabot.yaml"};

JobResult RunMergeGroup(const Deps& deps, const queue::Job& job) {
  auto ev = webhooks::EventFromJson(job.payload);
  if (!ev) return JobResult::Fail("job payload: " + ev.error().message);
  forge::Forge* forge = internal::ForgeFor(deps, ev->host);
  if (!forge) return JobResult::Fail("no forge configured for the merge group's host");
  if (ev->clone_url.empty() || ev->head_sha.empty() || ev->base_ref.empty()) {
    return JobResult::Fail("merge_group event lacks clone URL, head sha or base ref");
  }
  std::string head_ref =
      ev->head_ref.starts_with("refs/") ? ev->head_ref : "refs/heads/" + ev->head_ref;
  Timings timings;
  // The check is asked for the event's sha; the queue ref brings it (a sha want is skipped
  // once present). A queue ref that is gone means the group left the queue: done.
  auto shas =
      internal::Fetch(deps, *forge, ev->repo, ev->clone_url,
                      {head_ref, ev->base_sha.empty() ? ev->base_ref : ev->base_sha, ev->head_sha});
  if (!shas) return ResultOf(shas.error(), "fetching the merge group");
  std::string head = ev->head_sha, base = (*shas)[1];

  std::vector<internal::DirResult> results;
  auto changed = deps.mirrors->ChangedFiles(ev->clone_url, base, head, "");
  if (!changed) return ResultOf(changed.error(), "listing the merge group's changes");
  std::vector<std::string> paths;
  for (const auto& c : *changed) {
    for (const std::string* p : {&c.path, &c.old_path}) {
      if (!p->empty() && internal::IsMigrationPath(*p)) paths.push_back(*p);
    }
  }
  internal::RepoRules rules;  // the results point into rules.config
  if (!paths.empty()) {
    auto read = internal::ReadRepoRules(*deps.mirrors, ev->clone_url, base, deps.options);
    if (!read) return ResultOf(read.error(), "reading .schemabot.yaml");
    rules = std::move(*read);
    if (!rules.problem.empty()) {
      results.push_back({&kConfigFile, {}, rules.problem, {}});
    } else if (rules.config.enabled) {
      for (const config::DirConfig* d : internal::TouchedDirs(rules.config, paths)) {
        auto r = internal::LintDir(deps, ev->clone_url, *d, base, head, timings);
        if (!r) return ResultOf(r.error(), "linting " + d->path);
        results.push_back(std::move(*r));
      }
    }
  }
  // Always report: a required check that never arrives would stall the queue.
  if (auto s = internal::PublishVerdict(*forge, ev->repo, head, "", results, deps.options); !s) {
    return ResultOf(s.error(), "reporting the merge group check");
  }
  log::Info("merge_group", {{"job", std::to_string(job.id)},
                            {"head", head.substr(0, 12)},
                            {"dirs", std::to_string(results.size())}});
  return JobResult::Done();
}

}  // namespace

queue::JobHandler MergeGroupHandler(const Deps& deps) {
  return
      [&deps](const queue::Job& job, const queue::JobContext&) { return RunMergeGroup(deps, job); };
}

}  // namespace schemabot::flows
