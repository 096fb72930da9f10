// The composition of `schemabot serve`: config -> store -> queue -> receivers -> workers.
//
// Deliveries become jobs here (JobForEvent), so the receivers stay host-neutral and the
// flows only see jobs. Kinds and keys (keys carry the host, so GitHub and GitLab repos of
// the same name never share one):
//   pull request opened / updated / reopened   lint_pr       "<host>:<repo>#<n>"  supersedes
//   pull request closed / merged               pr_closed     "<host>:<repo>#<n>"
//   push                                       push          "<host>:<repo>@<ref>"
//   comment on a pull request                  chatops       "<host>:<repo>#<n>"
//   merge_group checks_requested               merge_group   "<host>:<repo>@<head ref>"
//   ping                                       ping          "<host>:ping:<repo>"
//   installation                               installation  "<host>:installation#<id>"
// The job payload is the Event as JSON (webhooks::EventFromJson reads it back).
//
// A delivery whose repository is outside the allowlist, or that makes no job, is stored as
// `ignored` and answered 202. A job whose kind has no registered handler (its flow is not
// built yet) is still queued, and the workers park it as failed with "no handler for job
// kind …"; `schemabot jobs retry` runs it once a build has the handler.
//
// Registering a flow: add its handler in RegisterHandlers (routes.cc, one line per kind):
//   handlers.Register("lint_pr", flows::LintPrHandler(deps));
//
// Thread-safety: StoreSink is thread-safe (the HTTP threads call it concurrently).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bot/flows/flows.h"
#include "bot/queue/queue.h"
#include "bot/queue/worker.h"
#include "config/server_config.h"
#include "webhooks/server.h"

namespace schemabot::server {

// The job a delivery makes, or nullopt (nothing to do for this event).
std::optional<queue::NewJob> JobForEvent(const webhooks::Event& event);

// The built-in handlers: `ping` (logged, done), and with `deps` the flows (lint_pr,
// merge_group). `deps` must outlive the handlers.
void RegisterHandlers(queue::Handlers& handlers, const flows::Deps* deps = nullptr);

// DeliverySink on the queue: allowlist, routing, dedupe, one transaction, wake a worker.
class StoreSink : public webhooks::DeliverySink {
 public:
  StoreSink(queue::Queue& queue, const queue::Handlers& handlers, std::vector<std::string> repos,
            queue::Workers* workers);
  Result<webhooks::Accepted> Accept(const webhooks::Event& event) override;

 private:
  queue::Queue& queue_;
  const queue::Handlers& handlers_;
  std::vector<std::string> repos_;
  queue::Workers* workers_;
};

struct ServeFlags {
  std::string log_format;  // overrides log.format when set
};

// Runs the server until SIGTERM or SIGINT, then drains. Returns the exit code (0 after a
// clean drain, 2 when the config, store or listen address is unusable).
int Serve(const config::ServerConfig& config, const ServeFlags& flags);

}  // namespace schemabot::server
