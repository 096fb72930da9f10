// The forge simulator: a GitHub + GitLab HTTP server on 127.0.0.1 (port 0) for tests.
//
// It keeps state — repositories (real bare git repositories under a temp dir), pull /
// merge requests, issue comments and MR notes, review comments and diff discussions,
// commit statuses, check runs, reactions / award emoji, branches, files and commits,
// collaborators' permissions — and answers as the hosts' documentation says:
//   - GitHub REST v3 at base_url() (like an Enterprise api_url); GitLab v4 at
//     base_url() + "/api/v4" (gitlab_url() is the instance URL).
//   - 201 on creates, 404 for unknown things, 422 (GitHub) / 409 (GitLab) on duplicates
//     and validation failures, 409 on a stale file sha; comments over 65 536 characters
//     get 422; more than 50 annotations per check-run request get 422; check runs need
//     a GitHub App installation token (a plain token gets 403).
//   - Pagination: GitHub `per_page`/`page` with `Link` rel="next"/"last"; GitLab
//     `x-next-page`, `x-page`, `x-total`, `x-total-pages`. Default page size 30 (GitHub)
//     / 20 (GitLab), max 100.
//   - Rate-limit headers on every API answer (x-ratelimit-*, RateLimit-*).
//   - GitHub Apps: POST /app/installations/{id}/access_tokens verifies the RS256 JWT with
//     the app's public key (iss, iat, exp <= 10 min) and issues a token with a TTL;
//     GET /repos/{o}/{r}/installation (JWT) answers the configured installation id.
//   - Git over real smart HTTP at clone_url(repo): `git http-backend` as a CGI, requiring
//     Basic auth `x-access-token:<token>` (GitHub tokens) or `oauth2:<token>` (GitLab).
//   - Faults: the next N matching requests answer with a status (500, 403 secondary rate
//     limit with Retry-After, 429) or are delayed (past the client's timeout).
//
// One repository model serves both APIs: a GitHub pull request number is the GitLab iid,
// issue comments are MR notes, review comments are diff notes. Repositories also have a
// numeric GitLab project id.
//
// Thread-safety: all methods may be called while the server is answering requests.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace schemabot::sim {

using Json = nlohmann::json;

// Runs `argv` (argv[0] a path or a name on PATH) with `env` added to the environment,
// feeding `input` on stdin. Returns stdout; kInternal with stderr when the exit is not 0.
Result<std::string> Run(const std::vector<std::string>& argv, const std::string& input = "",
                        const std::vector<std::string>& env = {}, const std::string& cwd = "");
// Runs `git -C dir args...` with a fixed test identity.
Result<std::string> Git(const std::string& dir, const std::vector<std::string>& args,
                        const std::string& input = "");

// A fresh 2048-bit RSA key pair in PEM (PKCS#8 private, SubjectPublicKeyInfo public),
// for GitHub App tests.
struct RsaKeyPair {
  std::string private_pem;
  std::string public_pem;
};
RsaKeyPair GenerateRsaKeyPair();

// A self-signed certificate (CA:TRUE, SAN IP:127.0.0.1, valid one day) and its key, in
// PEM, for TLS tests: private_pem is the key, public_pem the certificate.
RsaKeyPair SelfSignedLocalhostCert();

struct Fault {
  std::string method;                  // "" = any
  std::string path_contains;           // "" = any request
  int times = 1;                       // how many matching requests it hits
  int status = 500;                    // 0 = no error answer (only the delay)
  int retry_after = -1;                // seconds for a Retry-After header, -1 for none
  std::chrono::milliseconds delay{0};  // slept before answering
  std::string body = R"({"message":"simulated fault"})";
};

struct SimComment {
  int64_t id = 0;
  int64_t pr = 0;
  std::string body;
  std::string user;
  bool system = false;  // GitLab system note (the simulator adds one per MR)
  std::set<std::string> reactions;
};

struct SimReviewComment {
  int64_t id = 0;
  int64_t pr = 0;
  std::string path;
  int line = 0;
  int start_line = 0;
  std::string body;
  std::string commit;
  std::string user;
};

struct SimStatus {
  std::string sha, state, context, description, target_url;
};

struct SimCheckRun {
  int64_t id = 0;
  std::string name, head_sha, status, conclusion, title, summary;
  Json annotations = Json::array();
  int requests = 0;  // create + updates received
};

struct SimPull {
  int64_t number = 0;
  std::string title, body, state = "open", user;
  std::string head_ref, base_ref, head_sha, base_sha;
};

class ForgeSim {
 public:
  struct Options {
    std::string github_token = "ghp_simtoken";  // accepted as a personal access token
    std::string gitlab_token = "glpat-simtoken";
    std::string bot_user = "schemabot[bot]";  // author of comments the bot creates
    // GitHub App: its id and RSA public key (PEM); installation tokens live token_ttl.
    std::string app_id;
    std::string app_public_key_pem;
    int64_t installation_id = 0;
    std::chrono::seconds token_ttl{3600};
  };

  static Result<std::unique_ptr<ForgeSim>> Start(Options options);
  static Result<std::unique_ptr<ForgeSim>> Start() { return Start(Options()); }
  ~ForgeSim();

  std::string base_url() const;  // http://127.0.0.1:PORT
  std::string gitlab_url() const { return base_url(); }
  std::string clone_url(const std::string& repo) const;  // base_url()/git/REPO.git
  std::string git_dir(const std::string& repo) const;    // the bare repository on disk
  const Options& options() const { return options_; }

  // ---- set-up ----
  // An empty bare repository; returns its GitLab project id.
  Result<int64_t> CreateRepo(const std::string& repo, const std::string& default_branch = "main");
  // Commits `files` (path -> content; content "" deletes) on `branch` (created from
  // `from`, default the branch itself) through a temporary work tree; returns the sha.
  Result<std::string> Commit(const std::string& repo, const std::string& branch,
                             const std::map<std::string, std::string>& files,
                             const std::string& message = "change", const std::string& from = "");
  void SetPermission(const std::string& repo, const std::string& user, const std::string& perm);
  // Opens pull request / merge request `head` -> `base`; returns its number (= iid).
  Result<int64_t> OpenPull(const std::string& repo, const std::string& head,
                           const std::string& base, const std::string& title = "change",
                           const std::string& user = "alice");
  // Adds a comment as someone else (to fill pages).
  int64_t AddComment(const std::string& repo, int64_t pr, const std::string& body,
                     const std::string& user = "alice");

  // ---- faults ----
  void InjectFault(Fault fault);
  void ClearFaults();

  // ---- inspection ----
  std::vector<SimComment> Comments(const std::string& repo, int64_t pr) const;  // non-system
  std::vector<SimReviewComment> ReviewComments(const std::string& repo, int64_t pr) const;
  std::vector<SimStatus> Statuses(const std::string& repo, const std::string& sha) const;
  std::vector<SimCheckRun> CheckRuns(const std::string& repo) const;
  std::optional<SimPull> Pull(const std::string& repo, int64_t number) const;
  std::vector<SimPull> Pulls(const std::string& repo) const;
  // Requests answered so far whose "METHOD path" contains `needle` ("" = all).
  int RequestCount(const std::string& needle = "") const;
  std::vector<std::string> RequestLog() const;
  // Installation tokens issued so far.
  int TokensIssued() const;

 private:
  struct Repo;
  explicit ForgeSim(Options options);

  // sim_server.cc
  void Route(const httplib::Request& req, httplib::Response& res);
  bool ApplyFault(const httplib::Request& req, httplib::Response& res);
  void ServeGit(const httplib::Request& req, httplib::Response& res);
  bool GitHubAuthorized(const std::string& authorization, bool* app_token) const;
  Repo* FindRepo(const std::string& name);                                 // mu_ held
  Repo* RepoByGitLabId(const std::string& id_or_path, std::string* rest);  // mu_ held
  void RefreshPull(Repo& repo, SimPull& pull);                             // mu_ held
  struct Diff {
    std::string path, old_path, status, patch;
  };
  Result<std::vector<Diff>> PullDiff(Repo& repo, SimPull& pull);  // mu_ held
  std::string NextId();
  // sim_github.cc
  void GitHub(const httplib::Request& req, httplib::Response& res, bool app_token);
  void GitHubApp(const httplib::Request& req, httplib::Response& res);
  // Verifies the App JWT of `req`; on failure writes the 401 to `res` and returns false.
  bool AppJwtOk(const httplib::Request& req, httplib::Response& res);
  void GitHubRepo(Repo& repo, const std::string& rest, const httplib::Request& req,
                  httplib::Response& res, bool app_token);
  // sim_gitlab.cc
  void GitLab(const httplib::Request& req, httplib::Response& res);
  void GitLabProject(Repo& repo, const std::string& rest, const httplib::Request& req,
                     httplib::Response& res);
  // helpers
  void Paginate(const httplib::Request& req, httplib::Response& res, const Json& items,
                bool gitlab);
  Result<std::string> PutFiles(Repo& repo, const std::string& branch,
                               const std::map<std::string, std::string>& files,
                               const std::string& message, const std::string& from);

  Options options_;
  std::string root_;  // temp dir: git/ holds the repositories
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Repo>> repos_;
  std::vector<Fault> faults_;
  std::vector<std::string> log_;
  std::set<std::string> app_tokens_;  // issued installation tokens
  std::map<std::string, std::chrono::system_clock::time_point> token_expiry_;
  int64_t next_id_ = 1000;
  int64_t next_project_id_ = 1;
  int64_t rate_remaining_ = 5000;
};

}  // namespace schemabot::sim
