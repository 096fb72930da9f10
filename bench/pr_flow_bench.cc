// bench/pr_flow: webhook POST -> summary comment visible in the forge simulator, for a pull
// request adding one file to the largest PostgreSQL corpus directory (openmeter, 269 up
// files, golang-migrate format with atlas.sum), warm pool and snapshot: p50 / p99 over 50
// PR updates, with the time split of the flow (fetch, replay, analyze, forge calls).
//
//   build/bench/pr_flow_bench [UPDATES]   (needs SCHEMABOT_TEST_PG_URL: scripts/test-dbs start)
//
// The baseline printed beside it, measured in the same run: the first (cold) run of the
// same PR, which replays the whole base and saves its snapshot.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "engine/dir/dir.h"
#include "engine/sum/sum.h"
#include "tests/sim/bot_harness.h"

namespace {

namespace fs = std::filesystem;
using namespace schemabot;
using Clock = std::chrono::steady_clock;

constexpr const char* kRepo = "acme/billing";

double Since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// The directory's files plus `extra` (name -> content), with a recomputed atlas.sum.
std::map<std::string, std::string> Tree(const std::map<std::string, std::string>& base,
                                        const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> files = base;
  for (const auto& [k, v] : extra) files[k] = v;
  files.erase("atlas.sum");
  auto d = dir::NewMemDir(files);
  auto sum = sum::ComputeSum(*d, dir::DirFormat::kGolangMigrate);
  if (sum) files["atlas.sum"] = sum::FormatSum(*sum);
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : files) out["migrations/" + k] = v;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int updates = argc > 1 ? std::atoi(argv[1]) : 50;
  const char* pg = std::getenv("SCHEMABOT_TEST_PG_URL");
  if (!pg || !*pg) {
    std::fprintf(stderr, "pr_flow_bench: set SCHEMABOT_TEST_PG_URL (scripts/test-dbs start)\n");
    return 2;
  }
  const char* shared_env = std::getenv("SCHEMABOT_SHARED_DIR");
  fs::path corpus = fs::path(shared_env && *shared_env ? shared_env : SCHEMABOT_SHARED_DIR) /
                    "corpus/openmeter-postgres-atlas-golang-migrate/migrations";
  std::map<std::string, std::string> base;
  for (const auto& e : fs::directory_iterator(corpus)) base[e.path().filename()] = Slurp(e.path());

  auto sim = sim::ForgeSim::Start();
  if (!sim) return std::fprintf(stderr, "sim: %s\n", sim.error().message.c_str()), 1;
  auto& s = **sim;
  if (!s.CreateRepo(kRepo)) return 1;
  auto files = Tree(base, {});
  files[".schemabot.yaml"] =
      "version: 1\ndirs:\n  - path: migrations\n    format: golang-migrate\n    dialect: "
      "postgres\n";
  if (auto c = s.Commit(kRepo, "main", files, "import"); !c) {
    return std::fprintf(stderr, "commit: %s\n", c.error().message.c_str()), 1;
  }
  auto content = [](int i) {
    return "ALTER TABLE customers ADD COLUMN bench_" + std::to_string(i) + " text;\n";
  };
  const std::string kNew = "20260901000000_bench.up.sql";
  if (!s.Commit(kRepo, "feature", Tree(base, {{kNew, content(0)}}), "bench", "main")) return 1;
  auto number = s.OpenPull(kRepo, "feature", "main", "Bench");
  if (!number) return 1;

  sim::BotOptions bo;
  bo.pg_admin_url = pg;
  auto bot = sim::BotHarness::Start(s, bo);
  if (!bot) return std::fprintf(stderr, "bot: %s\n", bot.error().message.c_str()), 1;

  // One round: commit (not timed), POST the synchronize webhook, wait for the summary that
  // names the new head.
  std::string head = s.Pull(kRepo, *number)->head_sha;
  auto round = [&](int i, bool commit) -> double {
    if (commit) {
      auto c = s.Commit(kRepo, "feature", Tree(base, {{kNew, content(i)}}), "bench update");
      if (!c) return -1;
      head = *c;
    }
    std::string body = sim::GitHubPullRequestPayload(s, kRepo, *number, "synchronize");
    auto start = Clock::now();
    if ((*bot)->SendGitHub("pull_request", "bench-" + std::to_string(i), body) != 200) return -1;
    for (;;) {
      auto comments = s.Comments(kRepo, *number);
      if (!comments.empty() && comments[0].body.find(head.substr(0, 12)) != std::string::npos) {
        return Since(start);
      }
      if (Since(start) > 120000) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };

  double cold = round(0, false);
  if (cold < 0) return std::fprintf(stderr, "cold run did not post\n"), 1;
  (*bot)->WaitIdle(std::chrono::seconds(30));
  std::vector<double> ms;
  for (int i = 1; i <= updates; ++i) {
    double t = round(i, true);
    if (t < 0) return std::fprintf(stderr, "update %d did not post\n", i), 1;
    ms.push_back(t);
    (*bot)->WaitIdle(std::chrono::seconds(30));
  }
  auto timings = (*bot)->timings();
  flows::Timings sum;
  size_t warm = 0;
  for (size_t i = 1; i < timings.size(); ++i, ++warm) {
    sum.fetch_ms += timings[i].fetch_ms;
    sum.replay_ms += timings[i].replay_ms;
    sum.analyze_ms += timings[i].analyze_ms;
    sum.forge_ms += timings[i].forge_ms;
    sum.total_ms += timings[i].total_ms;
  }
  double n = warm ? static_cast<double>(warm) : 1;
  for (size_t i = 0; i < ms.size(); ++i) {  // outliers, with their split when known
    if (ms[i] < 1000) continue;
    std::printf("  slow update %zu: %.0f ms", i + 1, ms[i]);
    if (i + 1 < timings.size()) {
      const auto& t = timings[i + 1];
      std::printf(" (fetch %.0f, replay %.0f, analyze %.0f, forge %.0f)", t.fetch_ms, t.replay_ms,
                  t.analyze_ms, t.forge_ms);
    }
    std::printf("\n");
  }
  double p50 = Percentile(ms, 0.5), p99 = Percentile(ms, 0.99);
  std::printf("pr_flow openmeter (269 base files + 1 new), %d updates, warm pool + snapshot\n",
              updates);
  std::printf(
      "  webhook -> summary visible: p50 %.0f ms, p99 %.0f ms, min %.0f ms (target p50 < 500)\n",
      p50, p99, *std::min_element(ms.begin(), ms.end()));
  std::printf("  baseline cold first run %.0f ms: p50 = %.3fx of cold\n", cold, p50 / cold);
  std::printf(
      "  flow split (mean of %zu warm runs): fetch %.0f, replay %.0f, analyze %.0f, "
      "forge %.0f, job total %.0f ms\n",
      warm, sum.fetch_ms / n, sum.replay_ms / n, sum.analyze_ms / n, sum.forge_ms / n,
      sum.total_ms / n);
  return 0;
}
