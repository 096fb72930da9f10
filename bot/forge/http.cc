// The only file of schemabot's product code that uses cpp-httplib.
#include "bot/forge/http.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace schemabot::forge {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

struct Origin {
  std::string scheme;     // "http" or "https"
  std::string host_port;  // "host:port" or "host"
  std::string prefix;     // "" or "/api/v3" (no trailing slash)
};

Result<Origin> ParseOrigin(const std::string& url) {
  Origin o;
  size_t p = url.find("://");
  if (p == std::string::npos) return InvalidArgument("url \"" + url + "\" has no scheme");
  o.scheme = Lower(url.substr(0, p));
  if (o.scheme != "http" && o.scheme != "https") {
    return InvalidArgument("url \"" + url + "\": scheme must be http or https");
  }
  std::string rest = url.substr(p + 3);
  size_t slash = rest.find('/');
  o.host_port = Lower(rest.substr(0, slash));
  if (o.host_port.empty()) return InvalidArgument("url \"" + url + "\" has no host");
  if (o.host_port.find('@') != std::string::npos) {
    return InvalidArgument("url must not carry credentials");
  }
  if (slash != std::string::npos) o.prefix = rest.substr(slash);
  while (!o.prefix.empty() && o.prefix.back() == '/') o.prefix.pop_back();
  return o;
}

class HttplibClient final : public HttpClient {
 public:
  HttplibClient(Origin origin, std::string base_url, HttpOptions options)
      : origin_(std::move(origin)), base_url_(std::move(base_url)), options_(std::move(options)) {}

  const std::string& base_url() const override { return base_url_; }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    SB_TRY_ASSIGN(std::string path, PathOf(request.target));
    httplib::Client cli(origin_.scheme + "://" + origin_.host_port);
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(options_.timeout);
    auto usecs = std::chrono::duration_cast<std::chrono::microseconds>(options_.timeout - secs);
    cli.set_connection_timeout(secs.count(), usecs.count());
    cli.set_read_timeout(secs.count(), usecs.count());
    cli.set_write_timeout(secs.count(), usecs.count());
    cli.set_follow_location(false);
    if (origin_.scheme == "https") {
      cli.enable_server_certificate_verification(true);
      if (!options_.ca_file.empty()) cli.set_ca_cert_path(options_.ca_file);
    }
    httplib::Request req;
    req.method = request.method;
    req.path = path;
    for (const auto& [k, v] : request.headers) req.headers.emplace(k, v);
    req.headers.emplace("User-Agent", options_.user_agent);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
      req.headers.emplace("Content-Type", request.content_type);
      req.body = request.body;
    }
    httplib::Result res = cli.send(req);
    if (!res) return TransportError(request, res.error());
    HttpResponse out;
    out.status = res->status;
    out.body = std::move(res->body);
    for (const auto& [k, v] : res->headers) out.headers.emplace_back(Lower(k), v);
    return out;
  }

 private:
  // The request path on the origin: prefix + target, or an absolute URL's path after a
  // same-origin check (a Link header must not send our token elsewhere).
  Result<std::string> PathOf(const std::string& target) const {
    if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {
      SB_TRY_ASSIGN(Origin o, ParseOrigin(target));
      if (o.scheme != origin_.scheme || o.host_port != origin_.host_port) {
        return InvalidArgument("refusing to follow \"" + target + "\": not on " + base_url_);
      }
      return o.prefix.empty() ? std::string("/") : o.prefix;
    }
    return origin_.prefix + target;
  }

  Error TransportError(const HttpRequest& request, httplib::Error e) const {
    std::string what = request.method + " " + base_url_ + request.target + ": ";
    switch (e) {
      case httplib::Error::SSLServerVerification:
        return PermissionDenied(what + "server certificate not trusted");
      case httplib::Error::SSLLoadingCerts:
        return PermissionDenied(what + "cannot load CA certificates");
      case httplib::Error::ConnectionTimeout:
        return Unavailable(what + "connection timed out");
      case httplib::Error::Read:
        return Unavailable(what + "no answer (read error or timeout)");
      default:
        return Unavailable(what + httplib::to_string(e));
    }
  }

  Origin origin_;
  std::string base_url_;
  HttpOptions options_;
};

std::optional<int64_t> ParseInt(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p == s.data()) return std::nullopt;
  return v;
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

Result<std::unique_ptr<HttpClient>> NewHttpClient(const std::string& base_url,
                                                  const HttpOptions& options) {
  SB_TRY_ASSIGN(Origin o, ParseOrigin(base_url));
  return std::unique_ptr<HttpClient>(new HttplibClient(std::move(o), base_url, options));
}

std::string NextLink(const std::string& link) {
  // <https://api.github.com/x?page=2>; rel="next", <...>; rel="last"
  size_t pos = 0;
  while (pos < link.size()) {
    size_t lt = link.find('<', pos);
    if (lt == std::string::npos) break;
    size_t gt = link.find('>', lt);
    if (gt == std::string::npos) break;
    size_t end = link.find(',', gt);
    std::string params = link.substr(gt + 1, end == std::string::npos ? end : end - gt - 1);
    if (params.find("rel=\"next\"") != std::string::npos ||
        params.find("rel=next") != std::string::npos) {
      return link.substr(lt + 1, gt - lt - 1);
    }
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "";
}

Error ResponseError(std::string_view forge, const HttpRequest& request,
                    const HttpResponse& response, int64_t now_epoch) {
  std::string body = response.body.substr(0, 300);
  std::string msg = std::string(forge) + ": " + request.method + " " + request.target + ": " +
                    std::to_string(response.status) + (body.empty() ? "" : " " + body);
  int st = response.status;
  auto retry_after = ParseInt(response.Header("retry-after"));
  std::string remaining = response.Header("x-ratelimit-remaining");
  if (remaining.empty()) remaining = response.Header("ratelimit-remaining");
  std::string reset = response.Header("x-ratelimit-reset");
  if (reset.empty()) reset = response.Header("ratelimit-reset");
  bool limited = st == 429 || (st == 403 && (retry_after || remaining == "0" ||
                                             Lower(body).find("rate limit") != std::string::npos));
  if (limited) {
    int wait = 60;
    if (retry_after) {
      wait = static_cast<int>(*retry_after);
    } else if (auto r = ParseInt(reset); r && remaining == "0") {
      wait = static_cast<int>(std::max<int64_t>(1, *r - now_epoch));
    }
    return Unavailable(msg + " (rate limited)").WithRetryAfter(std::max(0, wait));
  }
  if (st == 404) return NotFound(msg);
  if (st == 401 || st == 403) return PermissionDenied(msg);
  if (st == 409 || st == 422) return Conflict(msg);
  if (st == 400) return InvalidArgument(msg);
  if (st >= 500) {
    Error e = Unavailable(msg);
    if (retry_after) e.retry_after_seconds = static_cast<int>(*retry_after);
    return e;
  }
  return Internal(msg + " (unexpected status)");
}

std::string UrlEncodePath(std::string_view s) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t slash = s.find('/', start);
    out += PercentEncode(s.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

}  // namespace schemabot::forge
