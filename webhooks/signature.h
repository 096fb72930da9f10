// Webhook authentication: HMAC-SHA256 signatures (GitHub, git hooks) and shared tokens
// (GitLab), compared in constant time. Internal to webhooks/ (used by receive.cc; public
// for tests and for `schemabot hook post-receive`, which signs its notifications).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace schemabot::webhooks {

// Lowercase hex of HMAC-SHA256(key, message).
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// "sha256=" + HmacSha256Hex(secret, body): the X-Hub-Signature-256 /
// X-Schemabot-Signature-256 header value.
std::string SignatureHeader(std::string_view secret, std::string_view body);

// True when `header` is "sha256=<hex>" matching any of `secrets` for `body`. The hex
// comparison is constant-time per secret; an empty or malformed header is false.
bool VerifySignature(const std::vector<std::string>& secrets, std::string_view body,
                     std::string_view header);

// True when `token` equals any of `secrets` (constant-time per secret).
bool VerifyToken(const std::vector<std::string>& secrets, std::string_view token);

// Constant-time equality (time depends on the lengths only).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace schemabot::webhooks
