// Forge: the bot's verbs on a code host (GitHub, GitLab), in our own vocabulary.
//
// Everything the bot does on a host goes through this interface: read a pull request and
// its changed files, read a file at a ref, keep one summary comment up to date, post
// inline review comments, report a commit status or a check run, read a user's
// permission, react to a comment, and open bump pull requests. The GitHub and GitLab
// implementations are the only code that knows the hosts' JSON, URLs and headers.
//
// Vocabulary:
//   - A repository is named by its full path: GitHub "owner/name", GitLab
//     "group/subgroup/project" (path_with_namespace).
//   - A pull request is a GitHub pull request or a GitLab merge request; its `number` is
//     the GitHub number or the GitLab iid.
//
// Errors (all methods return Result): kNotFound (no such repo/PR/file/comment/branch),
// kPermissionDenied (401/403 without a rate limit: bad or missing credentials, or the
// token may not do this), kConflict (409/422: exists already, stale sha, validation
// refused, e.g. a comment over the host's limit or a review line outside the diff),
// kInvalidArgument (400, or a request this forge cannot express), kUnavailable (5xx,
// timeouts, connection failures, rate limits). A kUnavailable caused by a rate limit or
// a Retry-After carries Error::retry_after_seconds: the queue retries no sooner.
// Messages read as context chains: `github: POST /repos/a/b/issues/3/comments: 422 ...`.
//
// Thread-safety: every implementation in this module is safe to call from several
// threads at once (the job workers share one Forge per host).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "config/server_config.h"

namespace schemabot::forge {

// A pull request (GitHub) or merge request (GitLab).
struct PullRequest {
  std::string repo;    // base repository full path, e.g. "acme/app"
  int64_t number = 0;  // GitHub number / GitLab iid
  std::string title;
  std::string body;   // "" when the host has none
  std::string state;  // "open", "closed" or "merged"
  bool draft = false;
  std::string author;    // login / username
  std::string head_ref;  // source branch name
  std::string head_sha;
  std::string head_repo;   // full path of the head repository ("" if it was deleted)
  std::string base_ref;    // target branch name
  std::string base_sha;    // GitHub: base.sha; GitLab: diff_refs.base_commit_sha
  std::string start_sha;   // GitLab diff_refs.start_commit_sha ("" on GitHub)
  bool from_fork = false;  // head repository differs from the base repository
  std::string url;         // web URL for humans
};

enum class FileStatus { kAdded, kModified, kRemoved, kRenamed, kCopied, kChanged };
std::string_view FileStatusName(FileStatus s);

// One file of a pull request's diff (base...head).
struct ChangedFile {
  std::string path;           // path in the head commit (for removed files: the old path)
  std::string previous_path;  // old path of a rename, else ""
  FileStatus status = FileStatus::kModified;
  // The unified-diff hunks ("@@ -a,b +c,d @@" ...) or "" when the host sent none (binary,
  // too large). Feed it to ChangedLines to learn which lines may carry review comments.
  std::string patch;
};

// The new-side line numbers (1-based) that a unified-diff `patch` adds or keeps as
// context: the lines a review comment may be attached to. Pure; never fails (malformed
// hunks are skipped).
std::set<int> ChangedLines(const std::string& patch);
// Only the added lines of `patch`.
std::set<int> AddedLines(const std::string& patch);

// An issue comment (GitHub) or a non-system merge-request note (GitLab).
struct Comment {
  int64_t id = 0;
  std::string body;
  std::string author;
};

// An inline comment on a line of a pull request's diff.
struct ReviewComment {
  int64_t id = 0;
  std::string path;
  int line = 0;  // new-side line (the last line of a multi-line range)
  std::string body;
  std::string commit_sha;
  std::string author;
};

// What to post as an inline comment.
struct NewReviewComment {
  std::string path;    // path in the head commit
  int line = 0;        // new-side line; must be in ChangedLines of the file
  int start_line = 0;  // first line of a multi-line range, or 0
  std::string body;
  std::string commit_sha;  // the PR head sha the comment is about
};

enum class CommitState { kPending, kSuccess, kFailure, kError };
std::string_view CommitStateName(CommitState s);

// A commit status (GitHub statuses API, GitLab commit statuses).
struct CommitStatus {
  std::string context = "schemabot/lint";  // GitHub context / GitLab name
  CommitState state = CommitState::kPending;
  std::string description;  // short; hosts truncate around 140 chars
  std::string target_url;   // "" for none
  std::string ref;          // GitLab only: the branch, "" to omit
};

enum class AnnotationLevel { kNotice, kWarning, kFailure };

// A check-run annotation on a file's lines.
struct Annotation {
  std::string path;
  int start_line = 1;
  int end_line = 1;
  AnnotationLevel level = AnnotationLevel::kWarning;
  std::string message;
  std::string title;  // "" for none
};

enum class CheckStatus { kQueued, kInProgress, kCompleted };
enum class CheckConclusion {
  kNone,
  kSuccess,
  kFailure,
  kNeutral,
  kCancelled,
  kTimedOut,
  kActionRequired,
  kSkipped
};

// A GitHub check run. Only GitHub Apps may create them (capabilities().check_runs).
struct CheckRun {
  int64_t id = 0;  // set by the host
  std::string name = "schemabot/lint";
  std::string head_sha;
  CheckStatus status = CheckStatus::kCompleted;
  CheckConclusion conclusion = CheckConclusion::kNone;  // required when completed
  std::string title;
  std::string summary;  // markdown, <= 65535 chars
  std::string text;     // markdown details, may be ""
  std::string details_url;
  std::string external_id;
  std::vector<Annotation> annotations;
};

// A user's permission on a repository, in GitHub's roles. GitLab access levels map as
// guest 10 -> read, reporter 20 -> triage, developer 30 -> write, maintainer 40 ->
// maintain, owner 50 -> admin.
enum class Permission { kNone, kRead, kTriage, kWrite, kMaintain, kAdmin };
std::string_view PermissionName(Permission p);

enum class Reaction { kEyes, kThumbsUp, kThumbsDown, kRocket, kConfused };

// The last rate-limit figures a forge saw in a response.
struct RateLimit {
  int64_t remaining = -1;  // -1: never seen
  int64_t limit = -1;
  int64_t reset_epoch = 0;  // seconds since the epoch when the window resets
};

// HTTP Basic credentials for git over HTTPS on a repository. Never logged.
struct GitAuth {
  std::string username;  // GitHub "x-access-token", GitLab "oauth2"
  std::string password;  // the token
};

struct Capabilities {
  bool check_runs = false;           // GitHub App mode only
  size_t max_comment_chars = 65536;  // longer bodies are refused with kConflict
};

// A pull request to open for a bump.
struct NewPullRequest {
  std::string head;  // branch in the same repository
  std::string base;
  std::string title;
  std::string body;
};

class Forge {
 public:
  virtual ~Forge() = default;

  // "github" or "gitlab" (labels for metrics and logs).
  virtual std::string_view name() const = 0;
  virtual Capabilities capabilities() const = 0;
  // The rate-limit figures of the last response seen (remaining == -1 if none yet).
  virtual RateLimit last_rate_limit() const = 0;

  // Credentials a git fetch of `repo` authenticates with: the token (in App mode the
  // repository's installation token, fetched and cached like the API's).
  virtual Result<GitAuth> GitCredentials(const std::string& repo) = 0;

  // The pull request `number` of `repo` with its current head and base.
  virtual Result<PullRequest> GetPullRequest(const std::string& repo, int64_t number) = 0;

  // Every changed file of the pull request, all pages (GitHub stops at 3000 files).
  virtual Result<std::vector<ChangedFile>> ListChangedFiles(const std::string& repo,
                                                            int64_t number) = 0;

  // The bytes of `path` at `ref` (a sha or a branch). kNotFound if absent at that ref.
  virtual Result<std::string> GetFile(const std::string& repo, const std::string& path,
                                      const std::string& ref) = 0;

  // Every issue comment (GitLab: non-system note) of the pull request, oldest first, all
  // pages. Use FindCommentWithMarker to locate the bot's summary.
  virtual Result<std::vector<Comment>> ListComments(const std::string& repo, int64_t number) = 0;
  // Posts a new comment and returns it (with its id). Not idempotent.
  virtual Result<Comment> CreateComment(const std::string& repo, int64_t number,
                                        const std::string& body) = 0;
  // Replaces the body of comment `comment_id` on the pull request.
  virtual Result<Comment> UpdateComment(const std::string& repo, int64_t number, int64_t comment_id,
                                        const std::string& body) = 0;

  // Every inline review comment (GitLab: diff-note) on the pull request, all pages.
  virtual Result<std::vector<ReviewComment>> ListReviewComments(const std::string& repo,
                                                                int64_t number) = 0;
  // Posts one inline comment. kConflict if the line is not part of the diff. Not
  // idempotent: list first to avoid duplicates.
  virtual Result<ReviewComment> CreateReviewComment(const std::string& repo, int64_t number,
                                                    const NewReviewComment& comment) = 0;

  // Sets the status `status.context` of commit `sha`.
  virtual Result<void> SetCommitStatus(const std::string& repo, const std::string& sha,
                                       const CommitStatus& status) = 0;

  // Creates a check run (capabilities().check_runs only, else kInvalidArgument). More
  // than 50 annotations are sent in batches of 50 (create, then updates), which the host
  // appends. Returns the run's id.
  virtual Result<int64_t> CreateCheckRun(const std::string& repo, const CheckRun& run) = 0;
  // Updates run `run.id`; its annotations are appended to those already there.
  virtual Result<void> UpdateCheckRun(const std::string& repo, const CheckRun& run) = 0;

  // The permission of `user` (login / username) on `repo`; kNone for strangers.
  virtual Result<Permission> GetPermission(const std::string& repo, const std::string& user) = 0;

  // Adds `reaction` to comment `comment_id` of the pull request (idempotent).
  virtual Result<void> AddReaction(const std::string& repo, int64_t number, int64_t comment_id,
                                   Reaction reaction) = 0;

  // The sha a branch points to; kNotFound if there is no such branch.
  virtual Result<std::string> GetBranch(const std::string& repo, const std::string& branch) = 0;
  // Creates `branch` at `sha`; kConflict if it exists.
  virtual Result<void> CreateBranch(const std::string& repo, const std::string& branch,
                                    const std::string& sha) = 0;
  // Moves `branch` to `sha` (a force update: bump branches are rebuilt on the new base).
  virtual Result<void> ResetBranch(const std::string& repo, const std::string& branch,
                                   const std::string& sha) = 0;
  // Writes `content` to `path` on `branch` as one commit; returns the new commit's sha.
  virtual Result<std::string> PutFile(const std::string& repo, const std::string& branch,
                                      const std::string& path, const std::string& content,
                                      const std::string& message) = 0;
  // Opens a pull request; kConflict if one is already open for head -> base.
  virtual Result<PullRequest> OpenPullRequest(const std::string& repo,
                                              const NewPullRequest& pr) = 0;
  // Sets title and body of pull request `number`.
  virtual Result<PullRequest> UpdatePullRequest(const std::string& repo, int64_t number,
                                                const std::string& title,
                                                const std::string& body) = 0;
  // The open pull request from branch `head` into `base`, or nullopt.
  virtual Result<std::optional<PullRequest>> FindOpenPullRequest(const std::string& repo,
                                                                 const std::string& head,
                                                                 const std::string& base) = 0;
};

// The first comment whose body contains `marker`, or nullptr. `marker` is e.g.
// SummaryMarker("migrations").
const Comment* FindCommentWithMarker(const std::vector<Comment>& comments,
                                     const std::string& marker);
// "<!-- schemabot:lint dir=DIR -->": the hidden marker of the summary for DIR.
std::string SummaryMarker(const std::string& dir);

// Splits `markdown` into parts of at most `limit` bytes (a host's comment limit minus
// what the caller adds, such as the marker), at line ends. A fenced code block (```)
// cut by a split is closed at the end of one part and reopened, with its info string,
// at the start of the next, so every part renders on its own. A single line longer than
// a part is cut. Returns one part (the input) when it fits; never an empty vector for
// non-empty input. `limit` below 64 is treated as 64.
std::vector<std::string> SplitComment(const std::string& markdown, size_t limit);

// Keeps one living comment per `marker` on pull request `number`: lists all comments
// (every page), updates the one containing `marker` when its body differs (no call when
// equal), or creates it. The stored body is `body` + "\n" + marker. A body over the
// host's limit is split with SplitComment; part N > 1 carries the marker with " part=N"
// before "-->" and is upserted the same way, and parts a longer earlier report left
// behind are edited to say they are no longer used. Returns the first part's comment.
// Errors: those of the forge calls (the listing's first).
Result<Comment> UpsertMarkedComment(Forge& forge, const std::string& repo, int64_t number,
                                    const std::string& marker, const std::string& body);

// ---- Implementations --------------------------------------------------------------

// HTTP settings shared by both clients.
struct HttpOptions {
  std::chrono::milliseconds timeout{10000};  // connect and read timeout per request
  std::string ca_file;                       // PEM bundle; "" = the system's trust store
  std::string user_agent = "schemabot";
};

struct GitHubOptions {
  std::string api_url = "https://api.github.com";  // GHES: https://HOST/api/v3
  // Token mode: a PAT or other token sent as "Authorization: Bearer".
  std::string token;
  // App mode (used when app_id is set): the App's id, its PEM private key, and the
  // installation to act as — 0 (the default) finds each repository's installation
  // (GET /repos/{o}/{r}/installation, cached), so one Forge serves every installation.
  // Installation tokens are cached per installation and refreshed 5 minutes before
  // they expire.
  std::string app_id;
  std::string private_key_pem;
  int64_t installation_id = 0;
  HttpOptions http;
  // The clock for JWTs and token expiry (tests); default: the system clock.
  std::function<std::chrono::system_clock::time_point()> now;
};

// A GitHub REST v3 client. Fails with kInvalidArgument for a bad api_url or an
// unreadable private key; never contacts the host before the first call.
Result<std::unique_ptr<Forge>> NewGitHubForge(const GitHubOptions& options);

// The RS256 JWT a GitHub App authenticates with: iat = now - 60 s, exp = now + 9 min,
// iss = app_id. kInvalidArgument if the key is not an RSA private key in PEM.
Result<std::string> MakeGitHubAppJwt(const std::string& app_id, const std::string& private_key_pem,
                                     std::chrono::system_clock::time_point now);

struct GitLabOptions {
  std::string url = "https://gitlab.com";  // the instance; the API is at url + "/api/v4"
  std::string token;                       // sent as PRIVATE-TOKEN
  HttpOptions http;
};

// A GitLab REST v4 client. kInvalidArgument for a bad url.
Result<std::unique_ptr<Forge>> NewGitLabForge(const GitLabOptions& options);

// ---- Decorators -------------------------------------------------------------------

struct RetryOptions {
  int max_attempts = 3;                            // per idempotent call
  std::chrono::milliseconds initial_backoff{200};  // doubled per attempt, with jitter
  // A retry-after longer than this is not waited for here: the error goes back to the
  // caller (the queue) with its hint.
  std::chrono::milliseconds max_wait{5000};
  // How to wait (tests pass a fake); default: std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;
};

// Retries kUnavailable results of idempotent calls (reads, updates, statuses, branch
// moves) up to max_attempts, waiting the error's retry-after (if <= max_wait) or an
// exponential backoff. Non-idempotent calls (creating comments, review comments, check
// runs, pull requests) are never repeated here: a timed-out create may have happened, so
// the flow re-runs and deduplicates by listing. When giving up, the last error is
// returned, keeping its retry-after hint (or, for a rate limit, the wait that was
// skipped). Takes ownership of `inner`.
std::unique_ptr<Forge> NewRetryingForge(std::unique_ptr<Forge> inner, RetryOptions options = {});

// Counts every call of `inner` in the process-wide metrics (base/metrics.h):
// schemabot_forge_calls_total{forge, method, outcome} (outcome "ok" or an ErrorCode name
// with underscores, e.g. "not_found") and, after each call that saw rate-limit headers,
// the gauge schemabot_forge_rate_limit_remaining{forge}. Takes ownership of `inner`.
std::unique_ptr<Forge> NewMetricsForge(std::unique_ptr<Forge> inner);

// ---- From the server config -------------------------------------------------------

// The GitHub forge of the server config's `github` section — a token, or an App
// (app_id + private_key_file, read here; installations found per repository) — wrapped
// as NewMetricsForge(NewRetryingForge(client)). kInvalidArgument for an unreadable key or
// a section with neither a token nor an App.
Result<std::unique_ptr<Forge>> BuildGitHubForge(const config::GitHubConfig& config);
// The GitLab forge of the `gitlab` section (url + token), decorated the same way.
Result<std::unique_ptr<Forge>> BuildGitLabForge(const config::GitLabConfig& config);

}  // namespace schemabot::forge
