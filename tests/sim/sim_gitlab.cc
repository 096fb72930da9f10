// The simulator's GitLab REST v4 endpoints.
#include "tests/sim/sim_state.h"

namespace schemabot::sim {

void ForgeSim::GitLab(const httplib::Request& req, httplib::Response& res) {
  if (req.get_header_value("PRIVATE-TOKEN") != options_.gitlab_token &&
      req.get_header_value("Authorization") != "Bearer " + options_.gitlab_token) {
    return Fail(res, 401, "401 Unauthorized");
  }
  const std::string prefix = "/api/v4/projects/";
  if (req.path.rfind(prefix, 0) != 0) return Fail(res, 404, "404 Not Found");
  std::lock_guard lock(mu_);
  std::string rest;
  Repo* repo = RepoByGitLabId(req.path.substr(prefix.size()), &rest);
  if (!repo) return Fail(res, 404, "404 Project Not Found");
  GitLabProject(*repo, rest, req, res);
}

void ForgeSim::GitLabProject(Repo&, const std::string&, const httplib::Request&,
                             httplib::Response& res) {
  Fail(res, 404, "404 Not Found");
}

}  // namespace schemabot::sim
