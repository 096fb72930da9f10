// Serve(): wiring and lifecycle. SIGTERM/SIGINT -> stop receiving, drain workers, exit.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <random>

#include "base/log.h"
#include "base/metrics.h"
#include "bot/server/server.h"
#include "bot/store/store.h"

namespace schemabot::server {
namespace {

void DescribeMetrics() {
  using metrics::Type;
  metrics::Describe("schemabot_deliveries_total", Type::kCounter,
                    "Webhook deliveries by host, event and outcome.");
  metrics::Describe("schemabot_delivery_seconds", Type::kHistogram,
                    "Time from request to answer (verify, parse, store).");
  metrics::Describe("schemabot_jobs_total", Type::kCounter, "Job attempts by kind and outcome.");
  metrics::Describe("schemabot_job_duration_seconds", Type::kHistogram,
                    "Job handler run time by kind.");
  metrics::Describe("schemabot_job_retries_total", Type::kCounter,
                    "Attempts that will be retried, by kind.");
  metrics::Describe("schemabot_lease_expiries_total", Type::kCounter,
                    "Jobs whose worker stopped holding the lease (crash, restart).");
  metrics::Describe("schemabot_queue_depth", Type::kGauge,
                    "Jobs by state (queued, running, failed).");
  metrics::Describe("schemabot_queue_oldest_seconds", Type::kGauge,
                    "Age of the oldest queued job.");
  metrics::Describe("schemabot_devdb_pool_leases_total", Type::kCounter,
                    "Dev-database leases (engine/devdb).");
  metrics::Describe("schemabot_devdb_pool_wait_seconds", Type::kHistogram,
                    "Time waiting for a dev-database lease (engine/devdb).");
  metrics::Describe("schemabot_devdb_snapshot_hits_total", Type::kCounter,
                    "Replays served from a snapshot (engine/devdb).");
}

log::Level ParseLevel(const std::string& s) {
  if (s == "debug") return log::Level::kDebug;
  if (s == "warn") return log::Level::kWarn;
  if (s == "error") return log::Level::kError;
  return log::Level::kInfo;
}

std::string OwnerId() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  std::random_device rd;
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + std::to_string(rd() % 100000);
}

}  // namespace

int Serve(const config::ServerConfig& cfg, const ServeFlags& flags) {
  std::string format = flags.log_format.empty() ? cfg.log_format : flags.log_format;
  log::Configure(format == "json" ? log::Format::kJson : log::Format::kText,
                 ParseLevel(cfg.log_level));
  DescribeMetrics();

  // Block the stop signals before any thread starts, so only sigwait below sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  store::StoreOptions sopt;
  sopt.pool_size = cfg.workers + 8;  // HTTP threads wait for a connection beyond that
  sopt.exclusive = true;
  auto st = store::OpenStore(cfg.state, sopt);
  if (!st) {
    log::Error("opening state store",
               {{"state", config::RedactUrl(cfg.state)}, {"error", st.error().message}});
    return 2;
  }
  std::unique_ptr<store::Store> store = std::move(*st);

  queue::QueueOptions qopt;
  qopt.lease = cfg.lease;
  qopt.max_attempts = cfg.max_attempts;
  qopt.backoff_base = cfg.backoff_base;
  qopt.backoff_max = cfg.backoff_max;
  queue::Queue queue(*store, qopt);
  auto resources = flows::Resources::Build(cfg);
  if (!resources) {
    log::Error("setting up forges and caches", {{"error", resources.error().message}});
    return 2;
  }
  queue::Handlers handlers;
  RegisterHandlers(handlers, &(*resources)->deps());

  queue::WorkerOptions wopt;
  wopt.workers = cfg.workers;
  wopt.owner = OwnerId();
  wopt.poll_interval = cfg.poll_interval;
  wopt.recover_all_on_start = !store->shared();  // SQLite: we hold the lock, so no one else runs
  queue::Workers workers(queue, handlers, wopt);
  StoreSink sink(queue, handlers, cfg.repos, &workers);

  webhooks::ServerOptions hopt;
  hopt.host = cfg.listen_host;
  hopt.port = cfg.listen_port;
  hopt.max_body_bytes = static_cast<size_t>(cfg.max_body_bytes);
  hopt.read_timeout = cfg.read_timeout;
  hopt.threads = cfg.http_threads;
  if (cfg.github.enabled) hopt.secrets.github = cfg.github.webhook_secrets;
  if (cfg.gitlab.enabled) hopt.secrets.gitlab = cfg.gitlab.webhook_secrets;
  if (cfg.git.enabled) hopt.secrets.git = cfg.git.webhook_secrets;
  store::Store* store_ptr = store.get();
  hopt.ready = [store_ptr] { return store_ptr->Ping(); };

  workers.Start();
  auto http = webhooks::Server::Start(hopt, sink);
  if (!http) {
    log::Error("starting HTTP server", {{"error", http.error().message}});
    workers.Drain(std::chrono::milliseconds(0));
    return 2;
  }
  std::string receivers;
  for (auto [name, on] : {std::pair{"github", cfg.github.enabled},
                          {"gitlab", cfg.gitlab.enabled},
                          {"git", cfg.git.enabled}}) {
    if (on) receivers += receivers.empty() ? name : std::string(",") + name;
  }
  log::Info("listening", {{"host", cfg.listen_host},
                          {"port", std::to_string((*http)->port())},
                          {"state", config::RedactUrl(cfg.state)},
                          {"workers", std::to_string(cfg.workers)},
                          {"receivers", receivers},
                          {"worker_id", wopt.owner}});

  int sig = 0;
  sigwait(&stop, &sig);
  log::Info("draining", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"},
                         {"grace_ms", std::to_string(cfg.drain_grace.count())}});
  (*http)->Stop();
  workers.Drain(cfg.drain_grace);
  if (workers.running() > 0) {
    // Handlers that outlived the grace period: their jobs are released already; do not
    // tear the store down under them.
    log::Warn("stopped", {{"abandoned_handlers", std::to_string(workers.running())}});
    std::_Exit(0);
  }
  log::Info("stopped", {});
  return 0;
}

}  // namespace schemabot::server
