// The git-hook notification client. With server.cc, the only files of webhooks/ that use
// cpp-httplib.
#include "webhooks/notify.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "webhooks/signature.h"

namespace schemabot::webhooks {
namespace {

constexpr std::string_view kPath = "/webhooks/git";

struct Url {
  std::string scheme_host_port;  // "http://h:1"
  std::string path;              // "/prefix/webhooks/git"
  std::string user, password;
};

Result<Url> Split(std::string_view url) {
  Url out;
  size_t colon = url.find("://");
  std::string_view scheme = colon == std::string_view::npos ? "" : url.substr(0, colon);
  if (scheme != "http" && scheme != "https") {
    return InvalidArgument("url \"" + config::RedactUrl(url) + "\": not http:// or https://");
  }
  std::string_view rest = url.substr(colon + 3);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view info = authority.substr(0, at);
    size_t c = info.find(':');
    out.user = std::string(info.substr(0, c));
    if (c != std::string_view::npos) out.password = std::string(info.substr(c + 1));
    authority = authority.substr(at + 1);
  }
  if (authority.empty()) return InvalidArgument("url \"" + config::RedactUrl(url) + "\": no host");
  while (path.ends_with('/')) path.remove_suffix(1);
  out.scheme_host_port = std::string(scheme) + "://" + std::string(authority);
  out.path = std::string(path);
  if (!path.ends_with(kPath)) out.path += kPath;
  return out;
}

std::string ErrorText(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection:
      return "cannot connect";
    case httplib::Error::ConnectionTimeout:
      return "connection timed out";
    case httplib::Error::Read:
      return "no answer in time (read)";
    case httplib::Error::Write:
      return "cannot send the request (write)";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed";
    case httplib::Error::SSLServerVerification:
      return "server certificate not trusted";
    default:
      return "request error \"" + httplib::to_string(e) + "\"";
  }
}

}  // namespace

std::string GitNotificationJson(const GitNotification& n) {
  nlohmann::ordered_json j = {{"event", "push"},
                              {"repo", n.repo},
                              {"ref", n.ref},
                              {"before", n.before},
                              {"after", n.after}};
  if (!n.pusher.empty()) j["pusher"] = n.pusher;
  if (!n.clone_url.empty()) j["clone_url"] = n.clone_url;
  if (!n.default_branch.empty()) j["default_branch"] = n.default_branch;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::string> GitReceiverUrl(std::string_view url) {
  SB_TRY_ASSIGN(Url u, Split(url));
  return u.scheme_host_port + u.path;
}

Result<NotifyReply> PostGitNotification(std::string_view url, std::string_view secret,
                                        const std::string& delivery, const std::string& body,
                                        const NotifyOptions& options) {
  SB_TRY_ASSIGN(Url u, Split(url));
  httplib::Client cli(u.scheme_host_port);
  if (!cli.is_valid()) {
    return InvalidArgument("url \"" + config::RedactUrl(url) + "\": cannot make a client");
  }
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(options.timeout);
  auto usecs = std::chrono::duration_cast<std::chrono::microseconds>(options.timeout - secs);
  cli.set_connection_timeout(secs.count(), usecs.count());
  cli.set_read_timeout(secs.count(), usecs.count());
  cli.set_write_timeout(secs.count(), usecs.count());
  cli.set_keep_alive(false);
  if (!u.user.empty()) cli.set_basic_auth(u.user, u.password);
  httplib::Headers headers = {{"X-Schemabot-Event", "push"},
                              {"X-Schemabot-Delivery", delivery},
                              {"Idempotency-Key", delivery},
                              {"X-Schemabot-Signature-256", SignatureHeader(secret, body)},
                              {"User-Agent", "schemabot-hook"}};
  auto res = cli.Post(u.path, headers, body, "application/json");
  std::string where = "posting to \"" + config::RedactUrl(u.scheme_host_port + u.path) + "\"";
  if (!res) return Unavailable(where + ": " + ErrorText(res.error()));
  return NotifyReply{res->status, res->body};
}

}  // namespace schemabot::webhooks
