// The HTTP seam of the forge clients (internal to bot/forge; not part of forge.h).
//
// HttpClient sends one request to a fixed origin (scheme://host:port plus a path prefix
// such as "/api/v3"), with certificate verification on for https. The GitHub and GitLab
// clients build on it; tests point it at the forge simulator on 127.0.0.1.
//
// Also here: the pieces both clients share — header lookup, Link-header pagination,
// the mapping of HTTP statuses and rate-limit headers to Error codes.
//
// Thread-safety: HttpClient::Send may be called from several threads at once.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/text.h"
#include "bot/forge/forge.h"

namespace schemabot::forge {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  // A path below the origin's prefix ("/repos/a/b/pulls/1?page=2"), or an absolute URL
  // of the same origin (Link: rel="next" targets). Other origins are refused.
  std::string target;
  Headers headers;
  std::string body;
  std::string content_type = "application/json";
};

struct HttpResponse {
  int status = 0;
  Headers headers;  // names lowercased
  std::string body;
  // The value of header `name` (lowercase), or "".
  std::string Header(std::string_view name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Any answer from the server is a value, whatever its status; kUnavailable for
  // connection failures and timeouts, kPermissionDenied for TLS verification failures,
  // kInvalidArgument for a target of another origin.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
  // "https://host:port/prefix" as configured (for messages).
  virtual const std::string& base_url() const = 0;
};

// A client for `base_url` ("http[s]://host[:port][/prefix]"). kInvalidArgument for an
// unparsable URL or another scheme.
Result<std::unique_ptr<HttpClient>> NewHttpClient(const std::string& base_url,
                                                  const HttpOptions& options);

// The URL of rel="next" in a Link header, or "".
std::string NextLink(const std::string& link_header);

// Maps a non-2xx response to an Error with context "<forge>: <method> <target>: <status>
// <host message>". Rate limits (429; 403 with retry-after, with remaining == 0, or a
// "secondary rate limit" message) become kUnavailable with retry_after_seconds from
// Retry-After, else the reset header minus `now_epoch`, else 60.
Error ResponseError(std::string_view forge, const HttpRequest& request,
                    const HttpResponse& response, int64_t now_epoch);

// Percent-encodes a path, keeping '/' (single segments: PercentEncode, base/text.h).
std::string UrlEncodePath(std::string_view s);

}  // namespace schemabot::forge
