// The simulator's GitLab REST v4 endpoints.
#include <regex>

#include "tests/sim/sim_state.h"

namespace schemabot::sim {
namespace {

constexpr size_t kMaxNote = 1000000;

bool Match(const std::string& s, const char* re, std::smatch& m) {
  return std::regex_match(s, m, std::regex(re));
}

Json Author(const std::string& user) {
  return Json{{"username", user}, {"id", std::hash<std::string>()(user) % 100000}};
}

Json NoteJson(const SimComment& c) {
  return Json{{"id", c.id},         {"body", c.body},  {"author", Author(c.user)},
              {"system", c.system}, {"type", nullptr}, {"noteable_type", "MergeRequest"}};
}

Json DiffNoteJson(const SimReviewComment& c) {
  return Json{{"id", c.id},
              {"body", c.body},
              {"author", Author(c.user)},
              {"system", false},
              {"type", "DiffNote"},
              {"position",
               {{"position_type", "text"},
                {"new_path", c.path},
                {"old_path", c.path},
                {"new_line", c.line},
                {"head_sha", c.commit}}}};
}

int AccessLevel(const std::string& role) {
  if (role == "admin") return 50;
  if (role == "maintain") return 40;
  if (role == "write") return 30;
  if (role == "triage") return 20;
  if (role == "read") return 10;
  return 0;
}

// Param from a JSON body, else from the query/form.
std::string Param(const httplib::Request& req, const Json& body, const char* key) {
  if (body.is_object() && body.contains(key) && body[key].is_string()) return body[key];
  return req.has_param(key) ? req.get_param_value(key) : "";
}

}  // namespace

void ForgeSim::GitLab(const httplib::Request& req, httplib::Response& res) {
  if (req.get_header_value("PRIVATE-TOKEN") != options_.gitlab_token &&
      req.get_header_value("Authorization") != "Bearer " + options_.gitlab_token) {
    return Fail(res, 401, "401 Unauthorized");
  }
  std::lock_guard lock(mu_);
  std::smatch m;
  if (req.path == "/api/v4/users") {
    std::string user = req.get_param_value("username");
    Json out = Json::array();
    for (const auto& [name, repo] : repos_) {
      if (repo->permissions.count(user)) {
        out.push_back(Author(user));
        break;
      }
    }
    return Reply(res, 200, out);
  }
  const std::string prefix = "/api/v4/projects/";
  if (req.path.rfind(prefix, 0) != 0) return Fail(res, 404, "404 Not Found");
  std::string rest;
  Repo* repo = RepoByGitLabId(req.path.substr(prefix.size()), &rest);
  if (!repo) return Fail(res, 404, "404 Project Not Found");
  GitLabProject(*repo, rest, req, res);
}

void ForgeSim::GitLabProject(Repo& repo, const std::string& rest, const httplib::Request& req,
                             httplib::Response& res) {
  std::smatch m;
  const std::string& method = req.method;
  Json body = BodyJson(req);
  auto mr_json = [&](const SimPull& p) {
    std::string state = p.state == "open" ? "opened" : p.state;
    return Json{
        {"iid", p.number},
        {"id", p.number + 5000},
        {"title", p.title},
        {"description", p.body},
        {"state", state},
        {"draft", false},
        {"author", Author(p.user)},
        {"source_branch", p.head_ref},
        {"target_branch", p.base_ref},
        {"sha", p.head_sha},
        {"source_project_id", repo.project_id},
        {"target_project_id", repo.project_id},
        {"web_url", base_url() + "/" + repo.name + "/-/merge_requests/" + std::to_string(p.number)},
        {"diff_refs",
         {{"base_sha", p.base_sha}, {"start_sha", p.base_sha}, {"head_sha", p.head_sha}}}};
  };
  auto mr = [&](const std::string& n) -> SimPull* {
    auto it = repo.pulls.find(std::stoll(n));
    if (it == repo.pulls.end()) return nullptr;
    RefreshPull(repo, it->second);
    return &it->second;
  };

  if (Match(rest, R"(/merge_requests/(\d+))", m)) {
    SimPull* p = mr(m[1]);
    if (!p) return Fail(res, 404, "404 Not found");
    if (method == "PUT") {
      if (std::string t = Param(req, body, "title"); !t.empty()) p->title = t;
      if (body.contains("description") || req.has_param("description"))
        p->body = Param(req, body, "description");
    }
    return Reply(res, 200, mr_json(*p));
  }
  if (Match(rest, R"(/merge_requests/(\d+)/diffs)", m)) {
    SimPull* p = mr(m[1]);
    if (!p) return Fail(res, 404, "404 Not found");
    auto diff = PullDiff(repo, *p);
    if (!diff) return Fail(res, 500, diff.error().message);
    Json items = Json::array();
    for (const auto& d : *diff) {
      items.push_back(Json{{"new_path", d.path},
                           {"old_path", d.old_path.empty() ? d.path : d.old_path},
                           {"new_file", d.status == "added"},
                           {"deleted_file", d.status == "removed"},
                           {"renamed_file", d.status == "renamed"},
                           {"diff", d.patch.empty() ? "" : d.patch + "\n"}});
    }
    return Paginate(req, res, items, true);
  }
  if (Match(rest, R"(/merge_requests/(\d+)/notes)", m)) {
    int64_t n = std::stoll(m[1]);
    if (!repo.pulls.count(n)) return Fail(res, 404, "404 Not found");
    if (method == "POST") {
      std::string text = Param(req, body, "body");
      if (text.empty() || text.size() > kMaxNote)
        return Reply(res, 400, Json{{"message", {{"note", {"is too long"}}}}});
      SimComment c{std::stoll(NextId()), n, text, options_.bot_user, false, {}};
      repo.comments.push_back(c);
      return Reply(res, 201, NoteJson(c));
    }
    Json items = Json::array();
    for (const auto& c : repo.comments) {
      if (c.pr == n) items.push_back(NoteJson(c));
    }
    for (const auto& c : repo.review_comments) {
      if (c.pr == n) items.push_back(DiffNoteJson(c));
    }
    std::sort(items.begin(), items.end(),
              [](const Json& a, const Json& b) { return a["id"] < b["id"]; });
    if (req.get_param_value("sort") != "asc")
      std::reverse(items.begin(), items.end());  // GitLab: desc
    return Paginate(req, res, items, true);
  }
  if (Match(rest, R"(/merge_requests/(\d+)/notes/(\d+)(/award_emoji)?)", m)) {
    int64_t id = std::stoll(m[2]);
    for (auto& c : repo.comments) {
      if (c.id != id || c.pr != std::stoll(m[1])) continue;
      if (m[3].matched) {
        std::string name = Param(req, body, "name");
        if (name.empty()) return Fail(res, 400, "400 (Bad request) \"name\" not given");
        if (!c.reactions.insert(name).second)
          return Fail(res, 404, "404 Award Emoji Name has already been taken");
        return Reply(res, 201, Json{{"id", id * 10}, {"name", name}});
      }
      if (method == "PUT") {
        std::string text = Param(req, body, "body");
        if (text.empty() || text.size() > kMaxNote)
          return Reply(res, 400, Json{{"message", "note is too long"}});
        c.body = text;
      }
      return Reply(res, 200, NoteJson(c));
    }
    return Fail(res, 404, "404 Note Not Found");
  }
  if (Match(rest, R"(/merge_requests/(\d+)/discussions)", m)) {
    SimPull* p = mr(m[1]);
    if (!p) return Fail(res, 404, "404 Not found");
    if (method == "POST") {
      const Json& pos = body.is_object() && body.contains("position") ? body["position"] : Json();
      if (!pos.is_object()) return Fail(res, 400, "400 (Bad request) \"position\" must be a hash");
      std::string path = pos.value("new_path", "");
      int line = pos.contains("new_line") && pos["new_line"].is_number_integer()
                     ? pos["new_line"].get<int>()
                     : 0;
      if (pos.value("head_sha", "") != p->head_sha || pos.value("base_sha", "") != p->base_sha ||
          pos.value("start_sha", "") != p->base_sha || pos.value("position_type", "") != "text") {
        return Fail(res, 400,
                    "400 Bad request - Note {:line_code=>[\"can't be blank\", \"must be a valid "
                    "line code\"]}");
      }
      auto diff = PullDiff(repo, *p);
      if (!diff) return Fail(res, 500, diff.error().message);
      bool ok = false;
      for (const auto& d : *diff) ok |= d.path == path && LineInPatch(d.patch, line);
      if (!ok)
        return Fail(res, 400,
                    "400 Bad request - Note {:line_code=>[\"can't be blank\", \"must be a valid "
                    "line code\"]}");
      SimReviewComment c{
          std::stoll(NextId()), p->number,        path, line, 0, Param(req, body, "body"),
          p->head_sha,          options_.bot_user};
      repo.review_comments.push_back(c);
      return Reply(res, 201,
                   Json{{"id", "d" + std::to_string(c.id)}, {"notes", {DiffNoteJson(c)}}});
    }
    Json items = Json::array();
    for (const auto& c : repo.comments) {
      if (c.pr == p->number)
        items.push_back(Json{{"id", "d" + std::to_string(c.id)}, {"notes", {NoteJson(c)}}});
    }
    for (const auto& c : repo.review_comments) {
      if (c.pr == p->number)
        items.push_back(Json{{"id", "d" + std::to_string(c.id)}, {"notes", {DiffNoteJson(c)}}});
    }
    return Paginate(req, res, items, true);
  }
  if (rest == "/merge_requests") {
    if (method == "POST") {
      std::string src = Param(req, body, "source_branch"), dst = Param(req, body, "target_branch");
      for (const auto& [n, p] : repo.pulls) {
        if (p.state == "open" && p.head_ref == src && p.base_ref == dst) {
          return Reply(
              res, 409,
              Json{{"message",
                    {"Another open merge request already exists for this source branch: !" +
                     std::to_string(n)}}});
        }
      }
      SimPull p;
      p.number = static_cast<int64_t>(repo.pulls.size()) + 1;
      p.title = Param(req, body, "title");
      p.body = Param(req, body, "description");
      p.head_ref = src;
      p.base_ref = dst;
      p.user = options_.bot_user;
      RefreshPull(repo, p);
      if (p.title.empty() || p.head_sha.empty() || p.base_sha.empty())
        return Fail(res, 400, "400 Bad request");
      repo.pulls[p.number] = p;
      return Reply(res, 201, mr_json(p));
    }
    Json items = Json::array();
    for (auto& [n, p] : repo.pulls) {
      RefreshPull(repo, p);
      std::string state = req.get_param_value("state");
      if (!state.empty() && state != "all" && (state == "opened") != (p.state == "open")) continue;
      if (req.has_param("source_branch") && p.head_ref != req.get_param_value("source_branch"))
        continue;
      if (req.has_param("target_branch") && p.base_ref != req.get_param_value("target_branch"))
        continue;
      items.push_back(mr_json(p));
    }
    return Paginate(req, res, items, true);
  }
  if (Match(rest, R"(/statuses/([0-9a-f]{40}))", m) && method == "POST") {
    static const std::set<std::string> kStates = {"pending", "running",  "success",
                                                  "failed",  "canceled", "skipped"};
    std::string state = Param(req, body, "state"), name = Param(req, body, "name");
    if (name.empty()) name = "default";
    if (!kStates.count(state))
      return Fail(res, 400, "400 (Bad request) \"state\" does not have a valid value");
    if (!Git(repo.dir, {"cat-file", "-e", std::string(m[1]) + "^{commit}"}))
      return Fail(res, 404, "404 Commit Not Found");
    for (auto it = repo.statuses.rbegin(); it != repo.statuses.rend(); ++it) {
      if (it->sha == m[1] && it->context == name) {
        if (it->state == state)
          return Fail(res, 400, "Cannot transition status via :" + state + " from :" + state);
        break;
      }
    }
    repo.statuses.push_back(SimStatus{m[1], state, name, Param(req, body, "description"),
                                      Param(req, body, "target_url")});
    return Reply(res, 201, Json{{"status", state}, {"name", name}, {"sha", std::string(m[1])}});
  }
  if (Match(rest, R"(/members/all/(\d+))", m)) {
    for (const auto& [user, role] : repo.permissions) {
      if (std::to_string(std::hash<std::string>()(user) % 100000) == std::string(m[1])) {
        return Reply(res, 200, Json{{"username", user}, {"access_level", AccessLevel(role)}});
      }
    }
    return Fail(res, 404, "404 Not found");
  }
  if (Match(rest, R"(/repository/files/(.+?)(/raw)?)", m)) {
    std::string path = m[1];
    std::string ref = req.get_param_value("ref");
    auto blob = Git(repo.dir, {"cat-file", "blob", ref + ":" + path});
    if (!blob) return Fail(res, 404, "404 File Not Found");
    if (m[2].matched) {
      res.status = 200;
      res.set_content(*blob, "text/plain");
      return;
    }
    return Reply(res, 200,
                 Json{{"file_path", path}, {"encoding", "base64"}, {"content", B64(*blob)}});
  }
  if (Match(rest, R"(/repository/branches(/(.+))?)", m)) {
    if (method == "POST" && !m[1].matched) {
      std::string branch = Param(req, body, "branch"), ref = Param(req, body, "ref");
      if (Git(repo.dir, {"rev-parse", "-q", "--verify", "refs/heads/" + branch}))
        return Fail(res, 400, "Branch already exists");
      auto sha = Git(repo.dir, {"rev-parse", "-q", "--verify", ref + "^{commit}"});
      if (!sha) return Fail(res, 400, "Invalid reference name: " + ref);
      (void)Git(repo.dir, {"update-ref", "refs/heads/" + branch, sha->substr(0, 40)});
      return Reply(res, 201, Json{{"name", branch}, {"commit", {{"id", sha->substr(0, 40)}}}});
    }
    if (!m[1].matched) return Fail(res, 404, "404 Not Found");
    std::string branch = m[2];
    auto sha = Git(repo.dir, {"rev-parse", "-q", "--verify", "refs/heads/" + branch});
    if (!sha) return Fail(res, 404, "404 Branch Not Found");
    if (method == "DELETE") {
      (void)Git(repo.dir, {"update-ref", "-d", "refs/heads/" + branch});
      res.status = 204;
      return;
    }
    return Reply(res, 200, Json{{"name", branch}, {"commit", {{"id", sha->substr(0, 40)}}}});
  }
  if (rest == "/repository/commits" && method == "POST") {
    std::string branch = Param(req, body, "branch");
    if (!body.is_object() || !body.contains("actions") || !body["actions"].is_array()) {
      return Fail(res, 400, "400 (Bad request) \"actions\" is missing");
    }
    std::map<std::string, std::string> files;
    for (const auto& a : body["actions"]) {
      std::string action = a.value("action", ""), path = a.value("file_path", "");
      bool exists =
          static_cast<bool>(Git(repo.dir, {"cat-file", "-e", "refs/heads/" + branch + ":" + path}));
      if (action == "create" && exists)
        return Fail(res, 400, "A file with this name already exists");
      if (action == "update" && !exists)
        return Fail(res, 400, "A file with this name doesn't exist");
      files[path] = action == "delete" ? "" : a.value("content", "");
    }
    auto commit = PutFiles(repo, branch, files, Param(req, body, "commit_message"),
                           Param(req, body, "start_branch"));
    if (!commit) return Fail(res, 400, commit.error().message);
    return Reply(res, 201, Json{{"id", *commit}});
  }
  Fail(res, 404, "404 Not Found");
}

}  // namespace schemabot::sim
