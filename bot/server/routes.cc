// Event -> job, and the sink that stores both.
#include "base/log.h"
#include "bot/server/server.h"

namespace schemabot::server {

using webhooks::Event;
using webhooks::EventKind;
using webhooks::PrAction;

std::optional<queue::NewJob> JobForEvent(const Event& e) {
  std::string host(webhooks::HostName(e.host));
  std::string pr_key = host + ":" + e.repo + "#" + std::to_string(e.pr_number);
  queue::NewJob job;
  job.payload = webhooks::EventToJson(e);
  switch (e.kind) {
    case EventKind::kPullRequest:
      if (e.pr_action == PrAction::kOpened || e.pr_action == PrAction::kUpdated ||
          e.pr_action == PrAction::kReopened) {
        job.kind = "lint_pr";
        job.supersede = true;
      } else if (e.pr_action == PrAction::kClosed || e.pr_action == PrAction::kMerged) {
        job.kind = "pr_closed";
      } else {
        return std::nullopt;
      }
      job.key = pr_key;
      return job;
    case EventKind::kPush: {
      std::string ref = e.ref.starts_with("refs/heads/") ? e.ref.substr(11) : e.ref;
      job.kind = "push";
      job.key = host + ":" + e.repo + "@" + ref;
      return job;
    }
    case EventKind::kComment:
      job.kind = "chatops";
      job.key = pr_key;
      return job;
    case EventKind::kMergeGroup:
      job.kind = "merge_group";
      job.key = host + ":" + e.repo + "@" + e.head_ref;
      return job;
    case EventKind::kPing:
      job.kind = "ping";
      job.key = host + ":ping:" + e.repo;
      return job;
    case EventKind::kInstallation:
      job.kind = "installation";
      job.key = host + ":installation#" + std::to_string(e.installation_id);
      return job;
    case EventKind::kOther:
      return std::nullopt;
  }
  return std::nullopt;
}

void RegisterHandlers(queue::Handlers& handlers, const flows::Deps* deps) {
  handlers.Register("ping", [](const queue::Job& job, const queue::JobContext&) {
    auto ev = webhooks::EventFromJson(job.payload);
    log::Info("ping", {{"job", std::to_string(job.id)},
                       {"delivery", job.delivery},
                       {"repo", ev ? ev->repo : ""},
                       {"sender", ev ? ev->sender : ""}});
    return queue::JobResult::Done();
  });
  if (!deps) return;
  // Flows, one line each.
  handlers.Register("lint_pr", flows::LintPrHandler(*deps));
  handlers.Register("merge_group", flows::MergeGroupHandler(*deps));
}

StoreSink::StoreSink(queue::Queue& queue, const queue::Handlers& handlers,
                     std::vector<std::string> repos, queue::Workers* workers)
    : queue_(queue), handlers_(handlers), repos_(std::move(repos)), workers_(workers) {}

Result<webhooks::Accepted> StoreSink::Accept(const Event& e) {
  queue::DeliveryRecord d;
  d.host = std::string(webhooks::HostName(e.host));
  d.id = d.host + ":" + e.delivery;
  d.event = e.name;
  d.action = e.action;
  d.repo = e.repo;
  std::optional<queue::NewJob> job = JobForEvent(e);
  if (!e.repo.empty() && !config::RepoAllowed(repos_, e.repo)) {
    d.reason = "repository \"" + e.repo + "\" not in the allowlist";
    job.reset();
  } else if (!job) {
    d.reason = e.ignored_reason.empty() ? "no job for this event" : e.ignored_reason;
  }
  SB_TRY_ASSIGN(queue::DeliveryResult r, queue_.AcceptDelivery(d, job));
  webhooks::Accepted out;
  out.job_id = r.job_id;
  if (r.duplicate) {
    out.outcome = webhooks::Outcome::kDuplicate;
  } else if (!job) {
    out.outcome = webhooks::Outcome::kIgnored;
    out.reason = d.reason;
  } else {
    out.outcome = webhooks::Outcome::kQueued;
    if (workers_) workers_->Wake();
  }
  return out;
}

}  // namespace schemabot::server
