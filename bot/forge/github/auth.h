// GitHub authentication (internal to bot/forge): a token as given, or a GitHub App's
// installation token obtained with a JWT and cached until 5 minutes before it expires.
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "base/result.h"
#include "bot/forge/forge.h"
#include "bot/forge/http.h"

namespace schemabot::forge::github {

class Auth {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  // `http` must outlive this object.
  Auth(const GitHubOptions& options, HttpClient* http, Clock now);

  bool app_mode() const { return !app_id_.empty(); }
  // The value of the Authorization header for API calls: "Bearer <token>". In App mode
  // this may exchange a fresh JWT for an installation token (one HTTP call).
  Result<std::string> Authorization();
  // Forgets the cached installation token (after a 401).
  void Invalidate();

 private:
  Result<void> Refresh();

  std::string token_;
  std::string app_id_;
  std::string key_pem_;
  int64_t installation_id_ = 0;
  HttpClient* http_;
  Clock now_;
  std::mutex mu_;
  std::string install_token_;
  std::chrono::system_clock::time_point expires_{};
};

}  // namespace schemabot::forge::github
