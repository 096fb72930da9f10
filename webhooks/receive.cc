// Receive(): authenticate, parse, hand to the sink, answer — one log line per delivery.
#include <chrono>

#include "base/log.h"
#include "base/metrics.h"
#include "webhooks/server.h"
#include "webhooks/signature.h"

namespace schemabot::webhooks {
namespace {

struct Names {
  const char* event;
  const char* delivery;
  const char* signature;
};

Names HeaderNames(Host host) {
  switch (host) {
    case Host::kGitHub:
      return {"x-github-event", "x-github-delivery", "x-hub-signature-256"};
    case Host::kGitLab:
      return {"x-gitlab-event", "idempotency-key", "x-gitlab-token"};
    case Host::kGit:
      return {"x-schemabot-event", "x-schemabot-delivery", "x-schemabot-signature-256"};
  }
  return {"", "", ""};
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += ' ';
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Metric label values come from headers: keep them short and tame.
std::string LabelSafe(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == ' ' || c == '-';
    out += ok ? c : '_';
  }
  return out;
}

std::string DeliveryId(Host host, const HttpRequest& req) {
  std::string id = req.Header(HeaderNames(host).delivery);
  if (id.empty() && host == Host::kGitLab) id = req.Header("x-gitlab-event-uuid");
  if (id.empty() && host == Host::kGit) id = req.Header("idempotency-key");
  if (id.empty()) id = "body-" + HmacSha256Hex("", req.body).substr(0, 32);
  return id.substr(0, 200);
}

bool IsJson(const std::string& content_type) {
  std::string_view ct = content_type;
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  return ct == "application/json";
}

}  // namespace

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kQueued:
      return "queued";
    case Outcome::kDuplicate:
      return "duplicate";
    case Outcome::kIgnored:
      return "ignored";
  }
  return "queued";
}

std::string HttpRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpResponse Receive(Host host, const HttpRequest& req, const ReceiverSecrets& secrets,
                     DeliverySink& sink) {
  auto start = std::chrono::steady_clock::now();
  Names names = HeaderNames(host);
  std::string delivery = DeliveryId(host, req);
  std::string event_name = req.Header(names.event);
  std::string host_name(HostName(host));

  auto answer = [&](int status, std::string outcome, std::string detail,
                    int64_t job = 0) -> HttpResponse {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    metrics::Inc("schemabot_deliveries_total",
                 {{"host", host_name}, {"event", LabelSafe(event_name)}, {"outcome", outcome}});
    metrics::Observe("schemabot_delivery_seconds", {{"host", host_name}}, secs);
    log::Fields f = {{"delivery", delivery},
                     {"host", host_name},
                     {"event", event_name},
                     {"status", std::to_string(status)},
                     {"outcome", outcome}};
    if (job) f.emplace_back("job", std::to_string(job));
    if (!detail.empty()) f.emplace_back("detail", detail);
    f.emplace_back("ms", std::to_string(static_cast<int64_t>(secs * 1000)));
    if (status >= 500) {
      log::Error("delivery", f);
    } else if (status >= 400) {
      log::Warn("delivery", f);
    } else {
      log::Info("delivery", f);
    }
    HttpResponse r;
    r.status = status;
    r.body = "{\"delivery\":\"" + JsonEscape(delivery) + "\",\"outcome\":\"" + outcome + "\"";
    if (job) r.body += ",\"job\":" + std::to_string(job);
    if (!detail.empty() && status >= 400) r.body += ",\"error\":\"" + JsonEscape(detail) + "\"";
    r.body += "}\n";
    return r;
  };

  const std::vector<std::string>& keys = host == Host::kGitHub   ? secrets.github
                                         : host == Host::kGitLab ? secrets.gitlab
                                                                 : secrets.git;
  if (keys.empty()) return answer(404, "disabled", "receiver not enabled");
  if (!IsJson(req.Header("content-type"))) {
    return answer(415, "unsupported_media_type",
                  "content type \"" + req.Header("content-type") + "\" is not application/json");
  }
  std::string sig = req.Header(names.signature);
  bool ok = host == Host::kGitLab ? VerifyToken(keys, sig) : VerifySignature(keys, req.body, sig);
  if (!ok) {
    return answer(401, "unauthorized",
                  std::string(sig.empty() ? "missing " : "bad ") +
                      (host == Host::kGitLab ? "token" : "signature"));
  }
  Result<Event> ev = host == Host::kGitHub   ? ParseGitHubEvent(event_name, req.body)
                     : host == Host::kGitLab ? ParseGitLabEvent(event_name, req.body)
                                             : ParseGitHookEvent(req.body);
  if (!ev) return answer(400, "malformed", ev.error().message);
  ev->delivery = delivery;
  if (event_name.empty()) event_name = ev->name;
  Result<Accepted> acc = sink.Accept(*ev);
  if (!acc) return answer(503, "store_error", acc.error().message);
  int status = acc->outcome == Outcome::kIgnored ? 202 : 200;
  std::string detail = acc->reason.empty() ? ev->ignored_reason : acc->reason;
  return answer(status, std::string(OutcomeName(acc->outcome)), detail, acc->job_id);
}

}  // namespace schemabot::webhooks
