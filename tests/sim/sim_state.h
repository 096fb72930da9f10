// Internal to the forge simulator: a repository's state and shared helpers.
#pragma once

#include <httplib.h>

#include "tests/sim/forge_sim.h"

namespace schemabot::sim {

struct ForgeSim::Repo {
  std::string name;
  int64_t project_id = 0;
  std::string default_branch;
  std::string dir;                                 // bare repository
  std::map<std::string, std::string> permissions;  // user -> admin/maintain/write/triage/read
  std::map<int64_t, SimPull> pulls;
  std::vector<SimComment> comments;
  std::vector<SimReviewComment> review_comments;
  std::vector<SimStatus> statuses;
  std::vector<SimCheckRun> check_runs;
};

// Writes `j` as the JSON body with `status`.
void Reply(httplib::Response& res, int status, const Json& j);
// {"message": msg} with `status` (GitHub style; GitLab reads "message" too).
void Fail(httplib::Response& res, int status, const std::string& msg);
// The request body as JSON (null if it is not JSON).
Json BodyJson(const httplib::Request& req);
std::string Iso(std::chrono::system_clock::time_point t);
std::string B64(std::string_view s);
Result<std::string> UnB64(std::string_view s);
// True if `line` is a new-side line of the unified diff `patch` (added or context).
bool LineInPatch(const std::string& patch, int line);

}  // namespace schemabot::sim
