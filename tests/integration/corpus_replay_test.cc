// Every corpus directory that ../shared/corpus/README.md says replays clean (PostgreSQL 15,
// and MariaDB with the `mariadb` client or Mattermost's whole-file runner) replays clean
// through lint::Replay; a cached prefix replays only what is not cached; a failing
// statement is reported at its file position with the server's message.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "engine/devdb/pool.h"
#include "engine/devdb/test_util.h"
#include "engine/dir/dir.h"
#include "engine/lint/dev_replay.h"
#include "engine/lint/lint.h"
#include "engine/lint/replay.h"

namespace schemabot {
namespace {

std::string CorpusDir(const std::string& name) {
  const char* env = std::getenv("SCHEMABOT_SHARED_DIR");
  return std::string(env && *env ? env : SCHEMABOT_SHARED_DIR) + "/corpus/" + name;
}

// The up migrations Atlas would apply (flyway: the V files, as the corpus README's
// replay figures count them).
std::vector<dir::Migration> Load(const std::string& name, dir::DirFormat format,
                                 const std::string& sub = "") {
  auto d = dir::OpenDiskDir(CorpusDir(name) + sub);
  EXPECT_TRUE(d) << d.error().message;
  if (!d) return {};
  auto md = dir::LoadMigrations(**d, format);
  EXPECT_TRUE(md) << md.error().message;
  if (!md) return {};
  std::vector<dir::Migration> out;
  for (auto& m : md->migrations) {
    if (m.kind == dir::MigrationKind::kVersioned) out.push_back(std::move(m));
  }
  return out;
}

devdb::PoolOptions PoolFor(const devdb::Url& admin) {
  devdb::PoolOptions o;
  o.admin_url = admin;
  o.size = 2;
  o.name = devdb::testing::UniqueName("sbreplay");
  o.limits.statement_timeout = std::chrono::seconds(60);
  o.warm_up = lint::WarmUpForReplay;
  return o;
}

void ExpectClean(devdb::Pool& pool, const std::vector<dir::Migration>& files, sql::Dialect dialect,
                 size_t expected_files) {
  ASSERT_EQ(files.size(), expected_files);
  lint::ReplayOptions o;
  o.dialect = dialect;
  o.use_snapshots = false;
  auto r = lint::Replay(pool, files, {}, o);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->base_error) << r->base_error->file << ":" << r->base_error->line << ":"
                              << r->base_error->column << ": " << r->base_error->message;
  EXPECT_EQ(r->base_files_replayed, static_cast<int>(expected_files));
  EXPECT_GT(r->base_schema.TableCount(), 0u);
  std::printf("replayed %zu files in %.0f ms (%zu tables)\n", files.size(), r->base_ms,
              r->base_schema.TableCount());
}

// A state with the leased database's name (MySQL: the schema) replaced by "db", so that
// states of two leases compare.
schema::Realm Normalized(schema::Realm realm, const std::string& db) {
  for (auto& s : realm.schemas) {
    if (s.name == db) s.name = "db";
    for (auto& v : s.views) {  // MySQL qualifies every column with the schema
      const std::string quoted = "`" + db + "`";
      for (size_t p = v.definition.find(quoted); p != std::string::npos;
           p = v.definition.find(quoted, p)) {
        v.definition.replace(p, quoted.size(), "`db`");
      }
    }
    for (auto& t : s.tables) {
      for (auto& fk : t.foreign_keys) {
        if (fk.ref_schema == db) fk.ref_schema = "db";
      }
    }
  }
  return realm;
}

std::string Describe(schema::Changes changes, const std::string& db = "") {
  std::string out;
  for (auto& c : changes) {
    if (!db.empty() && c.schema == db) c.schema = "db";
    out += schema::ToString(c) + (c.modified ? " modified=" + std::to_string(c.modified) : "") +
           (c.from_name.empty() ? "" : " from=" + c.from_name) + "\n";
  }
  return out;
}

// Replays files[base..] statement by statement on two leased databases at once: one
// inspecting in full after every statement, one inspecting only what the statement
// touches (the default). Every state and every statement's Changes must be the same, and
// most statements must have been scoped (else the comparison proves nothing).
void ExpectScopedMatchesFull(devdb::Pool& pool, const std::vector<dir::Migration>& files,
                             size_t base, sql::Dialect dialect, dir::DirFormat format) {
  ASSERT_LT(base, files.size());
  auto full_lease = pool.Acquire();
  ASSERT_TRUE(full_lease) << full_lease.error().message;
  auto scoped_lease = pool.Acquire();
  ASSERT_TRUE(scoped_lease) << scoped_lease.error().message;
  auto full = lint::NewDriverReplayer((*full_lease)->driver(), dialect, format,
                                      {.scoped_inspection = false});
  auto scoped = lint::NewDriverReplayer((*scoped_lease)->driver(), dialect, format,
                                        {.scoped_inspection = true});
  const std::string db_a = (*full_lease)->driver().database();
  const std::string db_b = (*scoped_lease)->driver().database();
  std::vector<dir::Migration> prefix(files.begin(), files.begin() + base);
  auto rb = full->ReplayBase(prefix);
  ASSERT_TRUE(rb) << rb.error().message;
  rb = scoped->ReplayBase(prefix);
  ASSERT_TRUE(rb) << rb.error().message;
  size_t statements = 0, scopable = 0, changes = 0;
  for (size_t k = base; k < files.size(); ++k) {
    const dir::Migration& m = files[k];
    auto stmts = lint::SplitMigration(m, format, dialect);
    ASSERT_TRUE(stmts) << m.file << ": " << stmts.error().message;
    const bool tx = m.tx == dir::TxMode::kFile;
    auto a = full->ReplayFile(m, *stmts, tx);
    ASSERT_TRUE(a) << m.file << ": " << a.error().message;
    auto b = scoped->ReplayFile(m, *stmts, tx);
    ASSERT_TRUE(b) << m.file << ": " << b.error().message;
    ASSERT_FALSE(a->failure) << m.file << ": " << a->failure->message;
    ASSERT_FALSE(b->failure) << m.file << ": " << b->failure->message;
    ASSERT_EQ(a->states.size(), b->states.size()) << m.file;
    ASSERT_EQ(a->changes.size(), b->changes.size()) << m.file;
    auto same = [&](size_t i) {
      return Normalized(a->states[i], db_a) == Normalized(b->states[i], db_b);
    };
    ASSERT_TRUE(same(0)) << m.file << ": the state before the file differs";
    for (size_t i = 0; i < a->changes.size(); ++i) {
      const sql::Statement& st = (*stmts)[i];
      ++statements;
      if (lint::TouchedTables(st.text, dialect, a->states[i])) ++scopable;
      changes += a->changes[i].size();
      ASSERT_EQ(Describe(a->changes[i], db_a), Describe(b->changes[i], db_b))
          << m.file << ":" << st.line << ": " << st.text;
      ASSERT_TRUE(same(i + 1)) << m.file << ":" << st.line
                               << ": the state after the statement differs: "
                               << Describe(schema::Diff(Normalized(a->states[i + 1], db_a),
                                                        Normalized(b->states[i + 1], db_b)))
                               << st.text;
    }
  }
  std::printf("%zu statements compared (%zu scoped, %zu changes)\n", statements, scopable, changes);
  EXPECT_GT(changes, 0u);
  EXPECT_GT(scopable * 10, statements * 7) << "under 70% of the statements were scoped";
}

// One pool per server for the whole suite; the server is skipped (or, under
// SCHEMABOT_REQUIRE_DBS, failed) when its URL variable is not set.
template <typename Server>
class CorpusOn : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto url = devdb::testing::EnvUrl(Server::kUrlVar);
    if (!url) return;
    auto p = devdb::Pool::Open(PoolFor(*url));
    if (p) pool_ = std::move(*p).release();
  }
  static void TearDownTestSuite() {
    delete pool_;
    pool_ = nullptr;
  }
  void SetUp() override {
    if (!devdb::testing::EnvUrl(Server::kUrlVar)) {
      if (devdb::testing::RequireDbs()) FAIL() << Server::kUrlVar << " is not set";
      GTEST_SKIP() << Server::kUrlVar << " is not set; corpus replay on " << Server::kName
                   << " skipped";
    }
    ASSERT_NE(pool_, nullptr) << "pool did not open";
  }
  static inline devdb::Pool* pool_ = nullptr;
};

struct PostgresServer {
  static constexpr const char* kUrlVar = "SCHEMABOT_TEST_PG_URL";
  static constexpr const char* kName = "PostgreSQL";
};
struct MariaDBServer {
  static constexpr const char* kUrlVar = "SCHEMABOT_TEST_MYSQL_URL";
  static constexpr const char* kName = "MariaDB";
};
class PostgresCorpus : public CorpusOn<PostgresServer> {};
class MySQLCorpus : public CorpusOn<MariaDBServer> {};

TEST_F(PostgresCorpus, MattermostReplaysClean) {
  ExpectClean(
      *pool_,
      Load("mattermost-postgres-golang-migrate", dir::DirFormat::kGolangMigrate, "/migrations"),
      sql::Dialect::kPostgres, 146);
}

TEST_F(PostgresCorpus, OpenmeterReplaysClean) {
  ExpectClean(*pool_,
              Load("openmeter-postgres-atlas-golang-migrate", dir::DirFormat::kGolangMigrate,
                   "/migrations"),
              sql::Dialect::kPostgres, 269);
}

TEST_F(PostgresCorpus, HatchetAtlasReplaysClean) {
  ExpectClean(*pool_, Load("hatchet-postgres-atlas", dir::DirFormat::kAtlas, "/migrations"),
              sql::Dialect::kPostgres, 82);
}

TEST_F(PostgresCorpus, HawkbitFlywayReplaysClean) {
  ExpectClean(*pool_, Load("hawkbit-postgres-flyway", dir::DirFormat::kFlyway, "/migrations"),
              sql::Dialect::kPostgres, 25);
}

// The first N-1 files come from a snapshot; only the last one runs, statement by
// statement, with its changes attributed.
TEST_F(PostgresCorpus, CachedPrefixReplaysOneFile) {
  auto files = Load("hatchet-postgres-atlas", dir::DirFormat::kAtlas, "/migrations");
  ASSERT_GT(files.size(), 2u);
  std::vector<dir::Migration> prefix(files.begin(), files.end() - 1);
  auto first = lint::Replay(*pool_, prefix, {});
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_FALSE(first->base_error) << first->base_error->message;
  EXPECT_TRUE(first->snapshot_saved);
  auto full = lint::Replay(*pool_, files, {});
  ASSERT_TRUE(full) << full.error().message;
  ASSERT_FALSE(full->base_error) << full->base_error->message;
  EXPECT_EQ(full->base_files_from_snapshot, static_cast<int>(files.size()) - 1);
  EXPECT_EQ(full->base_files_replayed, 1);
  auto incremental = lint::Replay(*pool_, prefix, {files.back()});
  ASSERT_TRUE(incremental) << incremental.error().message;
  EXPECT_EQ(incremental->base_files_replayed, 0);
  ASSERT_EQ(incremental->files.size(), 1u);
  const auto& f = incremental->files[0];
  EXPECT_TRUE(f.executed);
  EXPECT_FALSE(f.failed());
  ASSERT_FALSE(f.statements.empty());
  size_t changes = 0;
  for (const auto& s : f.statements) changes += s.changes.size();
  EXPECT_GT(changes, 0u);
  EXPECT_EQ(schema::Diff(full->base_schema, f.after).size(), 0u)
      << "statement-by-statement replay ends where the whole-file replay does";
}

TEST_F(PostgresCorpus, FailingStatementIsPositioned) {
  auto mem = dir::NewMemDir({
      {"1_a.sql", "CREATE TABLE users (id int PRIMARY KEY);\n"},
      {"2_b.sql",
       "ALTER TABLE users ADD COLUMN email text;\n-- next one fails\nCREATE TABLE bad (id "
       "intt);\nCREATE TABLE later (x int);\n"},
      {"3_c.sql", "CREATE TABLE after_failure (x int);\n"},
  });
  auto md = dir::LoadMigrations(*mem, dir::DirFormat::kAtlas);
  ASSERT_TRUE(md);
  std::vector<dir::Migration> base = {md->migrations[0]};
  std::vector<dir::Migration> added = {md->migrations[1], md->migrations[2]};
  auto r = lint::Replay(*pool_, base, added);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->files.size(), 2u);
  const auto& f = r->files[0];
  ASSERT_EQ(f.statements.size(), 2u);
  EXPECT_EQ(f.statements[0].changes.size(), 1u);
  EXPECT_EQ(f.statements[0].changes[0].kind, schema::ChangeKind::kAddColumn);
  ASSERT_TRUE(f.statements[1].error);
  const auto& e = *f.statements[1].error;
  EXPECT_EQ(e.file, "2_b.sql");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.column, 22);  // "intt"
  EXPECT_EQ(e.message, "type \"intt\" does not exist");
  EXPECT_FALSE(r->files[1].executed);
  // The failed file was rolled back as a whole.
  EXPECT_EQ(f.after.FindTable("public", "users")->FindColumn("email"), nullptr);
}

// Scoped inspection after each statement gives what a full one gives, on the corpus.
TEST_F(PostgresCorpus, ScopedInspectionMatchesFullHatchet) {
  auto files = Load("hatchet-postgres-atlas", dir::DirFormat::kAtlas, "/migrations");
  ExpectScopedMatchesFull(*pool_, files, 0, sql::Dialect::kPostgres, dir::DirFormat::kAtlas);
}

TEST_F(PostgresCorpus, ScopedInspectionMatchesFullMattermost) {
  auto files =
      Load("mattermost-postgres-golang-migrate", dir::DirFormat::kGolangMigrate, "/migrations");
  ExpectScopedMatchesFull(*pool_, files, 0, sql::Dialect::kPostgres,
                          dir::DirFormat::kGolangMigrate);
}

TEST_F(PostgresCorpus, ScopedInspectionMatchesFullOpenmeterLast40) {
  auto files = Load("openmeter-postgres-atlas-golang-migrate", dir::DirFormat::kGolangMigrate,
                    "/migrations");
  ASSERT_GT(files.size(), 40u);
  ExpectScopedMatchesFull(*pool_, files, files.size() - 40, sql::Dialect::kPostgres,
                          dir::DirFormat::kGolangMigrate);
}

TEST_F(MySQLCorpus, ScopedInspectionMatchesFullHawkbit) {
  auto files = Load("hawkbit-mysql-flyway", dir::DirFormat::kFlyway, "/migrations");
  ExpectScopedMatchesFull(*pool_, files, 0, sql::Dialect::kMySQL, dir::DirFormat::kFlyway);
}

TEST_F(MySQLCorpus, ScopedInspectionMatchesFullMattermostLast25) {
  auto files =
      Load("mattermost-mysql-golang-migrate", dir::DirFormat::kGolangMigrate, "/migrations");
  ASSERT_GT(files.size(), 25u);
  ExpectScopedMatchesFull(*pool_, files, files.size() - 25, sql::Dialect::kMySQL,
                          dir::DirFormat::kGolangMigrate);
}

TEST_F(MySQLCorpus, HawkbitFlywayReplaysClean) {
  ExpectClean(*pool_, Load("hawkbit-mysql-flyway", dir::DirFormat::kFlyway, "/migrations"),
              sql::Dialect::kMySQL, 58);
}

TEST_F(MySQLCorpus, MattermostWholeFileReplaysClean) {
  ExpectClean(
      *pool_,
      Load("mattermost-mysql-golang-migrate", dir::DirFormat::kGolangMigrate, "/migrations"),
      sql::Dialect::kMySQL, 140);
}

TEST_F(MySQLCorpus, CachedPrefixAndPerStatement) {
  auto files = Load("hawkbit-mysql-flyway", dir::DirFormat::kFlyway, "/migrations");
  ASSERT_GT(files.size(), 2u);
  std::vector<dir::Migration> prefix(files.begin(), files.end() - 1);
  lint::ReplayOptions o;
  o.dialect = sql::Dialect::kMySQL;
  auto first = lint::Replay(*pool_, prefix, {}, o);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_FALSE(first->base_error) << first->base_error->message;
  EXPECT_TRUE(first->snapshot_saved);
  auto inc = lint::Replay(*pool_, prefix, {files.back()}, o);
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->base_files_from_snapshot, static_cast<int>(prefix.size()));
  EXPECT_EQ(inc->base_files_replayed, 0);
  ASSERT_EQ(inc->files.size(), 1u);
  EXPECT_FALSE(inc->files[0].failed())
      << (inc->files[0].statements.empty() ? ""
                                           : (inc->files[0].statements.back().error
                                                  ? inc->files[0].statements.back().error->message
                                                  : ""));
  EXPECT_EQ(inc->base_schema.TableCount(), first->base_schema.TableCount());
}

}  // namespace
}  // namespace schemabot
