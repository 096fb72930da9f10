// `schemabot lint --latest 1` on the largest corpus directory of each dialect, through the
// pooled dev-database: cold (no snapshot: the base is replayed) and warm (the base prefix
// is restored from its snapshot), against the server's own client replaying the same
// files (`psql -v ON_ERROR_STOP=1 -f …`, `mariadb < …`) on the same server in the same run.
//
//   build/bench/lint_bench [SHARED_DIR]   (needs SCHEMABOT_TEST_PG_URL / _MYSQL_URL:
//                                          eval "$(scripts/test-dbs start)")
// Targets: cold ≤ 1.4× the client replay; warm under 300 ms.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/devdb/pool.h"
#include "engine/dir/dir.h"
#include "engine/lint/dev_replay.h"
#include "engine/lint/lint.h"

namespace {

namespace fs = std::filesystem;
using namespace schemabot;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

struct Target {
  const char* name;
  sql::Dialect dialect;
  dir::DirFormat format;
  const char* env;
};

// The replay baseline: the server's client over the same up sections, into a fresh db.
double ClientReplay(const Target& t, const devdb::Url& admin, const dir::MigrationDir& md,
                    const std::vector<const dir::Migration*>& files) {
  auto engine = admin.engine;
  std::string db = "bench_client_" + std::to_string(getpid());
  auto a = devdb::Connect(admin);
  if (!a) return -1;
  (void)(*a)->Exec("DROP DATABASE IF EXISTS " + devdb::QuoteIdent(engine, db));
  (void)(*a)->Exec("CREATE DATABASE " + devdb::QuoteIdent(engine, db));
  fs::path script = fs::temp_directory_path() / ("lint_bench_" + std::to_string(getpid()) + ".sql");
  {
    std::ofstream out(script, std::ios::binary);
    for (const auto* m : files) out << m->up.text << "\n;\n";
  }
  std::string cmd;
  if (t.dialect == sql::Dialect::kPostgres) {
    setenv("PGOPTIONS", "-c client_min_messages=warning", 1);
    cmd = "psql -q -X -v ON_ERROR_STOP=1 -h '" + admin.socket + "' -U " + admin.user + " -d " + db +
          " -f '" + script.string() + "' >/dev/null";
  } else {
    cmd = "mariadb -u" + admin.user + " --socket='" + admin.socket + "' " + db + " < '" +
          script.string() + "' >/dev/null";
  }
  auto start = Clock::now();
  int rc = std::system(cmd.c_str());
  double ms = Since(start);
  (void)(*a)->Exec("DROP DATABASE IF EXISTS " + devdb::QuoteIdent(engine, db) +
                   (engine == devdb::Engine::kPostgres ? " WITH (FORCE)" : ""));
  fs::remove(script);
  (void)md;
  return rc == 0 ? ms : -1;
}

int Run(const Target& t, const fs::path& shared) {
  const char* url_text = std::getenv(t.env);
  if (!url_text) {
    std::printf("%s: %s not set, skipped\n", t.name, t.env);
    return 0;
  }
  auto admin = devdb::ParseUrl(url_text);
  auto d = dir::OpenDiskDir((shared / "corpus" / t.name / "migrations").string());
  if (!admin || !d) return 1;
  auto loaded = dir::LoadMigrations(**d, t.format);
  if (!loaded) return 1;
  dir::MigrationDir md = std::move(*loaded);
  if (t.format == dir::DirFormat::kFlyway) {  // the V history, not the squashed baseline
    std::erase_if(md.migrations,
                  [](const dir::Migration& m) { return m.kind != dir::MigrationKind::kVersioned; });
  }
  std::vector<const dir::Migration*> files;
  for (const auto& m : md.migrations) files.push_back(&m);

  double client = ClientReplay(t, *admin, md, files);

  devdb::PoolOptions po;
  po.admin_url = *admin;
  po.size = 2;
  po.name = "lb" + std::to_string(getpid());
  auto pool = devdb::Pool::Open(po);
  if (!pool) {
    std::printf("%s: pool: %s\n", t.name, pool.error().message.c_str());
    return 1;
  }
  auto lint_once = [&](lint::ReplayStats& st) -> double {
    auto det = lint::LatestDetector(1);
    auto rep = lint::NewPoolReplayer(**pool, t.dialect, t.format, &st);
    lint::LintRequest req;
    req.head = md;
    req.detector = det.get();
    req.dialect = t.dialect;
    req.replayer = rep.get();
    auto start = Clock::now();
    auto r = lint::Lint(req);
    double ms = Since(start);
    if (!r) {
      std::printf("%s: lint: %s\n", t.name, r.error().message.c_str());
      return -1;
    }
    return ms;
  };
  lint::ReplayStats cold_st, warm_st;
  double cold = lint_once(cold_st);
  std::vector<double> warm;
  for (int i = 0; i < 5; ++i) {
    lint::ReplayStats st;
    warm.push_back(lint_once(st));
    if (i == 0 || warm.back() <= *std::min_element(warm.begin(), warm.end())) warm_st = st;
  }
  std::sort(warm.begin(), warm.end());
  std::printf(
      "%-40s files %3zu | client replay %8.1f ms | lint cold %8.1f ms (%.2fx) | lint warm p50 "
      "%6.1f ms, min %6.1f ms (%.1f%% of cold; %d/%d base files from snapshot)\n",
      t.name, files.size(), client, cold, client > 0 ? cold / client : 0.0, warm[warm.size() / 2],
      warm.front(), cold > 0 ? 100.0 * warm[warm.size() / 2] / cold : 0.0, warm_st.from_snapshot,
      warm_st.base_files);
  std::printf("  where the time goes: cold lease %.1f ms, base replay %.1f ms, snapshot save %.1f ms; "
              "warm lease %.1f ms, rest (new file: execute + inspect after each statement, analyze) "
              "%.1f ms\n",
              cold_st.lease_ms, cold_st.base_ms, cold_st.snapshot_ms, warm_st.lease_ms,
              warm.front() - warm_st.lease_ms);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path shared = argc > 1 ? argv[1] : "../shared";
  if (!fs::exists(shared / "corpus")) shared = "/work/shared";
  const Target targets[] = {
      {"openmeter-postgres-atlas-golang-migrate", sql::Dialect::kPostgres,
       dir::DirFormat::kGolangMigrate, "SCHEMABOT_TEST_PG_URL"},
      {"hawkbit-mysql-flyway", sql::Dialect::kMySQL, dir::DirFormat::kFlyway,
       "SCHEMABOT_TEST_MYSQL_URL"},
  };
  int rc = 0;
  for (const auto& t : targets) rc |= Run(t, shared);
  return rc;
}
