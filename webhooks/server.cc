// The HTTP server. cpp-httplib appears here and in notify.cc (the hook's client) only.
#include "webhooks/server.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "base/log.h"
#include "base/metrics.h"

namespace schemabot::webhooks {
namespace {

HttpRequest Convert(const httplib::Request& r) {
  HttpRequest out;
  out.method = r.method;
  out.path = r.path;
  for (const auto& [k, v] : r.headers) {
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers.emplace(std::move(lower), v);
  }
  for (const auto& [k, v] : r.params) out.params.emplace(k, v);
  out.body = r.body;
  return out;
}

void Send(const HttpResponse& from, httplib::Response& to) {
  to.status = from.status;
  to.set_content(from.body, from.content_type.c_str());
}

class HttpServer : public Server {
 public:
  HttpServer(ServerOptions options, DeliverySink& sink)
      : options_(std::move(options)), sink_(sink) {}
  ~HttpServer() override { Stop(); }

  Result<void> Bind() {
    int threads = std::max(1, options_.threads);
    svr_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    svr_.set_payload_max_length(options_.max_body_bytes);
    svr_.set_read_timeout(options_.read_timeout);
    svr_.set_tcp_nodelay(true);  // no Nagle + delayed-ACK stalls on small answers
    // Idle keep-alive connections hold a handler thread: keep them short.
    svr_.set_keep_alive_timeout(2);
    svr_.set_keep_alive_max_count(1000);
    svr_.set_write_timeout(options_.read_timeout);
    svr_.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      // Requests refused before a handler ran (body over the limit, broken requests).
      if (res.status != 413) return;  // handlers log everything else themselves
      bool github = req.path == "/webhooks/github";
      std::string delivery =
          req.get_header_value(github                           ? "X-GitHub-Delivery"
                               : req.path == "/webhooks/gitlab" ? "Idempotency-Key"
                                                                : "X-Schemabot-Delivery");
      std::string outcome = "too_large";
      std::string host = req.path.size() > 10 ? req.path.substr(10) : "";
      metrics::Inc("schemabot_deliveries_total",
                   {{"host", host}, {"event", ""}, {"outcome", outcome}});
      log::Warn("delivery", {{"delivery", delivery},
                             {"host", host},
                             {"status", std::to_string(res.status)},
                             {"outcome", outcome},
                             {"content_length", req.get_header_value("Content-Length")}});
    });
    auto receiver = [this](Host host) {
      return [this, host](const httplib::Request& req, httplib::Response& res) {
        Send(Receive(host, Convert(req), options_.secrets, sink_), res);
      };
    };
    svr_.Post("/webhooks/github", receiver(Host::kGitHub));
    svr_.Post("/webhooks/gitlab", receiver(Host::kGitLab));
    svr_.Post("/webhooks/git", receiver(Host::kGit));
    svr_.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok\n", "text/plain");
    });
    svr_.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
      Result<void> ok = options_.ready ? options_.ready() : Ok();
      res.status = ok ? 200 : 503;
      res.set_content(ok ? "ready\n" : "not ready: " + ok.error().message + "\n", "text/plain");
    });
    svr_.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics::Render(), "text/plain; version=0.0.4");
    });
    for (const Route& route : options_.routes) {
      auto handler = [h = route.handler](const httplib::Request& req, httplib::Response& res) {
        Send(h(Convert(req)), res);
      };
      std::string pattern = route.prefix + "(/.*)?";
      if (route.method == "GET") svr_.Get(pattern, handler);
      if (route.method == "POST") svr_.Post(pattern, handler);
      if (route.method == "PUT") svr_.Put(pattern, handler);
      if (route.method == "DELETE") svr_.Delete(pattern, handler);
    }
    if (options_.port == 0) {
      port_ = svr_.bind_to_any_port(options_.host);
    } else {
      port_ = svr_.bind_to_port(options_.host, options_.port) ? options_.port : -1;
    }
    if (port_ <= 0) {
      return Unavailable("binding \"" + options_.host + ":" + std::to_string(options_.port) +
                         "\": address unavailable");
    }
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    // httplib's stop() does nothing before the loop runs: wait for it, so that a Stop()
    // right after Start() cannot leave the thread blocked in accept.
    for (int i = 0; i < 2000 && !svr_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return Ok();
  }

  int port() const override { return port_; }

  void Stop() override {
    if (!thread_.joinable()) return;
    svr_.stop();
    thread_.join();
  }

 private:
  ServerOptions options_;
  DeliverySink& sink_;
  httplib::Server svr_;
  std::thread thread_;
  int port_ = -1;
};

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options, DeliverySink& sink) {
  auto s = std::make_unique<HttpServer>(std::move(options), sink);
  SB_TRY(s->Bind());
  return std::unique_ptr<Server>(std::move(s));
}

}  // namespace schemabot::webhooks
