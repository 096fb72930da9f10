// Forges from the server config, decorated.
#include <fstream>
#include <sstream>

#include "bot/forge/forge.h"

namespace schemabot::forge {

Result<std::unique_ptr<Forge>> BuildGitHubForge(const config::GitHubConfig& c) {
  GitHubOptions o;
  o.api_url = c.api_url.empty() ? "https://api.github.com" : c.api_url;
  if (c.app_id != 0) {
    std::ifstream in(c.private_key_file, std::ios::binary);
    if (!in) {
      return InvalidArgument("github.private_key_file \"" + c.private_key_file +
                             "\" cannot be read");
    }
    std::ostringstream pem;
    pem << in.rdbuf();
    o.app_id = std::to_string(c.app_id);
    o.private_key_pem = pem.str();
  } else if (c.token.empty()) {
    return InvalidArgument("github: neither a token nor an App is configured");
  } else {
    o.token = c.token;
  }
  SB_TRY_ASSIGN(auto client, NewGitHubForge(o));
  return NewMetricsForge(NewRetryingForge(std::move(client)));
}

Result<std::unique_ptr<Forge>> BuildGitLabForge(const config::GitLabConfig& c) {
  if (c.token.empty()) return InvalidArgument("gitlab: no token configured");
  SB_TRY_ASSIGN(auto client, NewGitLabForge({.url = c.url, .token = c.token}));
  return NewMetricsForge(NewRetryingForge(std::move(client)));
}

}  // namespace schemabot::forge
