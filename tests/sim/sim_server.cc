// The simulator's core: process runner, server lifecycle, routing, auth, faults,
// pagination, git over smart HTTP, repository and pull-request helpers.
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "tests/sim/sim_state.h"

extern char** environ;

namespace schemabot::sim {
namespace fs = std::filesystem;

Result<std::string> Run(const std::vector<std::string>& argv, const std::string& input,
                        const std::vector<std::string>& env, const std::string& cwd) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
    return Internal("pipe");
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  for (const auto& e : env) envs.push_back(e);
  std::vector<char*> envp;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return Internal("fork");
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    execvpe(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  std::string stdout_s, stderr_s;
  size_t written = 0;
  if (input.empty()) {
    close(in[1]);
    in[1] = -1;
  }
  char buf[65536];
  while (true) {
    std::vector<pollfd> fds;
    if (in[1] >= 0) fds.push_back({in[1], POLLOUT, 0});
    if (out[0] >= 0) fds.push_back({out[0], POLLIN, 0});
    if (err[0] >= 0) fds.push_back({err[0], POLLIN, 0});
    if (fds.empty()) break;
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (const pollfd& p : fds) {
      if (!p.revents) continue;
      if (p.fd == in[1]) {
        ssize_t n = write(in[1], input.data() + written, input.size() - written);
        if (n > 0) written += static_cast<size_t>(n);
        if (n < 0 || written == input.size()) {
          close(in[1]);
          in[1] = -1;
        }
      } else {
        ssize_t n = read(p.fd, buf, sizeof buf);
        if (n <= 0) {
          close(p.fd);
          (p.fd == out[0] ? out[0] : err[0]) = -1;
        } else {
          (p.fd == out[0] ? stdout_s : stderr_s).append(buf, static_cast<size_t>(n));
        }
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Internal(argv[0] + " " + (argv.size() > 1 ? argv[1] : "") + ": " + stderr_s);
  }
  return stdout_s;
}

Result<std::string> Git(const std::string& dir, const std::vector<std::string>& args,
                        const std::string& input) {
  std::vector<std::string> argv = {"git", "-C", dir};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(
      argv, input,
      {"GIT_AUTHOR_NAME=Sim", "GIT_AUTHOR_EMAIL=sim@example.com", "GIT_COMMITTER_NAME=Sim",
       "GIT_COMMITTER_EMAIL=sim@example.com", "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0"});
}

void Reply(httplib::Response& res, int status, const Json& j) {
  res.status = status;
  res.set_content(j.dump(), "application/json; charset=utf-8");
}

void Fail(httplib::Response& res, int status, const std::string& msg) {
  Reply(res, status, Json{{"message", msg}});
}

Json BodyJson(const httplib::Request& req) {
  Json j = Json::parse(req.body, nullptr, false);
  return j.is_discarded() ? Json() : j;
}

std::string Iso(std::chrono::system_clock::time_point t) {
  time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string B64(std::string_view s) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : s) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += a[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += a[(acc << (6 - bits)) & 63];
  while (out.size() % 4) out += '=';
  return out;
}

Result<std::string> UnB64(std::string_view s) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+' || c == '-')
      v = 62;
    else if (c == '/' || c == '_')
      v = 63;
    else if (c == '=' || c == '\n' || c == '\r')
      continue;
    else
      return InvalidArgument("bad base64");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

bool LineInPatch(const std::string& patch, int want) {
  std::istringstream in(patch);
  std::string l;
  int n = -1;
  while (std::getline(in, l)) {
    if (l.rfind("@@ ", 0) == 0) {
      size_t p = l.find(" +");
      n = p == std::string::npos ? -1 : std::atoi(l.c_str() + p + 2);
    } else if (n >= 0 && !l.empty() && (l[0] == '+' || l[0] == ' ')) {
      if (n == want) return true;
      ++n;
    }
  }
  return false;
}

// ---- lifecycle ----

ForgeSim::ForgeSim(Options options) : options_(std::move(options)) {}

Result<std::unique_ptr<ForgeSim>> ForgeSim::Start(Options options) {
  std::unique_ptr<ForgeSim> sim(new ForgeSim(std::move(options)));
  std::string tmpl = (fs::temp_directory_path() / "forgesim-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return Internal("forge sim: mkdtemp");
  sim->root_ = tmpl;
  fs::create_directories(sim->root_ + "/git");
  sim->server_ = std::make_unique<httplib::Server>();
  ForgeSim* self = sim.get();
  // Plain handlers (not a pre-routing one): those run after the body has been read.
  auto handler = [self](const httplib::Request& req, httplib::Response& res) {
    self->Route(req, res);
  };
  sim->server_->Get(".*", handler);
  sim->server_->Post(".*", handler);
  sim->server_->Put(".*", handler);
  sim->server_->Patch(".*", handler);
  sim->server_->Delete(".*", handler);
  sim->port_ = sim->server_->bind_to_any_port("127.0.0.1");
  if (sim->port_ <= 0) return Unavailable("forge sim: cannot bind 127.0.0.1");
  sim->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  while (!sim->server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return sim;
}

ForgeSim::~ForgeSim() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  std::error_code ec;
  if (!root_.empty()) fs::remove_all(root_, ec);
}

std::string ForgeSim::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
std::string ForgeSim::clone_url(const std::string& repo) const {
  return base_url() + "/git/" + repo + ".git";
}
std::string ForgeSim::git_dir(const std::string& repo) const {
  return root_ + "/git/" + repo + ".git";
}

std::string ForgeSim::NextId() { return std::to_string(++next_id_); }

// ---- routing ----

void ForgeSim::Route(const httplib::Request& req, httplib::Response& res) {
  {
    std::lock_guard lock(mu_);
    log_.push_back(req.method + " " + req.path);
  }
  if (ApplyFault(req, res)) return;
  if (req.path.rfind("/git/", 0) == 0) return ServeGit(req, res);
  {
    std::lock_guard lock(mu_);
    int64_t remaining = rate_remaining_ > 0 ? --rate_remaining_ : 0;
    auto reset = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count() +
                 3600;
    res.set_header("x-ratelimit-limit", "5000");
    res.set_header("x-ratelimit-remaining", std::to_string(remaining));
    res.set_header("x-ratelimit-reset", std::to_string(reset));
    res.set_header("RateLimit-Limit", "2000");
    res.set_header("RateLimit-Remaining", std::to_string(remaining));
    res.set_header("RateLimit-Reset", std::to_string(reset));
  }
  if (req.path.rfind("/api/v4/", 0) == 0) return GitLab(req, res);
  if (req.path.rfind("/app/", 0) == 0) return GitHubApp(req, res);
  if (req.path.size() > 13 && req.path.rfind("/repos/", 0) == 0 &&
      req.path.substr(req.path.size() - 13) == "/installation") {
    if (!AppJwtOk(req, res)) return;
    std::lock_guard lock(mu_);
    if (!FindRepo(req.path.substr(7, req.path.size() - 20))) return Fail(res, 404, "Not Found");
    return Reply(res, 200, Json{{"id", options_.installation_id}, {"app_id", options_.app_id}});
  }
  bool app_token = false;
  if (!GitHubAuthorized(req.get_header_value("Authorization"), &app_token)) {
    return Fail(res, 401, "Bad credentials");
  }
  GitHub(req, res, app_token);
}

bool ForgeSim::ApplyFault(const httplib::Request& req, httplib::Response& res) {
  Fault f;
  {
    std::lock_guard lock(mu_);
    auto it = faults_.begin();
    for (; it != faults_.end(); ++it) {
      if ((it->method.empty() || it->method == req.method) &&
          (req.method + " " + req.path).find(it->path_contains) != std::string::npos) {
        break;
      }
    }
    if (it == faults_.end()) return false;
    f = *it;
    if (--it->times <= 0) faults_.erase(it);
  }
  if (f.delay.count() > 0) std::this_thread::sleep_for(f.delay);
  if (f.status == 0) return false;
  if (f.retry_after >= 0) res.set_header("Retry-After", std::to_string(f.retry_after));
  res.status = f.status;
  res.set_content(f.body, "application/json");
  return true;
}

bool ForgeSim::GitHubAuthorized(const std::string& authorization, bool* app_token) const {
  std::string token;
  for (const char* prefix : {"Bearer ", "token "}) {
    if (authorization.rfind(prefix, 0) == 0) token = authorization.substr(strlen(prefix));
  }
  if (token.empty()) return false;
  std::lock_guard lock(mu_);
  if (app_tokens_.count(token)) {
    auto it = token_expiry_.find(token);
    if (it != token_expiry_.end() && it->second <= std::chrono::system_clock::now()) return false;
    *app_token = true;
    return true;
  }
  return token == options_.github_token;
}

void ForgeSim::ServeGit(const httplib::Request& req, httplib::Response& res) {
  // Basic auth: x-access-token:<github token> or oauth2:<gitlab token>.
  std::string authz = req.get_header_value("Authorization");
  bool ok = false;
  std::string user;
  if (authz.rfind("Basic ", 0) == 0) {
    auto decoded = UnB64(authz.substr(6));
    if (decoded) {
      size_t colon = decoded->find(':');
      user = decoded->substr(0, colon);
      std::string pass = colon == std::string::npos ? "" : decoded->substr(colon + 1);
      if (user == "x-access-token") {
        bool app = false;
        ok = GitHubAuthorized("Bearer " + pass, &app);
      } else if (user == "oauth2") {
        ok = pass == options_.gitlab_token;
      }
    }
  }
  if (!ok) {
    res.status = 401;
    res.set_header("WWW-Authenticate", "Basic realm=\"forge-sim\"");
    res.set_content("authentication required\n", "text/plain");
    return;
  }
  std::vector<std::string> env = {
      "GIT_PROJECT_ROOT=" + root_ + "/git",
      "GIT_HTTP_EXPORT_ALL=1",
      "PATH_INFO=" + req.path.substr(4),
      "REQUEST_METHOD=" + req.method,
      "QUERY_STRING=" + (req.path.find("info/refs") != std::string::npos
                             ? std::string("service=") + req.get_param_value("service")
                             : std::string()),
      "CONTENT_TYPE=" + req.get_header_value("Content-Type"),
      "CONTENT_LENGTH=" + std::to_string(req.body.size()),
      "REMOTE_USER=" + user,
      "REMOTE_ADDR=127.0.0.1",
      "GIT_PROTOCOL=" + req.get_header_value("Git-Protocol")};
  auto out = Run({"/usr/lib/git-core/git-http-backend"}, req.body, env);
  if (!out) return Fail(res, 500, out.error().message);
  // CGI output: headers, a blank line, the body.
  size_t sep = out->find("\r\n\r\n");
  size_t skip = 4;
  if (sep == std::string::npos) {
    sep = out->find("\n\n");
    skip = 2;
  }
  if (sep == std::string::npos) return Fail(res, 500, "git http-backend: no headers");
  std::istringstream hs(out->substr(0, sep));
  std::string line, content_type = "application/octet-stream";
  res.status = 200;
  while (std::getline(hs, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string k = line.substr(0, colon), v = line.substr(colon + 1);
    while (!v.empty() && v[0] == ' ') v.erase(0, 1);
    if (k == "Status") {
      res.status = std::atoi(v.c_str());
    } else if (k == "Content-Type") {
      content_type = v;
    } else {
      res.set_header(k, v);
    }
  }
  res.set_content(out->substr(sep + skip), content_type);
}

// ---- pagination ----

void ForgeSim::Paginate(const httplib::Request& req, httplib::Response& res, const Json& items,
                        bool gitlab) {
  int per_page = gitlab ? 20 : 30;
  if (req.has_param("per_page"))
    per_page = std::clamp(std::atoi(req.get_param_value("per_page").c_str()), 1, 100);
  int page =
      req.has_param("page") ? std::max(1, std::atoi(req.get_param_value("page").c_str())) : 1;
  int total = static_cast<int>(items.size());
  int pages = std::max(1, (total + per_page - 1) / per_page);
  Json slice = Json::array();
  for (int i = (page - 1) * per_page; i < total && i < page * per_page; ++i)
    slice.push_back(items[i]);
  auto url = [&](int p) {
    std::string q;
    for (const auto& [k, v] : req.params) {
      if (k == "page" || k == "per_page") continue;
      q += k + "=" + httplib::detail::encode_query_param(v) + "&";
    }
    return base_url() + req.path + "?" + q + "per_page=" + std::to_string(per_page) +
           "&page=" + std::to_string(p);
  };
  std::string link;
  if (page < pages)
    link = "<" + url(page + 1) + ">; rel=\"next\", <" + url(pages) + ">; rel=\"last\"";
  if (page > 1) link += std::string(link.empty() ? "" : ", ") + "<" + url(1) + ">; rel=\"first\"";
  if (!link.empty()) res.set_header("Link", link);
  if (gitlab) {
    res.set_header("x-page", std::to_string(page));
    res.set_header("x-per-page", std::to_string(per_page));
    res.set_header("x-total", std::to_string(total));
    res.set_header("x-total-pages", std::to_string(pages));
    res.set_header("x-next-page", page < pages ? std::to_string(page + 1) : "");
    res.set_header("x-prev-page", page > 1 ? std::to_string(page - 1) : "");
  }
  Reply(res, 200, slice);
}

// ---- repositories and pulls ----

ForgeSim::Repo* ForgeSim::FindRepo(const std::string& name) {
  auto it = repos_.find(name);
  return it == repos_.end() ? nullptr : it->second.get();
}

ForgeSim::Repo* ForgeSim::RepoByGitLabId(const std::string& id_or_path, std::string* rest) {
  // The path arrives decoded ("group/project/merge_requests/1"): match a known project.
  Repo* best = nullptr;
  for (auto& [name, repo] : repos_) {
    std::string id = std::to_string(repo->project_id);
    for (const std::string& key : {name, id}) {
      if (id_or_path.rfind(key, 0) == 0 &&
          (id_or_path.size() == key.size() || id_or_path[key.size()] == '/')) {
        if (!best || key.size() > best->name.size()) {
          best = repo.get();
          *rest = id_or_path.substr(key.size());
        }
      }
    }
  }
  return best;
}

Result<int64_t> ForgeSim::CreateRepo(const std::string& repo, const std::string& default_branch) {
  std::string dir = git_dir(repo);
  fs::create_directories(dir);
  SB_TRY(Git(dir, {"init", "--bare", "-q", "-b", default_branch}));
  SB_TRY(Git(dir, {"config", "http.receivepack", "true"}));
  SB_TRY(Git(dir, {"config", "uploadpack.allowAnySHA1InWant", "true"}));
  std::lock_guard lock(mu_);
  auto r = std::make_unique<Repo>();
  r->name = repo;
  r->project_id = next_project_id_++;
  r->default_branch = default_branch;
  r->dir = dir;
  int64_t id = r->project_id;
  repos_[repo] = std::move(r);
  return id;
}

Result<std::string> ForgeSim::Commit(const std::string& repo, const std::string& branch,
                                     const std::map<std::string, std::string>& files,
                                     const std::string& message, const std::string& from) {
  std::lock_guard lock(mu_);
  Repo* r = FindRepo(repo);
  if (!r) return NotFound("no repo " + repo);
  return PutFiles(*r, branch, files, message, from);
}

// Writes files on `branch` with plumbing (a temporary index; no work tree).
Result<std::string> ForgeSim::PutFiles(Repo& repo, const std::string& branch,
                                       const std::map<std::string, std::string>& files,
                                       const std::string& message, const std::string& from) {
  std::string parent;
  if (auto p =
          Git(repo.dir, {"rev-parse", "-q", "--verify", "refs/heads/" + branch + "^{commit}"})) {
    parent = p->substr(0, 40);
  } else if (!from.empty()) {
    SB_TRY_ASSIGN(std::string f, Git(repo.dir, {"rev-parse", "--verify", from + "^{commit}"}));
    parent = f.substr(0, 40);
  }
  std::string index = root_ + "/index-" + NextId();
  std::string env = "GIT_INDEX_FILE=" + index;
  auto git = [&](const std::vector<std::string>& args, const std::string& in = "") {
    std::vector<std::string> argv = {"git", "-C", repo.dir};
    argv.insert(argv.end(), args.begin(), args.end());
    return Run(argv, in,
               {env, "GIT_AUTHOR_NAME=Sim", "GIT_AUTHOR_EMAIL=sim@example.com",
                "GIT_COMMITTER_NAME=Sim", "GIT_COMMITTER_EMAIL=sim@example.com"});
  };
  if (!parent.empty()) SB_TRY(git({"read-tree", parent}));
  for (const auto& [path, content] : files) {
    if (content.empty()) {
      // Mode 0 removes the entry (works without a work tree, unlike --force-remove).
      SB_TRY(git({"update-index", "--index-info"},
                 "0 0000000000000000000000000000000000000000\t" + path + "\n"));
      continue;
    }
    SB_TRY_ASSIGN(std::string blob, git({"hash-object", "-w", "--stdin"}, content));
    SB_TRY(
        git({"update-index", "--add", "--cacheinfo", "100644," + blob.substr(0, 40) + "," + path}));
  }
  SB_TRY_ASSIGN(std::string tree, git({"write-tree"}));
  std::vector<std::string> args = {"commit-tree", tree.substr(0, 40), "-m", message};
  if (!parent.empty()) args.insert(args.end(), {"-p", parent});
  SB_TRY_ASSIGN(std::string commit, git(args));
  commit = commit.substr(0, 40);
  SB_TRY(git({"update-ref", "refs/heads/" + branch, commit}));
  std::error_code ec;
  fs::remove(index, ec);
  return commit;
}

void ForgeSim::SetPermission(const std::string& repo, const std::string& user,
                             const std::string& perm) {
  std::lock_guard lock(mu_);
  if (Repo* r = FindRepo(repo)) r->permissions[user] = perm;
}

Result<int64_t> ForgeSim::OpenPull(const std::string& repo, const std::string& head,
                                   const std::string& base, const std::string& title,
                                   const std::string& user) {
  std::lock_guard lock(mu_);
  Repo* r = FindRepo(repo);
  if (!r) return NotFound("no repo " + repo);
  SimPull p;
  p.number = static_cast<int64_t>(r->pulls.size()) + 1;
  p.title = title;
  p.user = user;
  p.head_ref = head;
  p.base_ref = base;
  RefreshPull(*r, p);
  if (p.head_sha.empty() || p.base_sha.empty())
    return NotFound("no branch " + head + " or " + base);
  r->pulls[p.number] = p;
  SimComment sys{std::stoll(NextId()), p.number, "created merge request", "system", true, {}};
  r->comments.push_back(sys);
  return p.number;
}

void ForgeSim::RefreshPull(Repo& repo, SimPull& pull) {
  if (pull.state != "open") return;
  auto head = Git(repo.dir, {"rev-parse", "-q", "--verify", "refs/heads/" + pull.head_ref});
  auto base = Git(repo.dir, {"rev-parse", "-q", "--verify", "refs/heads/" + pull.base_ref});
  if (head) pull.head_sha = head->substr(0, 40);
  if (base) pull.base_sha = base->substr(0, 40);
  if (head && pull.number > 0) {
    std::string n = std::to_string(pull.number);
    (void)Git(repo.dir, {"update-ref", "refs/pull/" + n + "/head", pull.head_sha});
    (void)Git(repo.dir, {"update-ref", "refs/merge-requests/" + n + "/head", pull.head_sha});
  }
}

Result<std::vector<ForgeSim::Diff>> ForgeSim::PullDiff(Repo& repo, SimPull& pull) {
  RefreshPull(repo, pull);
  SB_TRY_ASSIGN(std::string mb, Git(repo.dir, {"merge-base", pull.base_sha, pull.head_sha}));
  mb = mb.substr(0, 40);
  SB_TRY_ASSIGN(std::string ns, Git(repo.dir, {"diff", "--name-status", "-M", mb, pull.head_sha}));
  // One full diff, split per file; its sections come in --name-status order.
  SB_TRY_ASSIGN(std::string full, Git(repo.dir, {"diff", "--no-color", "-M", mb, pull.head_sha}));
  std::vector<std::string> sections;
  for (size_t pos = full.find("diff --git "); pos != std::string::npos;) {
    size_t next = full.find("\ndiff --git ", pos);
    sections.push_back(full.substr(pos, next == std::string::npos ? next : next + 1 - pos));
    pos = next == std::string::npos ? next : next + 1;
  }
  std::vector<Diff> out;
  std::istringstream in(ns);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    std::string part;
    while (std::getline(ls, part, '\t')) f.push_back(part);
    if (f.size() < 2) continue;
    Diff d;
    char s = f[0][0];
    d.status = s == 'A' ? "added" : s == 'D' ? "removed" : s == 'R' ? "renamed" : "modified";
    d.path = f.back();
    d.old_path = f.size() > 2 ? f[1] : "";
    const std::string patch = out.size() < sections.size() ? sections[out.size()] : "";
    size_t at = patch.find("\n@@");
    d.patch = at == std::string::npos ? "" : patch.substr(at + 1);
    if (!d.patch.empty() && d.patch.back() == '\n') d.patch.pop_back();
    out.push_back(std::move(d));
  }
  return out;
}

int64_t ForgeSim::AddComment(const std::string& repo, int64_t pr, const std::string& body,
                             const std::string& user) {
  std::lock_guard lock(mu_);
  Repo* r = FindRepo(repo);
  if (!r) return 0;
  int64_t id = std::stoll(NextId());
  r->comments.push_back(SimComment{id, pr, body, user, false, {}});
  return id;
}

// ---- faults and inspection ----

void ForgeSim::InjectFault(Fault fault) {
  std::lock_guard lock(mu_);
  faults_.push_back(std::move(fault));
}

void ForgeSim::ClearFaults() {
  std::lock_guard lock(mu_);
  faults_.clear();
}

std::vector<SimComment> ForgeSim::Comments(const std::string& repo, int64_t pr) const {
  std::lock_guard lock(mu_);
  std::vector<SimComment> out;
  auto it = repos_.find(repo);
  if (it == repos_.end()) return out;
  for (const auto& c : it->second->comments) {
    if (c.pr == pr && !c.system) out.push_back(c);
  }
  return out;
}

std::vector<SimReviewComment> ForgeSim::ReviewComments(const std::string& repo, int64_t pr) const {
  std::lock_guard lock(mu_);
  std::vector<SimReviewComment> out;
  auto it = repos_.find(repo);
  if (it == repos_.end()) return out;
  for (const auto& c : it->second->review_comments) {
    if (c.pr == pr) out.push_back(c);
  }
  return out;
}

std::vector<SimStatus> ForgeSim::Statuses(const std::string& repo, const std::string& sha) const {
  std::lock_guard lock(mu_);
  std::vector<SimStatus> out;
  auto it = repos_.find(repo);
  if (it == repos_.end()) return out;
  for (const auto& s : it->second->statuses) {
    if (s.sha == sha) out.push_back(s);
  }
  return out;
}

std::vector<SimCheckRun> ForgeSim::CheckRuns(const std::string& repo) const {
  std::lock_guard lock(mu_);
  auto it = repos_.find(repo);
  return it == repos_.end() ? std::vector<SimCheckRun>() : it->second->check_runs;
}

std::optional<SimPull> ForgeSim::Pull(const std::string& repo, int64_t number) const {
  std::lock_guard lock(mu_);
  auto it = repos_.find(repo);
  if (it == repos_.end()) return std::nullopt;
  auto p = it->second->pulls.find(number);
  if (p == it->second->pulls.end()) return std::nullopt;
  return p->second;
}

std::vector<SimPull> ForgeSim::Pulls(const std::string& repo) const {
  std::lock_guard lock(mu_);
  std::vector<SimPull> out;
  auto it = repos_.find(repo);
  if (it != repos_.end()) {
    for (const auto& [n, p] : it->second->pulls) out.push_back(p);
  }
  return out;
}

int ForgeSim::RequestCount(const std::string& needle) const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& l : log_) {
    if (l.find(needle) != std::string::npos) ++n;
  }
  return n;
}

std::vector<std::string> ForgeSim::RequestLog() const {
  std::lock_guard lock(mu_);
  return log_;
}

int ForgeSim::TokensIssued() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(app_tokens_.size());
}

}  // namespace schemabot::sim
