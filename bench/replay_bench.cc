// replay_bench: lint::Replay against the servers' own clients, in the same run.
//
//   eval "$(scripts/test-dbs start)"; build/bench/replay_bench [RUNS=3]
//
// PostgreSQL (SCHEMABOT_TEST_PG_URL), largest corpus dir (openmeter, 269 files):
//   full    schemabot Replay of every file as base (lease + whole-file scripts in their
//           transactions) vs `psql -v ON_ERROR_STOP=1 -q -f f1 -f f2 …` into a fresh db
//   cold    full + saving the prefix snapshot (what the first lint of a directory does)
//   incr    all but the last file from the snapshot, the last one statement by statement
//           with an inspection after each (scoped to what the statement touches): % of
//           full; through lint::Replay and through the pipeline's NewPoolReplayer
//   lease   Acquire + release of a pooled database: p50 / p99, with background
//           preparation (warm) and with the reset done synchronously on return
//   inspect a 300-table schema, median
// MariaDB (SCHEMABOT_TEST_MYSQL_URL), hawkbit-mysql-flyway (58 V files) vs
// `mariadb < all files`, the same figures.
// Each figure is the best of RUNS runs (percentiles: over 40 leases).
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "engine/devdb/pool.h"
#include "engine/dir/dir.h"
#include "engine/lint/dev_replay.h"
#include "engine/lint/lint.h"
#include "engine/lint/replay.h"
#include "engine/schema/schema.h"

using namespace schemabot;
using Clock = std::chrono::steady_clock;

namespace {

double Ms(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::string Shared() {
  const char* e = std::getenv("SCHEMABOT_SHARED_DIR");
  return e && *e ? e : "/work/shared";
}

std::vector<dir::Migration> Load(const std::string& name, dir::DirFormat f) {
  auto d = dir::OpenDiskDir(Shared() + "/corpus/" + name + "/migrations");
  if (!d) return {};
  auto md = dir::LoadMigrations(**d, f);
  if (!md) return {};
  std::vector<dir::Migration> out;
  for (auto& m : md->migrations) {
    if (m.kind == dir::MigrationKind::kVersioned) out.push_back(std::move(m));
  }
  return out;
}

int Sh(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

struct Figures {
  double client = 1e18, full = 1e18, cold = 1e18, incr = 1e18, pipe_incr = 1e18;
  lint::ReplayResult full_r, cold_r, incr_r;
  lint::ReplayStats pipe_st;
};

// The pipeline's replayer (what `schemabot lint` runs): NewPoolReplayer, base from the
// pool, then the last file statement by statement. Milliseconds, or -1.
double PipelineRun(devdb::Pool& pool, const std::vector<dir::Migration>& prefix,
                   const dir::Migration& last, sql::Dialect dialect, dir::DirFormat format,
                   lint::ReplayStats* st) {
  auto t = Clock::now();
  auto rep = lint::NewPoolReplayer(pool, dialect, format, st);
  if (!rep->ReplayBase(prefix)) return -1;
  auto stmts = lint::SplitMigration(last, format, dialect);
  if (!stmts) return -1;
  auto f = rep->ReplayFile(last, *stmts, last.tx == dir::TxMode::kFile);
  if (!f || f->failure) return -1;
  return Ms(t);
}

// The client baseline: `cmd` gets a fresh database named `db` each run.
double ClientRun(devdb::Driver& admin, devdb::Engine e, const std::string& db,
                 const std::string& cmd) {
  std::string q = devdb::QuoteIdent(e, db);
  (void)admin.Exec("DROP DATABASE IF EXISTS " + q +
                   (e == devdb::Engine::kPostgres ? " WITH (FORCE)" : ""));
  if (!admin.Exec("CREATE DATABASE " + q)) return -1;
  auto t = Clock::now();
  int rc = Sh(cmd);
  double ms = Ms(t);
  (void)admin.Exec("DROP DATABASE IF EXISTS " + q +
                   (e == devdb::Engine::kPostgres ? " WITH (FORCE)" : ""));
  return rc == 0 ? ms : -1;
}

void Breakdown(const char* what, const lint::ReplayResult& r) {
  std::printf(
      "    %-6s lease %.1f ms, base %.1f ms (%d files), snapshot %.1f ms, new %.1f ms "
      "(inspections %.1f ms: %d full, %d scoped), %zu tables\n",
      what, r.lease_ms, r.base_ms, r.base_files_replayed, r.snapshot_ms, r.new_ms, r.inspect_ms,
      r.full_inspections, r.scoped_inspections, r.base_schema.TableCount());
}

int Bench(const char* label, const devdb::Url& admin_url, const std::vector<dir::Migration>& files,
          sql::Dialect dialect, dir::DirFormat format, const std::string& client_cmd_prefix,
          int runs) {
  auto admin = devdb::Connect(admin_url);
  if (!admin) {
    std::printf("%s: %s\n", label, admin.error().message.c_str());
    return 1;
  }
  devdb::Engine e = admin_url.engine;
  std::string db = "sb_bench_client";
  std::string cmd = client_cmd_prefix;
  if (e == devdb::Engine::kPostgres) {
    for (const auto& m : files)
      cmd += " -f '" + Shared() + "/corpus/" + label + "/migrations/" + m.file + "'";
    cmd += " >/dev/null 2>&1";
  } else {
    cmd = "set -e; for f in";
    for (const auto& m : files) {
      cmd += " '" + Shared() + "/corpus/" + label + "/migrations/" + m.file + "'";
    }
    cmd += "; do " + client_cmd_prefix + " < \"$f\" >/dev/null 2>&1; done";
  }
  devdb::PoolOptions po;
  po.admin_url = admin_url;
  po.size = 2;
  po.name = "sbbench_full";
  po.limits.statement_timeout = std::chrono::seconds(120);
  po.warm_up = lint::WarmUpForReplay;
  auto pool = devdb::Pool::Open(po);
  if (!pool) {
    std::printf("%s: %s\n", label, pool.error().message.c_str());
    return 1;
  }
  lint::ReplayOptions plain;
  plain.dialect = dialect;
  plain.use_snapshots = false;
  lint::ReplayOptions snap = plain;
  snap.use_snapshots = true;
  std::vector<dir::Migration> prefix(files.begin(), files.end() - 1);
  std::vector<dir::Migration> last = {files.back()};
  Figures f;
  for (int i = 0; i < runs; ++i) {
    double c = ClientRun(**admin, e, db, cmd);
    if (c < 0) {
      std::printf("%s: client baseline failed: %s\n", label, cmd.c_str());
      return 1;
    }
    f.client = std::min(f.client, c);
    auto t = Clock::now();
    auto r = lint::Replay(**pool, files, {}, plain);
    double ms = Ms(t);
    if (!r || r->base_error) {
      std::printf("%s: replay failed: %s\n", label,
                  !r ? r.error().message.c_str() : r->base_error->message.c_str());
      return 1;
    }
    if (ms < f.full) f.full = ms, f.full_r = *r;
    // Cold: a new pool so nothing is cached, then the prefix save.
    po.name = "sb_bench_cold";
    auto cold_pool = devdb::Pool::Open(po);
    if (!cold_pool) return 1;
    t = Clock::now();
    auto cr = lint::Replay(**cold_pool, prefix, last, snap);
    ms = Ms(t);
    if (cr && !cr->base_error && ms < f.cold) f.cold = ms, f.cold_r = *cr;
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // background re-clone
    t = Clock::now();
    auto ir = lint::Replay(**cold_pool, prefix, last, snap);
    ms = Ms(t);
    if (!ir || ir->base_files_replayed != 0) {
      std::printf("%s: incremental replay did not use the snapshot\n", label);
      return 1;
    }
    if (ms < f.incr) f.incr = ms, f.incr_r = *ir;
    // The pipeline's replayer on the same pool: its snapshot keys are atlas.sum hashes, so
    // a first run saves its own snapshot, then the incremental one.
    lint::ReplayStats pst;
    if (PipelineRun(**cold_pool, prefix, last[0], dialect, format, &pst) < 0) {
      std::printf("%s: pipeline replay failed\n", label);
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    pst = {};
    ms = PipelineRun(**cold_pool, prefix, last[0], dialect, format, &pst);
    if (ms < 0 || pst.from_snapshot != static_cast<int>(prefix.size())) {
      std::printf("%s: pipeline incremental replay did not use the snapshot\n", label);
      return 1;
    }
    if (ms < f.pipe_incr) f.pipe_incr = ms, f.pipe_st = pst;
  }
  std::printf("%s (%zu files, %s %d.%d)\n", label, files.size(),
              std::string(devdb::FlavorName((*pool)->version().flavor)).c_str(),
              (*pool)->version().major, (*pool)->version().minor);
  std::printf("  client baseline        %8.0f ms\n", f.client);
  std::printf("  schemabot full replay  %8.0f ms   ratio %.2f (target <= 1.3)\n", f.full,
              f.full / f.client);
  std::printf("  cold lint (+snapshot)  %8.0f ms   ratio %.2f\n", f.cold, f.cold / f.client);
  std::printf("  incremental            %8.0f ms   %.1f%% of full (target < 5%%), %zu statements\n",
              f.incr, 100 * f.incr / f.full,
              f.incr_r.files.empty() ? size_t{0} : f.incr_r.files[0].statements.size());
  std::printf(
      "  pipeline incremental   %8.0f ms   %.1f%% of full (NewPoolReplayer: lease %.1f ms, "
      "base schema %s)\n",
      f.pipe_incr, 100 * f.pipe_incr / f.full, f.pipe_st.lease_ms,
      f.pipe_st.base_schema_cached ? "from the snapshot cache" : "inspected");
  Breakdown("full", f.full_r);
  Breakdown("cold", f.cold_r);
  Breakdown("incr", f.incr_r);

  // Lease latency: warm (background preparation) and with a synchronous reset.
  for (bool background : {true, false}) {
    po.name = background ? "sb_bench_lw" : "sb_bench_ls";
    po.prepare_in_background = background;
    auto lp = devdb::Pool::Open(po);
    if (!lp) return 1;
    std::vector<double> lat;
    for (int i = 0; i < 40; ++i) {
      auto t = Clock::now();
      auto l = (*lp)->Acquire();
      if (!l) return 1;
      (void)(*l)->driver().Exec("CREATE TABLE t (x int)");
      l->reset();  // synchronous mode: the reset happens here
      lat.push_back(Ms(t));
      if (background) std::this_thread::sleep_for(std::chrono::milliseconds(150));
    }
    std::printf("  lease+%s p50 %.1f ms, p99 %.1f ms\n",
                background ? "release (background reset)" : "release+reset (synchronous)",
                Percentile(lat, 0.5), Percentile(lat, 0.99));
  }
  return 0;
}

void Inspect300(const devdb::Url& admin_url) {
  auto admin = devdb::Connect(admin_url);
  if (!admin) return;
  std::string db = "sb_bench_inspect";
  std::string q = devdb::QuoteIdent(admin_url.engine, db);
  bool pg = admin_url.engine == devdb::Engine::kPostgres;
  (void)(*admin)->Exec("DROP DATABASE IF EXISTS " + q + (pg ? " WITH (FORCE)" : ""));
  (void)(*admin)->Exec("CREATE DATABASE " + q);
  auto conn = devdb::Connect(admin_url.With(admin_url.user, admin_url.password, db));
  if (!conn) return;
  std::string ddl;
  for (int i = 0; i < 300; ++i) {
    std::string t = "t" + std::to_string(i);
    std::string ref = i ? " REFERENCES t" + std::to_string(i - 1) + " (id)" : "";
    if (pg) {
      ddl += "CREATE TABLE " + t +
             " (id bigserial PRIMARY KEY, name text NOT NULL, v int DEFAULT 0, parent bigint" +
             ref + ", created timestamptz DEFAULT now(), CHECK (v >= 0));CREATE INDEX " + t +
             "_name ON " + t + " (name);";
    } else {
      ddl += "CREATE TABLE " + t +
             " (id bigint AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL, v int DEFAULT 0, "
             "parent bigint" +
             (i ? ", FOREIGN KEY (parent)" + ref : std::string()) +
             ", created timestamp DEFAULT CURRENT_TIMESTAMP, CHECK (v >= 0), KEY " + t +
             "_name (name));";
    }
  }
  if (!(*conn)->ExecScript(ddl)) return;
  std::vector<double> ms;
  for (int i = 0; i < 11; ++i) {
    auto t = Clock::now();
    auto r = schema::Inspect(**conn);
    ms.push_back(Ms(t));
    if (!r || r->TableCount() != 300) return;
  }
  std::printf("  inspect 300 tables: median %.1f ms, min %.1f ms (first, cold plan: %.1f ms)\n",
              Percentile(ms, 0.5), *std::min_element(ms.begin(), ms.end()), ms[0]);
  conn->reset();
  (void)(*admin)->Exec("DROP DATABASE IF EXISTS " + q + (pg ? " WITH (FORCE)" : ""));
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 3;
  int rc = 0;
  if (const char* pg = std::getenv("SCHEMABOT_TEST_PG_URL")) {
    auto url = devdb::ParseUrl(pg);
    auto files = Load("openmeter-postgres-atlas-golang-migrate", dir::DirFormat::kGolangMigrate);
    std::string psql = "psql -X -q -v ON_ERROR_STOP=1 'postgres://" + url->user +
                       "@/sb_bench_client?host=" + url->socket + "'";
    rc |= Bench("openmeter-postgres-atlas-golang-migrate", *url, files, sql::Dialect::kPostgres,
                dir::DirFormat::kGolangMigrate, psql, runs);
    Inspect300(*url);
  } else {
    std::printf("SCHEMABOT_TEST_PG_URL not set: PostgreSQL skipped\n");
  }
  if (const char* my = std::getenv("SCHEMABOT_TEST_MYSQL_URL")) {
    auto url = devdb::ParseUrl(my);
    auto files = Load("hawkbit-mysql-flyway", dir::DirFormat::kFlyway);
    std::string client = "mariadb -u" + url->user + " --socket=" + url->socket + " sb_bench_client";
    rc |= Bench("hawkbit-mysql-flyway", *url, files, sql::Dialect::kMySQL, dir::DirFormat::kFlyway,
                client, runs);
    Inspect300(*url);
  } else {
    std::printf("SCHEMABOT_TEST_MYSQL_URL not set: MariaDB skipped\n");
  }
  return rc;
}
