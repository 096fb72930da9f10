// The GitLab REST v4 client: the only code that knows GitLab's JSON and URLs.
#include <mutex>

#include "bot/forge/forge.h"
#include "bot/forge/http.h"
#include "bot/forge/json_util.h"

namespace schemabot::forge {
namespace {

PullRequest ToPullRequest(const std::string& repo, const Json& j) {
  PullRequest pr;
  pr.repo = repo;
  pr.number = JInt(j, "iid");
  pr.title = JStr(j, "title");
  pr.body = JStr(j, "description");
  std::string state = JStr(j, "state");
  pr.state = state == "opened" || state == "locked" ? "open" : state;
  pr.draft = JBool(j, "draft") || JBool(j, "work_in_progress");
  pr.author = JStr(JObj(j, "author"), "username");
  pr.head_ref = JStr(j, "source_branch");
  pr.base_ref = JStr(j, "target_branch");
  const Json& refs = JObj(j, "diff_refs");
  pr.head_sha = JStr(refs, "head_sha");
  if (pr.head_sha.empty()) pr.head_sha = JStr(j, "sha");
  pr.base_sha = JStr(refs, "base_sha");
  pr.start_sha = JStr(refs, "start_sha");
  pr.from_fork = JInt(j, "source_project_id") != JInt(j, "target_project_id");
  pr.head_repo = pr.from_fork ? "" : repo;
  pr.url = JStr(j, "web_url");
  return pr;
}

std::string_view StateName(CommitState s) {
  switch (s) {
    case CommitState::kPending:
      return "pending";
    case CommitState::kSuccess:
      return "success";
    case CommitState::kFailure:
      return "failed";
    case CommitState::kError:
      return "failed";
  }
  return "failed";
}

std::string_view EmojiName(Reaction r) {
  switch (r) {
    case Reaction::kEyes:
      return "eyes";
    case Reaction::kThumbsUp:
      return "thumbsup";
    case Reaction::kThumbsDown:
      return "thumbsdown";
    case Reaction::kRocket:
      return "rocket";
    case Reaction::kConfused:
      return "confused";
  }
  return "eyes";
}

Permission FromAccessLevel(int64_t level) {
  if (level >= 50) return Permission::kAdmin;
  if (level >= 40) return Permission::kMaintain;
  if (level >= 30) return Permission::kWrite;
  if (level >= 20) return Permission::kTriage;
  if (level >= 10) return Permission::kRead;
  return Permission::kNone;
}

bool Contains(const Error& e, std::string_view text) {
  return e.message.find(text) != std::string::npos;
}

class GitLabForge final : public Forge {
 public:
  GitLabForge(std::unique_ptr<HttpClient> http, std::string token)
      : http_(std::move(http)), token_(std::move(token)) {}

  std::string_view name() const override { return "gitlab"; }
  Capabilities capabilities() const override {
    return Capabilities{.check_runs = false, .max_comment_chars = 1000000};
  }
  RateLimit last_rate_limit() const override {
    std::lock_guard lock(rl_mu_);
    return rate_limit_;
  }

  Result<GitAuth> GitCredentials(const std::string&) override { return GitAuth{"oauth2", token_}; }

  Result<PullRequest> GetPullRequest(const std::string& repo, int64_t number) override {
    SB_TRY_ASSIGN(Json j, Call("GET", Mr(repo, number)));
    return ToPullRequest(repo, j);
  }

  Result<std::vector<ChangedFile>> ListChangedFiles(const std::string& repo,
                                                    int64_t number) override {
    SB_TRY_ASSIGN(auto items, GetAll(Mr(repo, number) + "/diffs"));
    std::vector<ChangedFile> out;
    for (const Json& j : items) {
      ChangedFile f;
      f.path = JStr(j, "new_path");
      std::string old_path = JStr(j, "old_path");
      if (JBool(j, "new_file")) {
        f.status = FileStatus::kAdded;
      } else if (JBool(j, "deleted_file")) {
        f.status = FileStatus::kRemoved;
        f.path = old_path;
      } else if (JBool(j, "renamed_file")) {
        f.status = FileStatus::kRenamed;
        f.previous_path = old_path;
      }
      f.patch = JStr(j, "diff");
      if (!f.patch.empty() && f.patch.back() == '\n') f.patch.pop_back();
      out.push_back(std::move(f));
    }
    return out;
  }

  Result<std::string> GetFile(const std::string& repo, const std::string& path,
                              const std::string& ref) override {
    SB_TRY_ASSIGN(HttpResponse res,
                  Send({.method = "GET",
                        .target = Project(repo) + "/repository/files/" + PercentEncode(path) +
                                  "/raw?ref=" + PercentEncode(ref)}));
    return std::move(res.body);
  }

  Result<std::vector<Comment>> ListComments(const std::string& repo, int64_t number) override {
    SB_TRY_ASSIGN(auto items, GetAll(Mr(repo, number) + "/notes?sort=asc&order_by=created_at"));
    std::vector<Comment> out;
    for (const Json& j : items) {
      // System notes ("added 1 commit") and diff notes are not conversation comments.
      if (JBool(j, "system") || JStr(j, "type") == "DiffNote") continue;
      out.push_back(Comment{JInt(j, "id"), JStr(j, "body"), JStr(JObj(j, "author"), "username")});
    }
    return out;
  }

  Result<Comment> CreateComment(const std::string& repo, int64_t number,
                                const std::string& body) override {
    SB_TRY_ASSIGN(Json j, Call("POST", Mr(repo, number) + "/notes", Json{{"body", body}}));
    return Comment{JInt(j, "id"), JStr(j, "body"), JStr(JObj(j, "author"), "username")};
  }

  Result<Comment> UpdateComment(const std::string& repo, int64_t number, int64_t comment_id,
                                const std::string& body) override {
    SB_TRY_ASSIGN(Json j, Call("PUT", Mr(repo, number) + "/notes/" + std::to_string(comment_id),
                               Json{{"body", body}}));
    return Comment{JInt(j, "id"), JStr(j, "body"), JStr(JObj(j, "author"), "username")};
  }

  Result<std::vector<ReviewComment>> ListReviewComments(const std::string& repo,
                                                        int64_t number) override {
    SB_TRY_ASSIGN(auto items, GetAll(Mr(repo, number) + "/discussions"));
    std::vector<ReviewComment> out;
    for (const Json& d : items) {
      const Json& notes = JObj(d, "notes");
      if (!notes.is_array()) continue;
      for (const Json& n : notes) {
        const Json& pos = JObj(n, "position");
        if (JStr(n, "type") != "DiffNote" || !pos.is_object()) continue;
        ReviewComment c;
        c.id = JInt(n, "id");
        c.path = JStr(pos, "new_path");
        c.line = static_cast<int>(JInt(pos, "new_line"));
        c.body = JStr(n, "body");
        c.commit_sha = JStr(pos, "head_sha");
        c.author = JStr(JObj(n, "author"), "username");
        out.push_back(std::move(c));
      }
    }
    return out;
  }

  Result<ReviewComment> CreateReviewComment(const std::string& repo, int64_t number,
                                            const NewReviewComment& c) override {
    // Positions need the MR's current diff refs (base, start, head).
    SB_TRY_ASSIGN(PullRequest pr, GetPullRequest(repo, number));
    Json position = {{"position_type", "text"},
                     {"base_sha", pr.base_sha},
                     {"start_sha", pr.start_sha.empty() ? pr.base_sha : pr.start_sha},
                     {"head_sha", c.commit_sha.empty() ? pr.head_sha : c.commit_sha},
                     {"old_path", c.path},
                     {"new_path", c.path},
                     {"new_line", c.line}};
    auto j = Call("POST", Mr(repo, number) + "/discussions",
                  Json{{"body", c.body}, {"position", position}});
    if (!j && j.error().code == ErrorCode::kInvalidArgument && Contains(j.error(), "line_code")) {
      return Conflict(j.error().message + " (line not in the diff)");
    }
    if (!j) return std::move(j).error();
    ReviewComment out{.path = c.path, .line = c.line, .body = c.body, .commit_sha = c.commit_sha};
    const Json& notes = JObj(*j, "notes");
    if (notes.is_array() && !notes.empty()) out.id = JInt(notes[0], "id");
    return out;
  }

  Result<void> SetCommitStatus(const std::string& repo, const std::string& sha,
                               const CommitStatus& s) override {
    Json body = {{"state", StateName(s.state)},
                 {"name", s.context},
                 {"description", s.description.substr(0, 255)}};
    if (!s.target_url.empty()) body["target_url"] = s.target_url;
    if (!s.ref.empty()) body["ref"] = s.ref;
    auto r = Call("POST", Project(repo) + "/statuses/" + sha, body);
    // GitLab refuses to "transition" a status to the state it already has: that is done.
    if (!r && Contains(r.error(), "Cannot transition status")) return Ok();
    if (!r) return std::move(r).error();
    return Ok();
  }

  Result<int64_t> CreateCheckRun(const std::string&, const CheckRun&) override {
    return InvalidArgument("gitlab: no check runs; use commit statuses");
  }
  Result<void> UpdateCheckRun(const std::string&, const CheckRun&) override {
    return InvalidArgument("gitlab: no check runs; use commit statuses");
  }

  Result<Permission> GetPermission(const std::string& repo, const std::string& user) override {
    SB_TRY_ASSIGN(Json users, Call("GET", "/users?username=" + PercentEncode(user)));
    if (!users.is_array() || users.empty()) return Permission::kNone;
    int64_t id = JInt(users[0], "id");
    auto m = Call("GET", Project(repo) + "/members/all/" + std::to_string(id));
    if (!m && m.error().code == ErrorCode::kNotFound) return Permission::kNone;
    if (!m) return std::move(m).error();
    return FromAccessLevel(JInt(*m, "access_level"));
  }

  Result<void> AddReaction(const std::string& repo, int64_t number, int64_t comment_id,
                           Reaction r) override {
    auto res =
        Call("POST", Mr(repo, number) + "/notes/" + std::to_string(comment_id) + "/award_emoji",
             Json{{"name", EmojiName(r)}});
    if (!res && Contains(res.error(), "already been taken")) return Ok();  // idempotent
    if (!res) return std::move(res).error();
    return Ok();
  }

  Result<std::string> GetBranch(const std::string& repo, const std::string& branch) override {
    SB_TRY_ASSIGN(Json j,
                  Call("GET", Project(repo) + "/repository/branches/" + PercentEncode(branch)));
    std::string sha = JStr(JObj(j, "commit"), "id");
    if (sha.empty()) return Internal("gitlab: branch \"" + branch + "\": reply has no commit");
    return sha;
  }

  Result<void> CreateBranch(const std::string& repo, const std::string& branch,
                            const std::string& sha) override {
    auto r = Call("POST", Project(repo) + "/repository/branches",
                  Json{{"branch", branch}, {"ref", sha}});
    if (!r && Contains(r.error(), "already exists")) return Conflict(r.error().message);
    if (!r) return std::move(r).error();
    return Ok();
  }

  // GitLab has no force-update of a branch: delete it and create it again at `sha`.
  Result<void> ResetBranch(const std::string& repo, const std::string& branch,
                           const std::string& sha) override {
    auto del = Call("DELETE", Project(repo) + "/repository/branches/" + PercentEncode(branch));
    if (!del && del.error().code != ErrorCode::kNotFound) return std::move(del).error();
    return CreateBranch(repo, branch, sha);
  }

  Result<std::string> PutFile(const std::string& repo, const std::string& branch,
                              const std::string& path, const std::string& content,
                              const std::string& message) override {
    auto existing = GetFile(repo, path, branch);
    if (!existing && existing.error().code != ErrorCode::kNotFound) {
      return std::move(existing).error();
    }
    Json action = {
        {"action", existing ? "update" : "create"}, {"file_path", path}, {"content", content}};
    SB_TRY_ASSIGN(Json j, Call("POST", Project(repo) + "/repository/commits",
                               Json{{"branch", branch},
                                    {"commit_message", message},
                                    {"actions", Json::array({action})}}));
    return JStr(j, "id");
  }

  Result<PullRequest> OpenPullRequest(const std::string& repo, const NewPullRequest& p) override {
    SB_TRY_ASSIGN(Json j, Call("POST", Project(repo) + "/merge_requests",
                               Json{{"source_branch", p.head},
                                    {"target_branch", p.base},
                                    {"title", p.title},
                                    {"description", p.body}}));
    return ToPullRequest(repo, j);
  }

  Result<PullRequest> UpdatePullRequest(const std::string& repo, int64_t number,
                                        const std::string& title,
                                        const std::string& body) override {
    SB_TRY_ASSIGN(Json j,
                  Call("PUT", Mr(repo, number), Json{{"title", title}, {"description", body}}));
    return ToPullRequest(repo, j);
  }

  Result<std::optional<PullRequest>> FindOpenPullRequest(const std::string& repo,
                                                         const std::string& head,
                                                         const std::string& base) override {
    SB_TRY_ASSIGN(auto items,
                  GetAll(Project(repo) + "/merge_requests?state=opened&source_branch=" +
                         PercentEncode(head) + "&target_branch=" + PercentEncode(base)));
    for (const Json& j : items) {
      PullRequest pr = ToPullRequest(repo, j);
      if (pr.head_ref == head && pr.base_ref == base) return std::optional<PullRequest>(pr);
    }
    return std::optional<PullRequest>();
  }

 private:
  static std::string Project(const std::string& repo) { return "/projects/" + PercentEncode(repo); }
  static std::string Mr(const std::string& repo, int64_t iid) {
    return Project(repo) + "/merge_requests/" + std::to_string(iid);
  }

  Result<HttpResponse> Send(HttpRequest req) {
    req.headers = {{"PRIVATE-TOKEN", token_}, {"Accept", "application/json"}};
    SB_TRY_ASSIGN(HttpResponse res, http_->Send(req));
    NoteRateLimit(res);
    if (res.status >= 200 && res.status < 300) return res;
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    return ResponseError("gitlab", req, res, now);
  }

  Result<Json> Call(const std::string& method, const std::string& target,
                    const Json& body = Json()) {
    HttpRequest req{.method = method, .target = target};
    if (!body.is_null()) req.body = body.dump();
    SB_TRY_ASSIGN(HttpResponse res, Send(req));
    if (res.body.empty()) return Json::object();
    return ParseJson(res.body, "gitlab: " + method + " " + target);
  }

  // Every item of a paginated list: per_page=100, then x-next-page until it is empty.
  Result<std::vector<Json>> GetAll(const std::string& target) {
    std::vector<Json> out;
    std::string base =
        target + (target.find('?') == std::string::npos ? "?" : "&") + "per_page=100";
    std::string next = base;
    for (int page = 0; !next.empty(); ++page) {
      if (page >= 1000) return Internal("gitlab: GET " + target + ": more than 1000 pages");
      SB_TRY_ASSIGN(HttpResponse res, Send({.method = "GET", .target = next}));
      SB_TRY_ASSIGN(Json j, ParseJson(res.body, "gitlab: GET " + next));
      if (!j.is_array()) return Internal("gitlab: GET " + next + ": reply is not a list");
      for (Json& item : j) out.push_back(std::move(item));
      std::string np = res.Header("x-next-page");
      // Lists over 10 000 items drop x-next-page/x-total; fall back to Link rel="next".
      next = !np.empty() ? base + "&page=" + np : NextLink(res.Header("link"));
    }
    return out;
  }

  void NoteRateLimit(const HttpResponse& res) {
    std::string rem = res.Header("ratelimit-remaining");
    if (rem.empty()) return;
    std::lock_guard lock(rl_mu_);
    rate_limit_.remaining = std::atoll(rem.c_str());
    rate_limit_.limit = std::atoll(res.Header("ratelimit-limit").c_str());
    rate_limit_.reset_epoch = std::atoll(res.Header("ratelimit-reset").c_str());
  }

  std::unique_ptr<HttpClient> http_;
  std::string token_;
  mutable std::mutex rl_mu_;
  RateLimit rate_limit_;
};

}  // namespace

Result<std::unique_ptr<Forge>> NewGitLabForge(const GitLabOptions& options) {
  std::string url = options.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  SB_TRY_ASSIGN(auto http, NewHttpClient(url + "/api/v4", options.http));
  return std::unique_ptr<Forge>(new GitLabForge(std::move(http), options.token));
}

}  // namespace schemabot::forge
