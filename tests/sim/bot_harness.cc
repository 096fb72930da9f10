// BotHarness: store + queue + workers + receivers + flows against a ForgeSim.
#include "tests/sim/bot_harness.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "bot/server/server.h"
#include "bot/store/store.h"
#include "engine/lint/replay.h"
#include "tests/http_client.h"
#include "webhooks/server.h"
#include "webhooks/signature.h"

namespace schemabot::sim {
namespace {

namespace fs = std::filesystem;

Json Fixture(const std::string& rel) {
  const char* env = std::getenv("SCHEMABOT_SHARED_DIR");
  std::string root = env && *env ? env : SCHEMABOT_SHARED_DIR;
  std::ifstream in(root + "/fixtures/" + rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return Json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
}

std::string Unique() {
  std::random_device rd;
  return std::to_string(getpid()) + "_" + std::to_string(rd() % 1000000);
}

}  // namespace

struct BotHarness::Parts {
  fs::path dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<queue::Queue> queue;
  std::unique_ptr<forge::Forge> github, gitlab;
  std::unique_ptr<git::MirrorCache> mirrors;
  std::unique_ptr<devdb::Pool> pg, mysql;
  flows::Deps deps;
  queue::Handlers handlers;
  std::unique_ptr<queue::Workers> workers;
  std::unique_ptr<server::StoreSink> sink;
  std::unique_ptr<webhooks::Server> http;

  ~Parts() {
    if (http) http->Stop();
    if (workers) workers->Drain(std::chrono::milliseconds(0));
    http.reset();
    workers.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

Result<std::unique_ptr<BotHarness>> BotHarness::Start(ForgeSim& sim, BotOptions options) {
  std::unique_ptr<BotHarness> h(new BotHarness());
  h->parts_ = std::make_unique<Parts>();
  Parts& p = *h->parts_;
  p.dir = fs::temp_directory_path() / ("schemabot-bot-" + Unique());
  fs::create_directories(p.dir);
  SB_TRY_ASSIGN(p.store, store::OpenStore("sqlite://" + (p.dir / "state.db").string()));
  queue::QueueOptions qo;
  qo.backoff_base = std::chrono::milliseconds(50);
  qo.backoff_max = std::chrono::milliseconds(500);
  qo.max_attempts = 6;
  p.queue = std::make_unique<queue::Queue>(*p.store, qo);

  forge::RetryOptions ro;
  ro.initial_backoff = std::chrono::milliseconds(20);
  ro.max_wait = std::chrono::milliseconds(1500);
  forge::GitHubOptions gh;
  gh.api_url = sim.base_url();
  gh.http.timeout = options.http_timeout;
  if (options.github_app) {
    gh.app_id = sim.options().app_id;
    gh.private_key_pem = options.app_private_key_pem;
  } else {
    gh.token = sim.options().github_token;
  }
  SB_TRY_ASSIGN(auto ghf, forge::NewGitHubForge(gh));
  p.github = forge::NewRetryingForge(std::move(ghf), ro);
  forge::GitLabOptions gl;
  gl.url = sim.gitlab_url();
  gl.token = sim.options().gitlab_token;
  gl.http.timeout = options.http_timeout;
  SB_TRY_ASSIGN(auto glf, forge::NewGitLabForge(gl));
  p.gitlab = forge::NewRetryingForge(std::move(glf), ro);
  SB_TRY_ASSIGN(p.mirrors, git::MirrorCache::Open((p.dir / "cache").string()));

  auto open_pool = [&](const std::string& url,
                       const char* tag) -> Result<std::unique_ptr<devdb::Pool>> {
    if (url.empty()) return std::unique_ptr<devdb::Pool>();
    SB_TRY_ASSIGN(devdb::Url u, devdb::ParseUrl(url));
    devdb::PoolOptions po;
    po.admin_url = u;
    po.size = 2;
    po.name = std::string("bh") + tag + Unique();
    po.warm_up = lint::WarmUpForReplay;  // plans built off the hot path
    return devdb::Pool::Open(po);
  };
  SB_TRY_ASSIGN(p.pg, open_pool(options.pg_admin_url, "p"));
  SB_TRY_ASSIGN(p.mysql, open_pool(options.mysql_admin_url, "m"));

  p.deps.github = p.github.get();
  p.deps.gitlab = p.gitlab.get();
  p.deps.mirrors = p.mirrors.get();
  Parts* parts = &p;
  p.deps.pool = [parts](sql::Dialect d) -> Result<devdb::Pool*> {
    return d == sql::Dialect::kPostgres ? parts->pg.get() : parts->mysql.get();
  };
  p.deps.options = options.flow;
  BotHarness* self = h.get();
  p.deps.on_timings = [self](const flows::Timings& t) {
    std::lock_guard lock(self->mu_);
    self->timings_.push_back(t);
  };
  server::RegisterHandlers(p.handlers, &p.deps);

  queue::WorkerOptions wo;
  wo.workers = options.workers;
  wo.owner = "harness:" + Unique();
  wo.poll_interval = std::chrono::milliseconds(20);
  p.workers = std::make_unique<queue::Workers>(*p.queue, p.handlers, wo);
  p.sink = std::make_unique<server::StoreSink>(*p.queue, p.handlers, std::vector<std::string>{"**"},
                                               p.workers.get());
  webhooks::ServerOptions so;
  so.secrets.github = {kSecret};
  so.secrets.gitlab = {kSecret};
  p.workers->Start();
  SB_TRY_ASSIGN(p.http, webhooks::Server::Start(so, *p.sink));
  return h;
}

BotHarness::~BotHarness() = default;

int BotHarness::port() const { return parts_->http->port(); }

int BotHarness::SendGitHub(const std::string& event, const std::string& delivery,
                           const std::string& body) {
  return testing::HttpCall(port(), "POST", "/webhooks/github",
                           {{"Content-Type", "application/json"},
                            {"X-GitHub-Event", event},
                            {"X-GitHub-Delivery", delivery},
                            {"X-Hub-Signature-256", webhooks::SignatureHeader(kSecret, body)}},
                           body)
      .status;
}

int BotHarness::SendGitLab(const std::string& event, const std::string& uuid,
                           const std::string& body) {
  return testing::HttpCall(port(), "POST", "/webhooks/gitlab",
                           {{"Content-Type", "application/json"},
                            {"X-Gitlab-Event", event},
                            {"X-Gitlab-Event-UUID", uuid},
                            {"X-Gitlab-Token", kSecret}},
                           body)
      .status;
}

bool BotHarness::WaitIdle(std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    auto st = parts_->queue->Stats();
    if (st && st->queued == 0 && st->running == 0 && parts_->workers->running() == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::vector<queue::Job> BotHarness::Jobs() {
  auto jobs = parts_->queue->List(std::nullopt, 1000);
  return jobs ? *jobs : std::vector<queue::Job>{};
}

std::vector<flows::Timings> BotHarness::timings() const {
  std::lock_guard lock(mu_);
  return timings_;
}

std::string GitHubPullRequestPayload(const ForgeSim& sim, const std::string& repo, int64_t number,
                                     const std::string& action) {
  Json j = Fixture("github/pull_request." + action + ".json");
  auto pull = sim.Pull(repo, number);
  j["action"] = action;
  j["number"] = number;
  std::string owner = repo.substr(0, repo.find('/'));
  std::string name = repo.substr(repo.find('/') + 1);
  for (Json* r :
       {&j["repository"], &j["pull_request"]["head"]["repo"], &j["pull_request"]["base"]["repo"]}) {
    (*r)["full_name"] = repo;
    (*r)["name"] = name;
    (*r)["owner"]["login"] = owner;
    (*r)["clone_url"] = sim.clone_url(repo);
    (*r)["fork"] = false;
  }
  Json& pr = j["pull_request"];
  pr["number"] = number;
  pr["state"] = "open";
  pr["draft"] = false;
  if (pull) {
    pr["head"]["ref"] = pull->head_ref;
    pr["head"]["sha"] = pull->head_sha;
    pr["base"]["ref"] = pull->base_ref;
    pr["base"]["sha"] = pull->base_sha;
    pr["title"] = pull->title;
  }
  return j.dump();
}

std::string GitLabMergeRequestPayload(const ForgeSim& sim, const std::string& repo, int64_t iid,
                                      const std::string& action, const std::string& oldrev) {
  Json j = Fixture(action == "update" ? "gitlab/merge_request.update-with-oldrev.go-gitlab.json"
                                      : "gitlab/merge_request.open.go-playground.json");
  auto pull = sim.Pull(repo, iid);
  for (Json* p :
       {&j["project"], &j["object_attributes"]["source"], &j["object_attributes"]["target"]}) {
    (*p)["path_with_namespace"] = repo;
    (*p)["git_http_url"] = sim.clone_url(repo);
  }
  Json& oa = j["object_attributes"];
  oa["iid"] = iid;
  oa["action"] = action;
  oa["state"] = "opened";
  oa["source_project_id"] = oa["target_project_id"];
  oa["draft"] = false;
  oa["work_in_progress"] = false;
  if (pull) {
    oa["source_branch"] = pull->head_ref;
    oa["target_branch"] = pull->base_ref;
    oa["last_commit"]["id"] = pull->head_sha;
  }
  if (action == "update") {
    oa["oldrev"] = oldrev;
  } else {
    oa.erase("oldrev");
  }
  return j.dump();
}

std::string GitHubMergeGroupPayload(const ForgeSim& sim, const std::string& repo,
                                    const std::string& head_ref, const std::string& head_sha,
                                    const std::string& base_ref, const std::string& base_sha) {
  Json j = {{"action", "checks_requested"},
            {"merge_group",
             {{"head_sha", head_sha},
              {"head_ref", head_ref},
              {"base_sha", base_sha},
              {"base_ref", base_ref},
              {"head_commit", {{"id", head_sha}, {"message", "Merge queue"}}}}},
            {"repository",
             {{"full_name", repo},
              {"name", repo.substr(repo.find('/') + 1)},
              {"clone_url", sim.clone_url(repo)},
              {"default_branch", "main"}}},
            {"sender", {{"login", "github-merge-queue[bot]"}}}};
  return j.dump();
}

}  // namespace schemabot::sim
