// The simulator's GitHub REST v3 endpoints.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <regex>

#include "tests/sim/sim_state.h"

namespace schemabot::sim {
namespace {

constexpr size_t kMaxComment = 65536;

Json UserJson(const std::string& login) {
  bool bot = login.find("[bot]") != std::string::npos;
  return Json{{"login", login}, {"type", bot ? "Bot" : "User"}};
}

Json CommentJson(const SimComment& c) {
  return Json{{"id", c.id}, {"body", c.body}, {"user", UserJson(c.user)}};
}

Json ReviewJson(const SimReviewComment& c) {
  Json j = {{"id", c.id},
            {"path", c.path},
            {"line", c.line},
            {"original_line", c.line},
            {"body", c.body},
            {"commit_id", c.commit},
            {"user", UserJson(c.user)},
            {"side", "RIGHT"}};
  if (c.start_line) j["start_line"] = c.start_line;
  return j;
}

bool Match(const std::string& s, const char* re, std::smatch& m) {
  return std::regex_match(s, m, std::regex(re));
}

// Verifies an RS256 JWT against `public_pem`; returns its claims or an error text.
Result<Json> VerifyJwt(const std::string& jwt, const std::string& public_pem) {
  size_t a = jwt.find('.'), b = jwt.rfind('.');
  if (a == std::string::npos || a == b) return InvalidArgument("malformed JWT");
  SB_TRY_ASSIGN(std::string header, UnB64(jwt.substr(0, a)));
  SB_TRY_ASSIGN(std::string claims, UnB64(jwt.substr(a + 1, b - a - 1)));
  SB_TRY_ASSIGN(std::string sig, UnB64(jwt.substr(b + 1)));
  Json h = Json::parse(header, nullptr, false);
  if (h.is_discarded() || h.value("alg", "") != "RS256")
    return InvalidArgument("alg must be RS256");
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!key) return InvalidArgument("no public key");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string input = jwt.substr(0, b);
  bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  if (!ok) return PermissionDenied("signature does not verify");
  Json c = Json::parse(claims, nullptr, false);
  if (c.is_discarded()) return InvalidArgument("claims are not JSON");
  return c;
}

}  // namespace

RsaKeyPair GenerateRsaKeyPair() {
  RsaKeyPair out;
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* priv = BIO_new(BIO_s_mem());
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_PUBKEY(pub, key);
  char* data = nullptr;
  long n = BIO_get_mem_data(priv, &data);
  out.private_pem.assign(data, static_cast<size_t>(n));
  n = BIO_get_mem_data(pub, &data);
  out.public_pem.assign(data, static_cast<size_t>(n));
  BIO_free(priv);
  BIO_free(pub);
  EVP_PKEY_free(key);
  return out;
}

RsaKeyPair SelfSignedLocalhostCert() {
  RsaKeyPair out;
  EVP_PKEY* key = EVP_RSA_gen(2048);
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, key, EVP_sha256());
  BIO* kb = BIO_new(BIO_s_mem());
  BIO* cb = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(kb, key, nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_X509(cb, x);
  char* data = nullptr;
  long n = BIO_get_mem_data(kb, &data);
  out.private_pem.assign(data, static_cast<size_t>(n));
  n = BIO_get_mem_data(cb, &data);
  out.public_pem.assign(data, static_cast<size_t>(n));
  BIO_free(kb);
  BIO_free(cb);
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

bool ForgeSim::AppJwtOk(const httplib::Request& req, httplib::Response& res) {
  std::string authz = req.get_header_value("Authorization");
  if (authz.rfind("Bearer ", 0) != 0 || options_.app_public_key_pem.empty()) {
    Fail(res, 401, "A JSON web token could not be decoded");
    return false;
  }
  auto claims = VerifyJwt(authz.substr(7), options_.app_public_key_pem);
  if (!claims) {
    Fail(res, 401, "A JSON web token could not be decoded: " + claims.error().message);
    return false;
  }
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  const Json& c = *claims;
  if (!c.contains("iat") || !c.contains("exp") || !c["iat"].is_number() || !c["exp"].is_number()) {
    Fail(res, 401, "'iat' and 'exp' are required");
    return false;
  }
  int64_t iat = c["iat"].get<int64_t>(), exp = c["exp"].get<int64_t>();
  if (exp <= now || iat > now + 60 || exp - iat > 660) {
    Fail(res, 401, "'Expiration time' claim ('exp') is too far in the future or expired");
    return false;
  }
  std::string iss = c.contains("iss")
                        ? (c["iss"].is_string() ? c["iss"].get<std::string>() : c["iss"].dump())
                        : "";
  if (iss != options_.app_id) {
    Fail(res, 401, "Integration not found");
    return false;
  }
  return true;
}

void ForgeSim::GitHubApp(const httplib::Request& req, httplib::Response& res) {
  std::smatch m;
  if (req.method != "POST" || !Match(req.path, R"(/app/installations/(\d+)/access_tokens)", m)) {
    return Fail(res, 404, "Not Found");
  }
  if (!AppJwtOk(req, res)) return;
  if (std::stoll(m[1]) != options_.installation_id) return Fail(res, 404, "Not Found");
  auto expires = std::chrono::system_clock::now() + options_.token_ttl;
  std::string token;
  {
    std::lock_guard lock(mu_);
    token = "ghs_sim" + NextId();
    app_tokens_.insert(token);
    token_expiry_[token] = expires;
  }
  Reply(res, 201, Json{{"token", token}, {"expires_at", Iso(expires)}});
}

void ForgeSim::GitHub(const httplib::Request& req, httplib::Response& res, bool app_token) {
  std::smatch m;
  if (!Match(req.path, R"(/repos/([^/]+/[^/]+)(/.*)?)", m)) return Fail(res, 404, "Not Found");
  std::lock_guard lock(mu_);
  Repo* repo = FindRepo(m[1]);
  if (!repo) return Fail(res, 404, "Not Found");
  GitHubRepo(*repo, m[2], req, res, app_token);
}

void ForgeSim::GitHubRepo(Repo& repo, const std::string& rest, const httplib::Request& req,
                          httplib::Response& res, bool app_token) {
  std::smatch m;
  const std::string& method = req.method;
  Json body = BodyJson(req);
  auto pull = [&](const std::string& n) -> SimPull* {
    auto it = repo.pulls.find(std::stoll(n));
    if (it == repo.pulls.end()) return nullptr;
    RefreshPull(repo, it->second);
    return &it->second;
  };
  auto pull_json = [&](const SimPull& p) {
    return Json{
        {"number", p.number},
        {"title", p.title},
        {"body", p.body},
        {"state", p.state == "merged" ? "closed" : p.state},
        {"merged", p.state == "merged"},
        {"draft", false},
        {"user", UserJson(p.user)},
        {"html_url", base_url() + "/" + repo.name + "/pull/" + std::to_string(p.number)},
        {"head", {{"ref", p.head_ref}, {"sha", p.head_sha}, {"repo", {{"full_name", repo.name}}}}},
        {"base", {{"ref", p.base_ref}, {"sha", p.base_sha}, {"repo", {{"full_name", repo.name}}}}}};
  };

  if (Match(rest, R"(/pulls/(\d+))", m)) {
    SimPull* p = pull(m[1]);
    if (!p) return Fail(res, 404, "Not Found");
    if (method == "PATCH") {
      if (body.contains("title") && body["title"].is_string()) p->title = body["title"];
      if (body.contains("body") && body["body"].is_string()) p->body = body["body"];
    }
    return Reply(res, 200, pull_json(*p));
  }
  if (Match(rest, R"(/pulls/(\d+)/files)", m)) {
    SimPull* p = pull(m[1]);
    if (!p) return Fail(res, 404, "Not Found");
    auto diff = PullDiff(repo, *p);
    if (!diff) return Fail(res, 500, diff.error().message);
    Json items = Json::array();
    for (const auto& d : *diff) {
      Json f = {{"filename", d.path}, {"status", d.status}};
      if (!d.old_path.empty()) f["previous_filename"] = d.old_path;
      if (!d.patch.empty()) f["patch"] = d.patch;
      items.push_back(f);
    }
    return Paginate(req, res, items, false);
  }
  if (Match(rest, R"(/pulls)", m)) {
    if (method == "POST") {
      std::string head = body.value("head", ""), base = body.value("base", "");
      if (head.find(':') != std::string::npos) head = head.substr(head.find(':') + 1);
      for (const auto& [n, p] : repo.pulls) {
        if (p.state == "open" && p.head_ref == head && p.base_ref == base) {
          return Reply(res, 422,
                       Json{{"message", "Validation Failed"},
                            {"errors",
                             {{{"message", "A pull request already exists for " + repo.name + ":" +
                                               head + "."}}}}});
        }
      }
      SimPull p;
      p.number = static_cast<int64_t>(repo.pulls.size()) + 1;
      p.title = body.value("title", "");
      p.body = body.value("body", "");
      p.head_ref = head;
      p.base_ref = base;
      p.user = options_.bot_user;
      RefreshPull(repo, p);
      if (p.head_sha.empty() || p.base_sha.empty()) {
        return Reply(res, 422, Json{{"message", "Validation Failed"}});
      }
      repo.pulls[p.number] = p;
      return Reply(res, 201, pull_json(p));
    }
    std::string head = req.get_param_value("head"), base = req.get_param_value("base");
    std::string state = req.has_param("state") ? req.get_param_value("state") : "open";
    Json items = Json::array();
    for (auto& [n, p] : repo.pulls) {
      RefreshPull(repo, p);
      std::string owner = repo.name.substr(0, repo.name.find('/'));
      if (!head.empty() && owner + ":" + p.head_ref != head) continue;
      if (!base.empty() && p.base_ref != base) continue;
      if (state != "all" && (state == "open") != (p.state == "open")) continue;
      items.push_back(pull_json(p));
    }
    return Paginate(req, res, items, false);
  }
  if (Match(rest, R"(/issues/(\d+)/comments)", m)) {
    int64_t n = std::stoll(m[1]);
    if (!repo.pulls.count(n)) return Fail(res, 404, "Not Found");
    if (method == "POST") {
      std::string text = body.value("body", "");
      if (text.empty() || text.size() > kMaxComment) {
        return Reply(res, 422,
                     Json{{"message", "Validation Failed"},
                          {"errors",
                           {{{"field", "body"},
                             {"code", "custom"},
                             {"message", "body is too long (maximum is 65536 characters)"}}}}});
      }
      SimComment c{std::stoll(NextId()), n, text, options_.bot_user, false, {}};
      repo.comments.push_back(c);
      return Reply(res, 201, CommentJson(c));
    }
    Json items = Json::array();
    for (const auto& c : repo.comments) {
      if (c.pr == n && !c.system) items.push_back(CommentJson(c));
    }
    return Paginate(req, res, items, false);
  }
  if (Match(rest, R"(/issues/comments/(\d+)(/reactions)?)", m)) {
    int64_t id = std::stoll(m[1]);
    for (auto& c : repo.comments) {
      if (c.id != id || c.system) continue;
      if (m[2].matched) {
        std::string content = body.value("content", "");
        static const std::set<std::string> kOk = {"+1",    "-1",     "laugh",  "confused",
                                                  "heart", "hooray", "rocket", "eyes"};
        if (!kOk.count(content)) return Reply(res, 422, Json{{"message", "Validation Failed"}});
        bool fresh = c.reactions.insert(content).second;
        return Reply(res, fresh ? 201 : 200, Json{{"id", id * 10}, {"content", content}});
      }
      if (method == "PATCH") {
        std::string text = body.value("body", "");
        if (text.empty() || text.size() > kMaxComment)
          return Reply(res, 422, Json{{"message", "Validation Failed"}});
        c.body = text;
      }
      return Reply(res, 200, CommentJson(c));
    }
    return Fail(res, 404, "Not Found");
  }
  if (Match(rest, R"(/pulls/(\d+)/comments)", m)) {
    SimPull* p = pull(m[1]);
    if (!p) return Fail(res, 404, "Not Found");
    if (method == "POST") {
      std::string path = body.value("path", ""), text = body.value("body", "");
      int line =
          body.contains("line") && body["line"].is_number_integer() ? body["line"].get<int>() : 0;
      if (text.empty() || text.size() > kMaxComment || body.value("commit_id", "").empty()) {
        return Reply(res, 422, Json{{"message", "Validation Failed"}});
      }
      auto diff = PullDiff(repo, *p);
      if (!diff) return Fail(res, 500, diff.error().message);
      bool in_diff = false;
      for (const auto& d : *diff) {
        if (d.path == path && LineInPatch(d.patch, line)) in_diff = true;
      }
      if (!in_diff) {
        return Reply(
            res, 422,
            Json{{"message", "Validation Failed"},
                 {"errors", {"pull_request_review_thread.line must be part of the diff"}}});
      }
      SimReviewComment c{std::stoll(NextId()),
                         p->number,
                         path,
                         line,
                         body.contains("start_line") && body["start_line"].is_number_integer()
                             ? body["start_line"].get<int>()
                             : 0,
                         text,
                         body.value("commit_id", ""),
                         options_.bot_user};
      repo.review_comments.push_back(c);
      return Reply(res, 201, ReviewJson(c));
    }
    Json items = Json::array();
    for (const auto& c : repo.review_comments) {
      if (c.pr == p->number) items.push_back(ReviewJson(c));
    }
    return Paginate(req, res, items, false);
  }
  if (Match(rest, R"(/statuses/([0-9a-f]{40}))", m) && method == "POST") {
    static const std::set<std::string> kStates = {"error", "failure", "pending", "success"};
    std::string state = body.value("state", "");
    if (!kStates.count(state)) return Reply(res, 422, Json{{"message", "Validation Failed"}});
    if (!Git(repo.dir, {"cat-file", "-e", std::string(m[1]) + "^{commit}"})) {
      return Reply(res, 422, Json{{"message", "No commit found for SHA: " + std::string(m[1])}});
    }
    repo.statuses.push_back(SimStatus{m[1], state, body.value("context", "default"),
                                      body.value("description", ""), body.value("target_url", "")});
    return Reply(res, 201, Json{{"state", state}, {"context", body.value("context", "default")}});
  }
  if (Match(rest, R"(/check-runs(/(\d+))?)", m)) {
    if (!app_token) return Fail(res, 403, "Resource not accessible by personal access token");
    const Json& output =
        body.contains("output") && body["output"].is_object() ? body["output"] : Json();
    Json annotations = output.is_object() && output.contains("annotations") ? output["annotations"]
                                                                            : Json::array();
    if (!annotations.is_array() || annotations.size() > 50) {
      return Reply(res, 422,
                   Json{{"message", "Validation Failed: at most 50 annotations per request"}});
    }
    SimCheckRun* run = nullptr;
    if (method == "POST" && !m[1].matched) {
      if (body.value("name", "").empty() || body.value("head_sha", "").empty()) {
        return Reply(res, 422, Json{{"message", "Validation Failed"}});
      }
      repo.check_runs.push_back(
          SimCheckRun{std::stoll(NextId()), body.value("name", ""), body.value("head_sha", "")});
      run = &repo.check_runs.back();
    } else if (method == "PATCH" && m[1].matched) {
      for (auto& r : repo.check_runs) {
        if (r.id == std::stoll(m[2])) run = &r;
      }
      if (!run) return Fail(res, 404, "Not Found");
    } else {
      return Fail(res, 404, "Not Found");
    }
    if (body.contains("status") && body["status"].is_string()) run->status = body["status"];
    if (body.contains("conclusion") && body["conclusion"].is_string())
      run->conclusion = body["conclusion"];
    if (run->status == "completed" && run->conclusion.empty()) {
      return Reply(res, 422, Json{{"message", "conclusion is required when status is completed"}});
    }
    if (output.is_object()) {
      run->title = output.value("title", run->title);
      run->summary = output.value("summary", run->summary);
      if (run->summary.size() > 65535)
        return Reply(res, 422, Json{{"message", "summary too long"}});
    }
    for (const auto& a : annotations) run->annotations.push_back(a);
    ++run->requests;
    return Reply(res, method == "POST" ? 201 : 200, Json{{"id", run->id}, {"status", run->status}});
  }
  if (Match(rest, R"(/collaborators/([^/]+)/permission)", m)) {
    auto it = repo.permissions.find(m[1]);
    std::string role = it == repo.permissions.end() ? "none" : it->second;
    std::string perm = role == "maintain" ? "write" : role == "triage" ? "read" : role;
    return Reply(res, 200,
                 Json{{"permission", perm}, {"role_name", role}, {"user", UserJson(m[1])}});
  }
  if (Match(rest, R"(/contents/(.+))", m)) {
    std::string path = m[1];
    std::string ref = req.has_param("ref") ? req.get_param_value("ref") : repo.default_branch;
    if (method == "GET") {
      auto blob = Git(repo.dir, {"cat-file", "blob", ref + ":" + path});
      if (!blob) return Fail(res, 404, "Not Found");
      std::string accept = req.get_header_value("Accept");
      if (accept.find("raw") != std::string::npos) {
        res.status = 200;
        res.set_content(*blob, "application/vnd.github.raw");
        return;
      }
      auto sha = Git(repo.dir, {"rev-parse", ref + ":" + path});
      return Reply(res, 200,
                   Json{{"type", "file"},
                        {"encoding", "base64"},
                        {"path", path},
                        {"content", B64(*blob)},
                        {"sha", sha ? sha->substr(0, 40) : ""}});
    }
    if (method == "PUT") {
      std::string branch = body.value("branch", repo.default_branch);
      auto content = UnB64(body.value("content", ""));
      if (!content || body.value("message", "").empty())
        return Reply(res, 422, Json{{"message", "Validation Failed"}});
      auto existing = Git(repo.dir, {"rev-parse", "-q", "--verify", branch + ":" + path});
      std::string given = body.value("sha", "");
      if (existing && given.empty()) {
        return Reply(res, 422, Json{{"message", "Invalid request.\n\n\"sha\" wasn't supplied."}});
      }
      if (existing && given != existing->substr(0, 40)) {
        return Reply(res, 409, Json{{"message", path + " does not match " + given}});
      }
      auto commit = PutFiles(repo, branch, {{path, *content}}, body.value("message", ""), "");
      if (!commit) return Fail(res, 404, "Branch " + branch + " not found");
      return Reply(res, existing ? 200 : 201,
                   Json{{"commit", {{"sha", *commit}}}, {"content", {{"path", path}}}});
    }
  }
  if (Match(rest, R"(/git/ref/heads/(.+))", m) || Match(rest, R"(/git/refs/heads/(.+))", m)) {
    std::string branch = m[1];
    auto sha = Git(repo.dir, {"rev-parse", "-q", "--verify", "refs/heads/" + branch});
    if (!sha) return Fail(res, 404, "Not Found");
    if (method == "PATCH") {
      std::string to = body.value("sha", "");
      bool force = body.value("force", false);
      if (!Git(repo.dir, {"cat-file", "-e", to + "^{commit}"}))
        return Reply(res, 422, Json{{"message", "Object does not exist"}});
      if (!force && !Git(repo.dir, {"merge-base", "--is-ancestor", sha->substr(0, 40), to})) {
        return Reply(res, 422, Json{{"message", "Update is not a fast forward"}});
      }
      (void)Git(repo.dir, {"update-ref", "refs/heads/" + branch, to});
      sha = to;
    }
    return Reply(res, 200,
                 Json{{"ref", "refs/heads/" + branch},
                      {"object", {{"sha", sha->substr(0, 40)}, {"type", "commit"}}}});
  }
  if (rest == "/git/refs" && method == "POST") {
    std::string ref = body.value("ref", ""), sha = body.value("sha", "");
    if (ref.rfind("refs/", 0) != 0 || std::count(ref.begin(), ref.end(), '/') < 2) {
      return Reply(res, 422,
                   Json{{"message",
                         "Reference name must start with 'refs/' and have at least two slashes."}});
    }
    if (Git(repo.dir, {"rev-parse", "-q", "--verify", ref}))
      return Reply(res, 422, Json{{"message", "Reference already exists"}});
    if (!Git(repo.dir, {"cat-file", "-e", sha + "^{commit}"}))
      return Reply(res, 422, Json{{"message", "Object does not exist"}});
    (void)Git(repo.dir, {"update-ref", ref, sha});
    return Reply(res, 201, Json{{"ref", ref}, {"object", {{"sha", sha}, {"type", "commit"}}}});
  }
  Fail(res, 404, "Not Found");
}

}  // namespace schemabot::sim
