// The HTTP front of `schemabot serve`: webhook receivers, health, metrics, and extra
// routes other modules register (the registry API, hook lint requests).
//
//   class MySink : public DeliverySink { … };          // bot/ stores delivery + job
//   ServerOptions opt;  opt.port = 0;  opt.secrets.github = {"s3cret"};
//   SB_TRY_ASSIGN(auto server, Server::Start(opt, sink));
//   int port = server->port();
//   …
//   server->Stop();
//
// Routes:
//   POST /webhooks/github   X-Hub-Signature-256 (HMAC-SHA256 of the raw body), X-GitHub-Event,
//                           X-GitHub-Delivery (dedupe key)
//   POST /webhooks/gitlab   X-Gitlab-Token (shared secret), X-Gitlab-Event, dedupe key
//                           Idempotency-Key, else X-Gitlab-Event-UUID
//   POST /webhooks/git      X-Schemabot-Signature-256, X-Schemabot-Event, X-Schemabot-Delivery
//                           (from `schemabot hook post-receive`; docs/webhooks.md)
//   GET  /healthz           200 "ok" while the process serves
//   GET  /readyz            200 when ServerOptions::ready returns Ok, else 503 + reason
//   GET  /metrics           Prometheus text (base/metrics.h)
// A receiver with no secrets is disabled (404). Answers: 200 queued or duplicate (JSON
// {"delivery","outcome","job"}), 202 ignored, 400 malformed, 401 bad or missing
// signature, 413 body over the limit, 415 not application/json, 503 store failure.
// The 200 is sent only after DeliverySink::Accept returned, i.e. after the delivery and
// its job are committed. Each delivery is logged once (base/log.h) with its id, never a
// secret, and counted in schemabot_deliveries_total{host,event,outcome}.
//
// Thread-safety: Start/Stop from one thread. Handlers run on the server's thread pool, so
// the sink, `ready` and route handlers must be thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "webhooks/event.h"

namespace schemabot::webhooks {

enum class Outcome { kQueued, kDuplicate, kIgnored };
std::string_view OutcomeName(Outcome outcome);

struct Accepted {
  Outcome outcome = Outcome::kQueued;
  int64_t job_id = 0;  // 0 when no job was made
  std::string reason;  // why ignored (repo not allowed, no job for this event …)
};

// Where verified, parsed deliveries go. Implemented by the bot on its store.
class DeliverySink {
 public:
  virtual ~DeliverySink() = default;
  // Records the delivery and the job it makes (if any) durably, in one transaction, before
  // returning. A delivery id seen before returns kDuplicate and changes nothing. Errors
  // (kUnavailable: store down) are answered 503 so the host may retry.
  virtual Result<Accepted> Accept(const Event& event) = 0;
};

struct ReceiverSecrets {
  std::vector<std::string> github, gitlab, git;  // empty = receiver disabled
};

// One request as the receivers see it (header names lowercase).
struct HttpRequest {
  std::string method, path;
  std::map<std::string, std::string> headers;
  std::map<std::string, std::string> params;  // query parameters
  std::string body;
  std::string Header(const std::string& lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// An extra route: exact `method`, and `path` equal to `prefix` or under `prefix/`.
struct Route {
  std::string method;
  std::string prefix;
  std::function<HttpResponse(const HttpRequest&)> handler;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                       // 0 = any free port
  size_t max_body_bytes = 25u << 20;  // 413 above
  std::chrono::milliseconds read_timeout{10'000};
  int threads = 8;  // request handler threads
  ReceiverSecrets secrets;
  std::function<Result<void>()> ready;  // /readyz; null = always ready
  std::vector<Route> routes;
};

// Handles one webhook delivery for `host` without HTTP (the server's core; also used by
// tests and the fuzzer).
HttpResponse Receive(Host host, const HttpRequest& request, const ReceiverSecrets& secrets,
                     DeliverySink& sink);

class Server {
 public:
  // Binds host:port and serves on background threads. Errors: kUnavailable when the
  // address cannot be bound.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options, DeliverySink& sink);
  virtual ~Server() = default;
  virtual int port() const = 0;
  // Stops accepting and waits for requests in flight. Idempotent.
  virtual void Stop() = 0;
};

}  // namespace schemabot::webhooks
