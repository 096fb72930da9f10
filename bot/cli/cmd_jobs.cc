// schemabot jobs list [--state S] [--limit N] [--json] -c CONFIG
// schemabot jobs show ID -c CONFIG
// schemabot jobs retry ID -c CONFIG
#include <cstdio>
#include <nlohmann/json.hpp>

#include "bot/cli/args.h"
#include "bot/cli/commands.h"
#include "bot/queue/queue.h"
#include "config/server_config.h"

namespace schemabot::cli {
namespace {

nlohmann::json ToJson(const queue::Job& j, bool full) {
  nlohmann::json o = {{"id", j.id},
                      {"kind", j.kind},
                      {"key", j.key},
                      {"state", queue::JobStateName(j.state)},
                      {"attempts", j.attempts},
                      {"delivery", j.delivery},
                      {"run_after", j.run_after},
                      {"created_at", j.created_at},
                      {"updated_at", j.updated_at},
                      {"last_error", j.last_error}};
  if (full) {
    o["payload"] = j.payload;
    o["lease_owner"] = j.lease_owner;
    o["lease_until"] = j.lease_until;
    o["finished_at"] = j.finished_at;
  }
  return o;
}

int Usage() {
  std::fprintf(stderr,
               "usage: schemabot jobs list [--state S] [--limit N] [--json] -c CONFIG\n"
               "       schemabot jobs show ID -c CONFIG\n"
               "       schemabot jobs retry ID -c CONFIG\n");
  return 2;
}

std::optional<int64_t> ParseId(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(s);
}

}  // namespace

int RunJobs(const Argv& argv) {
  ArgSpec spec{{"config", "state", "limit"}, {"json"}, {{"c", "config"}}};
  auto args = Args::Parse(argv, spec);
  if (!args) {
    std::fprintf(stderr, "schemabot jobs: %s\n", args.error().message.c_str());
    return Usage();
  }
  const auto& pos = args->positional();
  if (pos.empty() || !args->Has("config")) return Usage();
  auto cfg = config::LoadServerConfig(args->Get("config"));
  if (!cfg) {
    std::fprintf(stderr, "schemabot jobs: %s\n", cfg.error().message.c_str());
    return 2;
  }
  auto st = store::OpenStore(cfg->state, {2, false, true});
  if (!st) {
    std::fprintf(stderr, "schemabot jobs: %s\n", st.error().message.c_str());
    return 2;
  }
  queue::Queue q(**st, {});
  const std::string& sub = pos[0];
  auto fail = [](const Error& e) {
    std::fprintf(stderr, "schemabot jobs: %s\n", e.message.c_str());
    return e.code == ErrorCode::kNotFound || e.code == ErrorCode::kConflict ? 1 : 2;
  };
  if (sub == "list") {
    std::optional<queue::JobState> state;
    if (args->Has("state")) {
      state = queue::ParseJobState(args->Get("state"));
      if (!state) {
        std::fprintf(stderr, "schemabot jobs: unknown state \"%s\"\n", args->Get("state").c_str());
        return 2;
      }
    }
    auto limit = ParseId(args->Get("limit", "100"));
    if (!limit) return Usage();
    auto jobs = q.List(state, static_cast<int>(*limit));
    if (!jobs) return fail(jobs.error());
    if (args->Has("json")) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& j : *jobs) arr.push_back(ToJson(j, false));
      std::printf("%s\n", arr.dump(2).c_str());
      return 0;
    }
    std::printf("%-8s %-12s %-10s %-8s %-40s %s\n", "ID", "KIND", "STATE", "ATTEMPTS", "KEY",
                "DELIVERY");
    for (const auto& j : *jobs) {
      std::printf("%-8lld %-12s %-10s %-8d %-40s %s\n", static_cast<long long>(j.id),
                  j.kind.c_str(), std::string(queue::JobStateName(j.state)).c_str(), j.attempts,
                  j.key.c_str(), j.delivery.c_str());
    }
    return 0;
  }
  if ((sub == "show" || sub == "retry") && pos.size() == 2) {
    auto id = ParseId(pos[1]);
    if (!id) return Usage();
    if (sub == "retry") {
      if (auto r = q.Retry(*id); !r) return fail(r.error());
      std::printf("job %lld queued again\n", static_cast<long long>(*id));
      return 0;
    }
    auto job = q.Get(*id);
    if (!job) return fail(job.error());
    std::printf("%s\n", ToJson(*job, true).dump(2).c_str());
    return 0;
  }
  return Usage();
}

}  // namespace schemabot::cli
