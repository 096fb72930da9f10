// GitHub authentication (internal to bot/forge): a token as given, or a GitHub App's
// installation token obtained with a JWT and cached until 5 minutes before it expires.
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
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
  // The value of the Authorization header for API calls on `repo`: "Bearer <token>". In
  // App mode this may look up the repository's installation (when no installation id was
  // configured) and exchange a fresh JWT for its token (one HTTP call each, cached).
  Result<std::string> Authorization(const std::string& repo);
  // Forgets the cached installation tokens (after a 401).
  void Invalidate();

 private:
  struct Token {
    std::string value;
    std::chrono::system_clock::time_point expires{};
  };
  Result<int64_t> InstallationFor(const std::string& repo);  // mu_ held
  Result<Token> Fetch(int64_t installation);                 // mu_ held

  std::string token_;
  std::string app_id_;
  std::string key_pem_;
  int64_t installation_id_ = 0;
  HttpClient* http_;
  Clock now_;
  std::mutex mu_;
  std::map<int64_t, Token> tokens_;               // installation -> token
  std::map<std::string, int64_t> installations_;  // repo -> installation
};

}  // namespace schemabot::forge::github
