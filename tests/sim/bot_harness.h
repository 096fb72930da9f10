// BotHarness: the bot assembled as `schemabot serve` assembles it — SQLite state store,
// queue, workers running the registered flows, webhook receivers on 127.0.0.1 — talking to
// a ForgeSim through the real GitHub / GitLab clients, with git fetched over smart HTTP and
// lint replayed on a real dev-database pool. For scenario tests and bench/pr_flow.
//
//   auto sim = ForgeSim::Start();
//   auto bot = BotHarness::Start(**sim, {.pg_admin_url = getenv("SCHEMABOT_TEST_PG_URL")});
//   (*bot)->SendGitHub("pull_request", "d-1", GitHubPullRequestPayload(**sim, "acme/app", 1,
//   "opened"));
//   (*bot)->WaitIdle(std::chrono::seconds(60));
//   sim->Comments("acme/app", 1) ...
//
// Thread-safety: one test thread drives a harness.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bot/flows/flows.h"
#include "bot/forge/forge.h"
#include "bot/queue/queue.h"
#include "tests/sim/forge_sim.h"

namespace schemabot::sim {

struct BotOptions {
  std::string pg_admin_url;     // "" = no PostgreSQL pool (static lint)
  std::string mysql_admin_url;  // "" = no MariaDB pool
  bool github_app = false;      // GitHub forge in App mode (sim options must carry the app)
  std::string app_private_key_pem;
  int workers = 2;
  flows::Options flow;
  std::chrono::milliseconds http_timeout{3000};  // forge client timeout
};

class BotHarness {
 public:
  static Result<std::unique_ptr<BotHarness>> Start(ForgeSim& sim, BotOptions options);
  ~BotHarness();

  int port() const;
  static constexpr const char* kSecret = "harness-webhook-secret";

  // Signed deliveries over HTTP; return the HTTP status (0: no answer).
  int SendGitHub(const std::string& event, const std::string& delivery, const std::string& body);
  int SendGitLab(const std::string& event, const std::string& uuid, const std::string& body);

  // Waits until no job is queued or running (jobs waiting for a retry count as queued).
  // False on timeout.
  bool WaitIdle(std::chrono::milliseconds timeout);
  std::vector<queue::Job> Jobs();

  // Step times of every lint_pr run that posted, in order.
  std::vector<flows::Timings> timings() const;

 private:
  BotHarness() = default;
  struct Parts;
  std::unique_ptr<Parts> parts_;
  mutable std::mutex mu_;
  std::vector<flows::Timings> timings_;
};

// The real fixture ../shared/fixtures/github/pull_request.<action>.json adjusted to pull
// request `number` of `repo` in the simulator (repository names, clone URL, number, head
// and base refs and shas), as GitHub would send it now.
std::string GitHubPullRequestPayload(const ForgeSim& sim, const std::string& repo, int64_t number,
                                     const std::string& action);
// ../shared/fixtures/gitlab/merge_request.open.go-playground.json (action "open") or
// merge_request.update-with-oldrev.go-gitlab.json ("update") adjusted the same way.
std::string GitLabMergeRequestPayload(const ForgeSim& sim, const std::string& repo, int64_t iid,
                                      const std::string& action, const std::string& oldrev = "");
// A GitHub merge_group checks_requested payload (GitHub's documented shape) for the queue
// branch `head_ref` at `head_sha` on top of `base_ref` at `base_sha`.
std::string GitHubMergeGroupPayload(const ForgeSim& sim, const std::string& repo,
                                    const std::string& head_ref, const std::string& head_sha,
                                    const std::string& base_ref, const std::string& base_sha);

}  // namespace schemabot::sim
