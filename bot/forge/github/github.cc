// The GitHub REST v3 client: the only code that knows GitHub's JSON and URLs.
#include <atomic>
#include <mutex>

#include "bot/forge/forge.h"
#include "bot/forge/github/auth.h"
#include "bot/forge/http.h"
#include "bot/forge/json_util.h"

namespace schemabot::forge {
namespace {

constexpr size_t kAnnotationBatch = 50;  // GitHub's limit per check-run request

PullRequest ToPullRequest(const std::string& repo, const Json& j) {
  PullRequest pr;
  pr.repo = repo;
  pr.number = JInt(j, "number");
  pr.title = JStr(j, "title");
  pr.body = JStr(j, "body");
  pr.state = JBool(j, "merged") || !JStr(j, "merged_at").empty() ? "merged" : JStr(j, "state");
  pr.draft = JBool(j, "draft");
  pr.author = JStr(JObj(j, "user"), "login");
  const Json& head = JObj(j, "head");
  const Json& base = JObj(j, "base");
  pr.head_ref = JStr(head, "ref");
  pr.head_sha = JStr(head, "sha");
  pr.head_repo = JStr(JObj(head, "repo"), "full_name");
  pr.base_ref = JStr(base, "ref");
  pr.base_sha = JStr(base, "sha");
  std::string base_repo = JStr(JObj(base, "repo"), "full_name");
  pr.from_fork = pr.head_repo.empty() || (!base_repo.empty() && pr.head_repo != base_repo);
  pr.url = JStr(j, "html_url");
  return pr;
}

FileStatus ToFileStatus(const std::string& s) {
  if (s == "added") return FileStatus::kAdded;
  if (s == "removed") return FileStatus::kRemoved;
  if (s == "renamed") return FileStatus::kRenamed;
  if (s == "copied") return FileStatus::kCopied;
  if (s == "changed") return FileStatus::kChanged;
  return FileStatus::kModified;
}

Comment ToComment(const Json& j) {
  return Comment{JInt(j, "id"), JStr(j, "body"), JStr(JObj(j, "user"), "login")};
}

ReviewComment ToReviewComment(const Json& j) {
  ReviewComment c;
  c.id = JInt(j, "id");
  c.path = JStr(j, "path");
  c.line = static_cast<int>(JInt(j, "line"));
  if (c.line == 0) c.line = static_cast<int>(JInt(j, "original_line"));  // outdated
  c.body = JStr(j, "body");
  c.commit_sha = JStr(j, "commit_id");
  c.author = JStr(JObj(j, "user"), "login");
  return c;
}

Permission ToPermission(const Json& j) {
  std::string role = JStr(j, "role_name");
  std::string p = JStr(j, "permission");
  for (const std::string& s : {role, p}) {
    if (s == "admin") return Permission::kAdmin;
    if (s == "maintain") return Permission::kMaintain;
    if (s == "write") return Permission::kWrite;
    if (s == "triage") return Permission::kTriage;
    if (s == "read") return Permission::kRead;
  }
  return Permission::kNone;
}

std::string_view ReactionContent(Reaction r) {
  switch (r) {
    case Reaction::kEyes:
      return "eyes";
    case Reaction::kThumbsUp:
      return "+1";
    case Reaction::kThumbsDown:
      return "-1";
    case Reaction::kRocket:
      return "rocket";
    case Reaction::kConfused:
      return "confused";
  }
  return "eyes";
}

std::string_view LevelName(AnnotationLevel l) {
  switch (l) {
    case AnnotationLevel::kNotice:
      return "notice";
    case AnnotationLevel::kWarning:
      return "warning";
    case AnnotationLevel::kFailure:
      return "failure";
  }
  return "warning";
}

std::string_view CheckStatusName(CheckStatus s) {
  switch (s) {
    case CheckStatus::kQueued:
      return "queued";
    case CheckStatus::kInProgress:
      return "in_progress";
    case CheckStatus::kCompleted:
      return "completed";
  }
  return "completed";
}

std::string_view ConclusionName(CheckConclusion c) {
  switch (c) {
    case CheckConclusion::kNone:
      return "";
    case CheckConclusion::kSuccess:
      return "success";
    case CheckConclusion::kFailure:
      return "failure";
    case CheckConclusion::kNeutral:
      return "neutral";
    case CheckConclusion::kCancelled:
      return "cancelled";
    case CheckConclusion::kTimedOut:
      return "timed_out";
    case CheckConclusion::kActionRequired:
      return "action_required";
    case CheckConclusion::kSkipped:
      return "skipped";
  }
  return "";
}

Json AnnotationsJson(const std::vector<Annotation>& all, size_t from, size_t n) {
  Json arr = Json::array();
  for (size_t i = from; i < all.size() && i < from + n; ++i) {
    const Annotation& a = all[i];
    Json o = {{"path", a.path},
              {"start_line", a.start_line},
              {"end_line", a.end_line},
              {"annotation_level", LevelName(a.level)},
              {"message", a.message}};
    if (!a.title.empty()) o["title"] = a.title;
    arr.push_back(std::move(o));
  }
  return arr;
}

class GitHubForge final : public Forge {
 public:
  GitHubForge(std::unique_ptr<HttpClient> http, const GitHubOptions& options)
      : http_(std::move(http)), auth_(options, http_.get(), Clock(options)) {
    now_ = Clock(options);
  }

  std::string_view name() const override { return "github"; }
  Capabilities capabilities() const override {
    return Capabilities{.check_runs = auth_.app_mode(), .max_comment_chars = 65536};
  }
  RateLimit last_rate_limit() const override {
    std::lock_guard lock(rl_mu_);
    return rate_limit_;
  }

  Result<GitAuth> GitCredentials(const std::string& repo) override {
    SB_TRY_ASSIGN(std::string authz, auth_.Authorization(repo));
    constexpr std::string_view kBearer = "Bearer ";
    if (authz.starts_with(kBearer)) authz.erase(0, kBearer.size());
    return GitAuth{"x-access-token", std::move(authz)};
  }

  Result<PullRequest> GetPullRequest(const std::string& repo, int64_t number) override {
    SB_TRY_ASSIGN(Json j, Call("GET", Repo(repo) + "/pulls/" + std::to_string(number)));
    return ToPullRequest(repo, j);
  }

  Result<std::vector<ChangedFile>> ListChangedFiles(const std::string& repo,
                                                    int64_t number) override {
    SB_TRY_ASSIGN(auto items, GetAll(Repo(repo) + "/pulls/" + std::to_string(number) + "/files"));
    std::vector<ChangedFile> out;
    for (const Json& j : items) {
      ChangedFile f;
      f.path = JStr(j, "filename");
      f.previous_path = JStr(j, "previous_filename");
      f.status = ToFileStatus(JStr(j, "status"));
      f.patch = JStr(j, "patch");
      out.push_back(std::move(f));
    }
    return out;
  }

  Result<std::string> GetFile(const std::string& repo, const std::string& path,
                              const std::string& ref) override {
    HttpRequest req{
        .method = "GET",
        .target = Repo(repo) + "/contents/" + UrlEncodePath(path) + "?ref=" + PercentEncode(ref)};
    SB_TRY_ASSIGN(HttpResponse res, Send(req, "application/vnd.github.raw+json"));
    return std::move(res.body);
  }

  Result<std::vector<Comment>> ListComments(const std::string& repo, int64_t number) override {
    SB_TRY_ASSIGN(auto items,
                  GetAll(Repo(repo) + "/issues/" + std::to_string(number) + "/comments"));
    std::vector<Comment> out;
    for (const Json& j : items) out.push_back(ToComment(j));
    return out;
  }

  Result<Comment> CreateComment(const std::string& repo, int64_t number,
                                const std::string& body) override {
    SB_TRY_ASSIGN(Json j,
                  Call("POST", Repo(repo) + "/issues/" + std::to_string(number) + "/comments",
                       Json{{"body", body}}));
    return ToComment(j);
  }

  Result<Comment> UpdateComment(const std::string& repo, int64_t, int64_t comment_id,
                                const std::string& body) override {
    SB_TRY_ASSIGN(Json j,
                  Call("PATCH", Repo(repo) + "/issues/comments/" + std::to_string(comment_id),
                       Json{{"body", body}}));
    return ToComment(j);
  }

  Result<std::vector<ReviewComment>> ListReviewComments(const std::string& repo,
                                                        int64_t number) override {
    SB_TRY_ASSIGN(auto items,
                  GetAll(Repo(repo) + "/pulls/" + std::to_string(number) + "/comments"));
    std::vector<ReviewComment> out;
    for (const Json& j : items) out.push_back(ToReviewComment(j));
    return out;
  }

  Result<ReviewComment> CreateReviewComment(const std::string& repo, int64_t number,
                                            const NewReviewComment& c) override {
    Json body = {{"body", c.body},
                 {"commit_id", c.commit_sha},
                 {"path", c.path},
                 {"line", c.line},
                 {"side", "RIGHT"}};
    if (c.start_line > 0 && c.start_line < c.line) {
      body["start_line"] = c.start_line;
      body["start_side"] = "RIGHT";
    }
    SB_TRY_ASSIGN(
        Json j, Call("POST", Repo(repo) + "/pulls/" + std::to_string(number) + "/comments", body));
    return ToReviewComment(j);
  }

  Result<void> SetCommitStatus(const std::string& repo, const std::string& sha,
                               const CommitStatus& s) override {
    Json body = {{"state", CommitStateName(s.state)},
                 {"context", s.context},
                 {"description", s.description.substr(0, 140)}};
    if (!s.target_url.empty()) body["target_url"] = s.target_url;
    SB_TRY(Call("POST", Repo(repo) + "/statuses/" + sha, body));
    return Ok();
  }

  Result<int64_t> CreateCheckRun(const std::string& repo, const CheckRun& run) override {
    if (!auth_.app_mode()) {
      return InvalidArgument("github: check runs need GitHub App credentials");
    }
    Json body = CheckRunJson(run, 0);
    body["name"] = run.name;
    body["head_sha"] = run.head_sha;
    if (!run.external_id.empty()) body["external_id"] = run.external_id;
    SB_TRY_ASSIGN(Json j, Call("POST", Repo(repo) + "/check-runs", body));
    CheckRun rest = run;
    rest.id = JInt(j, "id");
    SB_TRY(PatchAnnotations(repo, rest, kAnnotationBatch));
    return rest.id;
  }

  Result<void> UpdateCheckRun(const std::string& repo, const CheckRun& run) override {
    if (!auth_.app_mode()) {
      return InvalidArgument("github: check runs need GitHub App credentials");
    }
    SB_TRY(
        Call("PATCH", Repo(repo) + "/check-runs/" + std::to_string(run.id), CheckRunJson(run, 0)));
    return PatchAnnotations(repo, run, kAnnotationBatch);
  }

  Result<Permission> GetPermission(const std::string& repo, const std::string& user) override {
    auto j = Call("GET", Repo(repo) + "/collaborators/" + PercentEncode(user) + "/permission");
    if (!j && j.error().code == ErrorCode::kNotFound) return Permission::kNone;
    if (!j) return std::move(j).error();
    return ToPermission(*j);
  }

  Result<void> AddReaction(const std::string& repo, int64_t, int64_t comment_id,
                           Reaction r) override {
    SB_TRY(Call("POST",
                Repo(repo) + "/issues/comments/" + std::to_string(comment_id) + "/reactions",
                Json{{"content", ReactionContent(r)}}));
    return Ok();
  }

  Result<std::string> GetBranch(const std::string& repo, const std::string& branch) override {
    SB_TRY_ASSIGN(Json j, Call("GET", Repo(repo) + "/git/ref/heads/" + UrlEncodePath(branch)));
    std::string sha = JStr(JObj(j, "object"), "sha");
    if (sha.empty()) return Internal("github: branch \"" + branch + "\": reply has no sha");
    return sha;
  }

  Result<void> CreateBranch(const std::string& repo, const std::string& branch,
                            const std::string& sha) override {
    SB_TRY(Call("POST", Repo(repo) + "/git/refs",
                Json{{"ref", "refs/heads/" + branch}, {"sha", sha}}));
    return Ok();
  }

  Result<void> ResetBranch(const std::string& repo, const std::string& branch,
                           const std::string& sha) override {
    SB_TRY(Call("PATCH", Repo(repo) + "/git/refs/heads/" + UrlEncodePath(branch),
                Json{{"sha", sha}, {"force", true}}));
    return Ok();
  }

  Result<std::string> PutFile(const std::string& repo, const std::string& branch,
                              const std::string& path, const std::string& content,
                              const std::string& message) override {
    std::string target = Repo(repo) + "/contents/" + UrlEncodePath(path);
    Json body = {{"message", message}, {"content", Base64Encode(content)}, {"branch", branch}};
    auto existing = Call("GET", target + "?ref=" + PercentEncode(branch));
    if (existing) {
      body["sha"] = JStr(*existing, "sha");
    } else if (existing.error().code != ErrorCode::kNotFound) {
      return std::move(existing).error();
    }
    SB_TRY_ASSIGN(Json j, Call("PUT", target, body));
    return JStr(JObj(j, "commit"), "sha");
  }

  Result<PullRequest> OpenPullRequest(const std::string& repo, const NewPullRequest& p) override {
    SB_TRY_ASSIGN(
        Json j,
        Call("POST", Repo(repo) + "/pulls",
             Json{{"title", p.title}, {"head", p.head}, {"base", p.base}, {"body", p.body}}));
    return ToPullRequest(repo, j);
  }

  Result<PullRequest> UpdatePullRequest(const std::string& repo, int64_t number,
                                        const std::string& title,
                                        const std::string& body) override {
    SB_TRY_ASSIGN(Json j, Call("PATCH", Repo(repo) + "/pulls/" + std::to_string(number),
                               Json{{"title", title}, {"body", body}}));
    return ToPullRequest(repo, j);
  }

  Result<std::optional<PullRequest>> FindOpenPullRequest(const std::string& repo,
                                                         const std::string& head,
                                                         const std::string& base) override {
    std::string owner = repo.substr(0, repo.find('/'));
    SB_TRY_ASSIGN(auto items, GetAll(Repo(repo) +
                                     "/pulls?state=open&head=" + PercentEncode(owner + ":" + head) +
                                     "&base=" + PercentEncode(base)));
    for (const Json& j : items) {
      PullRequest pr = ToPullRequest(repo, j);
      if (pr.head_ref == head && pr.base_ref == base) return std::optional<PullRequest>(pr);
    }
    return std::optional<PullRequest>();
  }

 private:
  static std::function<std::chrono::system_clock::time_point()> Clock(const GitHubOptions& o) {
    if (o.now) return o.now;
    return [] { return std::chrono::system_clock::now(); };
  }

  // "owner/name" of a "/repos/owner/name/..." target (for the App's installation).
  static std::string RepoOf(const std::string& target) {
    size_t p = target.find("/repos/");
    if (p == std::string::npos) return "";
    size_t a = target.find('/', p + 7);
    if (a == std::string::npos) return "";
    size_t b = target.find_first_of("/?", a + 1);
    return target.substr(p + 7, b == std::string::npos ? b : b - p - 7);
  }

  static std::string Repo(const std::string& full_name) {
    return "/repos/" + UrlEncodePath(full_name);
  }

  Json CheckRunJson(const CheckRun& run, size_t from) const {
    Json body = {{"status", CheckStatusName(run.status)}};
    if (run.status == CheckStatus::kCompleted && run.conclusion != CheckConclusion::kNone) {
      body["conclusion"] = ConclusionName(run.conclusion);
    }
    if (!run.details_url.empty()) body["details_url"] = run.details_url;
    Json output = {{"title", run.title}, {"summary", run.summary}};
    if (!run.text.empty()) output["text"] = run.text;
    if (from < run.annotations.size()) {
      output["annotations"] = AnnotationsJson(run.annotations, from, kAnnotationBatch);
    }
    body["output"] = std::move(output);
    return body;
  }

  // Sends annotations [from, end) of `run` in PATCHes of 50 (GitHub appends them).
  Result<void> PatchAnnotations(const std::string& repo, const CheckRun& run, size_t from) {
    for (size_t i = from; i < run.annotations.size(); i += kAnnotationBatch) {
      Json body = {{"output",
                    {{"title", run.title},
                     {"summary", run.summary},
                     {"annotations", AnnotationsJson(run.annotations, i, kAnnotationBatch)}}}};
      SB_TRY(Call("PATCH", Repo(repo) + "/check-runs/" + std::to_string(run.id), body));
    }
    return Ok();
  }

  int64_t NowEpoch() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now_().time_since_epoch()).count();
  }

  // One request with auth and GitHub's headers; non-2xx answers become Errors. A 401 in
  // App mode drops the cached installation token and tries once more.
  Result<HttpResponse> Send(HttpRequest req, std::string accept = "application/vnd.github+json") {
    for (int attempt = 0;; ++attempt) {
      SB_TRY_ASSIGN(std::string authz, auth_.Authorization(RepoOf(req.target)));
      HttpRequest r = req;
      r.headers = {
          {"Accept", accept}, {"X-GitHub-Api-Version", "2022-11-28"}, {"Authorization", authz}};
      SB_TRY_ASSIGN(HttpResponse res, http_->Send(r));
      NoteRateLimit(res);
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status == 401 && auth_.app_mode() && attempt == 0) {
        auth_.Invalidate();
        continue;
      }
      return ResponseError("github", req, res, NowEpoch());
    }
  }

  Result<Json> Call(const std::string& method, const std::string& target,
                    const Json& body = Json()) {
    HttpRequest req{.method = method, .target = target};
    if (!body.is_null()) req.body = body.dump();
    SB_TRY_ASSIGN(HttpResponse res, Send(req));
    if (res.body.empty()) return Json::object();
    return ParseJson(res.body, "github: " + method + " " + target);
  }

  // Every item of a paginated list: per_page=100, then Link rel="next".
  Result<std::vector<Json>> GetAll(const std::string& target) {
    std::vector<Json> out;
    std::string next =
        target + (target.find('?') == std::string::npos ? "?" : "&") + "per_page=100";
    for (int page = 0; !next.empty(); ++page) {
      if (page >= 1000) return Internal("github: GET " + target + ": more than 1000 pages");
      HttpRequest req{.method = "GET", .target = next};
      SB_TRY_ASSIGN(HttpResponse res, Send(req));
      SB_TRY_ASSIGN(Json j, ParseJson(res.body, "github: GET " + next));
      if (!j.is_array()) return Internal("github: GET " + next + ": reply is not a list");
      for (Json& item : j) out.push_back(std::move(item));
      next = NextLink(res.Header("link"));
    }
    return out;
  }

  void NoteRateLimit(const HttpResponse& res) {
    std::string rem = res.Header("x-ratelimit-remaining");
    if (rem.empty()) return;
    std::lock_guard lock(rl_mu_);
    rate_limit_.remaining = std::atoll(rem.c_str());
    rate_limit_.limit = std::atoll(res.Header("x-ratelimit-limit").c_str());
    rate_limit_.reset_epoch = std::atoll(res.Header("x-ratelimit-reset").c_str());
  }

  std::unique_ptr<HttpClient> http_;
  github::Auth auth_;
  std::function<std::chrono::system_clock::time_point()> now_;
  mutable std::mutex rl_mu_;
  RateLimit rate_limit_;
};

}  // namespace

Result<std::unique_ptr<Forge>> NewGitHubForge(const GitHubOptions& options) {
  SB_TRY_ASSIGN(auto http, NewHttpClient(options.api_url, options.http));
  if (!options.app_id.empty()) {
    // Fail at start-up, not on the first webhook, when the key is unusable.
    SB_TRY(MakeGitHubAppJwt(options.app_id, options.private_key_pem,
                            std::chrono::system_clock::now()));
  }
  return std::unique_ptr<Forge>(new GitHubForge(std::move(http), options));
}

}  // namespace schemabot::forge
