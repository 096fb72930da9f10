// Test harness for the lint pipeline: lints a base + one new file on a fresh database of
// the real test servers (SCHEMABOT_TEST_PG_URL / SCHEMABOT_TEST_MYSQL_URL), or statically.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

#include "engine/devdb/devdb.h"
#include "engine/lint/dev_replay.h"
#include "engine/lint/lint.h"

namespace schemabot::lint::testing {

inline const char* ServerUrl(sql::Dialect d) {
  return std::getenv(d == sql::Dialect::kPostgres ? "SCHEMABOT_TEST_PG_URL"
                                                  : "SCHEMABOT_TEST_MYSQL_URL");
}

// Skips (or fails under SCHEMABOT_REQUIRE_DBS=1) when the server is not configured.
#define SB_REQUIRE_SERVER(dialect)                                                          \
  do {                                                                                      \
    if (!::schemabot::lint::testing::ServerUrl(dialect)) {                                  \
      if (std::getenv("SCHEMABOT_REQUIRE_DBS")) FAIL() << "test database not configured";   \
      GTEST_SKIP() << "no test database (run under scripts/test or eval scripts/test-dbs)"; \
    }                                                                                       \
  } while (0)

// A database created for one test and dropped after it.
class ScratchDb {
 public:
  explicit ScratchDb(sql::Dialect d) : dialect_(d) {
    static std::atomic<int> seq{0};
    name_ = "lint_t" + std::to_string(getpid()) + "_" + std::to_string(seq++);
    auto url = devdb::ParseUrl(ServerUrl(d));
    if (!url) return;
    admin_url_ = *url;
    auto admin = devdb::Connect(admin_url_);
    if (!admin) return;
    auto engine = d == sql::Dialect::kPostgres ? devdb::Engine::kPostgres : devdb::Engine::kMySQL;
    (void)(*admin)->Exec("DROP DATABASE IF EXISTS " + devdb::QuoteIdent(engine, name_));
    if (!(*admin)->Exec("CREATE DATABASE " + devdb::QuoteIdent(engine, name_))) return;
    auto conn = devdb::Connect(admin_url_.With(admin_url_.user, admin_url_.password, name_));
    if (conn) db_ = std::move(*conn);
  }
  ~ScratchDb() {
    db_.reset();
    auto admin = devdb::Connect(admin_url_);
    if (!admin) return;
    auto engine =
        dialect_ == sql::Dialect::kPostgres ? devdb::Engine::kPostgres : devdb::Engine::kMySQL;
    (void)(*admin)->Exec("DROP DATABASE IF EXISTS " + devdb::QuoteIdent(engine, name_) +
                         (dialect_ == sql::Dialect::kPostgres ? " WITH (FORCE)" : ""));
  }
  devdb::Driver* db() { return db_.get(); }

 private:
  sql::Dialect dialect_;
  std::string name_;
  devdb::Url admin_url_;
  std::unique_ptr<devdb::Driver> db_;
};

struct LintOutcome {
  report::SummaryReport report;
  std::multiset<std::string> codes;      // every diagnostic code
  std::map<std::string, bool> error_of;  // code -> reported as error
};

// Lints `files` (name -> content, atlas format); the last `latest` files are new.
inline Result<LintOutcome> LintFiles(sql::Dialect dialect, std::map<std::string, std::string> files,
                                     bool dev, LintConfig cfg = {}, int latest = 1) {
  auto dir = dir::NewMemDir(std::move(files));
  SB_TRY_ASSIGN(auto md, dir::LoadMigrations(*dir, dir::DirFormat::kAtlas));
  auto detector = LatestDetector(latest);
  std::unique_ptr<ScratchDb> scratch;
  std::unique_ptr<Replayer> replayer;
  if (dev) {
    scratch = std::make_unique<ScratchDb>(dialect);
    if (!scratch->db()) return Unavailable("scratch database could not be created");
    replayer = NewDriverReplayer(*scratch->db(), dialect, dir::DirFormat::kAtlas);
  } else {
    replayer = NewStaticReplayer(dialect);
  }
  LintRequest req;
  req.dir = "migrations";
  req.head = std::move(md);
  req.detector = detector.get();
  req.dialect = dialect;
  req.config = std::move(cfg);
  req.replayer = replayer.get();
  SB_TRY_ASSIGN(auto rep, Lint(req));
  LintOutcome out{std::move(rep), {}, {}};
  for (const auto& f : out.report.files) {
    for (const auto& r : f.reports) {
      for (const auto& d : r.diagnostics) {
        out.codes.insert(d.code);
        out.error_of[d.code] = r.error;
      }
    }
  }
  return out;
}

}  // namespace schemabot::lint::testing
