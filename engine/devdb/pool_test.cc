#include "engine/devdb/pool.h"

#include <gtest/gtest.h>

#include <thread>

#include "engine/devdb/test_util.h"

namespace schemabot::devdb {
namespace {

using namespace std::chrono_literals;

PoolOptions Options(const Url& admin, int size = 2) {
  PoolOptions o;
  o.admin_url = admin;
  o.size = size;
  o.name = testing::UniqueName("sbp");
  o.lease_timeout = 5s;
  o.limits.statement_timeout = 800ms;
  o.limits.lock_timeout = 500ms;
  o.limits.idle_timeout = 5s;
  o.limits.watchdog_grace = 400ms;
  o.health_interval = 200ms;
  return o;
}

std::string One(Driver& d, const std::string& sql) {
  auto r = d.Query(sql);
  if (!r) return "error: " + r.error().message;
  if (r->rows.empty() || r->rows[0].empty()) return "";
  return r->rows[0][0].value_or("NULL");
}

// Runs `stmt` and expects it to be refused (a permission error from the server).
void ExpectRefused(Driver& d, const std::string& stmt) {
  auto r = d.Exec(stmt);
  EXPECT_FALSE(r) << stmt << " succeeded";
  if (!r) {
    EXPECT_NE(r.error().code, ErrorCode::kUnavailable) << r.error().message;
  }
}

template <typename F>
long long MillisOf(F&& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

TEST(PostgresPool, UntrustedRoleIsConfined) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_PG_URL");
  auto pool = Pool::Open(Options(url));
  ASSERT_TRUE(pool) << pool.error().message;
  auto lease = (*pool)->Acquire();
  ASSERT_TRUE(lease) << lease.error().message;
  Driver& d = (*lease)->driver();
  EXPECT_EQ(One(d, "SELECT rolsuper FROM pg_roles WHERE rolname = session_user"), "f");
  ExpectRefused(d, "COPY (SELECT 1) TO PROGRAM 'id'");
  ASSERT_TRUE(d.Exec("CREATE TABLE pw (l text)"));
  ExpectRefused(d, "SELECT pg_read_file('/etc/passwd')");
  ExpectRefused(d, "COPY pw FROM '/etc/passwd'");
  ExpectRefused(d, "SELECT pg_ls_dir('.')");
  ExpectRefused(d, "ALTER SYSTEM SET work_mem = '1GB'");
  ExpectRefused(d, "CREATE ROLE evil SUPERUSER");
  ExpectRefused(d, "CREATE DATABASE evil");
  ExpectRefused(d, "CREATE EXTENSION IF NOT EXISTS adminpack");
  ExpectRefused(d, "GRANT pg_read_server_files TO CURRENT_USER");
  // The other slot's database is out of reach.
  auto other = (*pool)->Acquire();
  ASSERT_TRUE(other);
  std::string db = (*other)->database();
  auto sneak = Connect(url.With(One(d, "SELECT session_user"), "", db));
  EXPECT_FALSE(sneak);
}

TEST(PostgresPool, SleepIsCutOffEvenWhenTheSessionLiftsItsLimit) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_PG_URL");
  auto pool = Pool::Open(Options(url, 1));
  ASSERT_TRUE(pool) << pool.error().message;
  auto lease = (*pool)->Acquire();
  ASSERT_TRUE(lease) << lease.error().message;
  Driver& d = (*lease)->driver();
  Result<void> r = Ok();
  EXPECT_LT(MillisOf([&] { r = d.Exec("SELECT pg_sleep(600)"); }), 3000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  ASSERT_TRUE(d.Exec("SET statement_timeout = 0"));
  ASSERT_TRUE(d.Exec("ALTER ROLE CURRENT_USER SET statement_timeout = 0"));
  EXPECT_LT(MillisOf([&] { r = d.Exec("SELECT pg_sleep(600)"); }), 3000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout) << r.error().message;
  EXPECT_TRUE(d.Ping());
  lease->reset();
  // Nothing survives: the next lease has the pool's limit again.
  auto next = (*pool)->Acquire();
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(One((*next)->driver(), "SHOW statement_timeout"), "800ms");
}

TEST(PostgresPool, ResetSnapshotsAndWaiting) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_PG_URL");
  PoolOptions o = Options(url, 1);
  o.max_snapshots = 2;
  o.lease_timeout = 1500ms;  // also bounds the wait for a background re-clone under load
  auto pool = Pool::Open(o);
  ASSERT_TRUE(pool) << pool.error().message;
  {
    auto lease = (*pool)->Acquire();
    ASSERT_TRUE(lease);
    Driver& d = (*lease)->driver();
    ASSERT_TRUE(
        d.ExecScript("CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (7);"
                     "CREATE SCHEMA s2; CREATE TABLE s2.t (x int);"));
    // All slots taken: the next Acquire waits, then times out.
    auto busy = (*pool)->Acquire();
    ASSERT_FALSE(busy);
    EXPECT_EQ(busy.error().code, ErrorCode::kTimeout);
    ASSERT_TRUE((*lease)->SaveSnapshot("k1"));
    EXPECT_EQ(One(d, "SELECT count(*) FROM kept"), "1");  // still usable after the save
    ASSERT_TRUE(d.Exec("CREATE TABLE scratch (x int)"));
  }
  EXPECT_EQ((*pool)->FindSnapshot({"k0", "k1", "k2"}), 1);
  {
    auto empty = (*pool)->Acquire();
    ASSERT_TRUE(empty);
    EXPECT_EQ((*empty)->snapshot(), "");
    EXPECT_EQ(One((*empty)->driver(),
                  "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
                  "('pg_catalog', 'information_schema')"),
              "0");
  }
  // The background worker re-clones the most recent snapshot after a return.
  std::this_thread::sleep_for(500ms);
  {
    auto lease = (*pool)->Acquire("k1");
    ASSERT_TRUE(lease) << lease.error().message;
    EXPECT_EQ((*lease)->snapshot(), "k1");
    EXPECT_EQ(One((*lease)->driver(), "SELECT id FROM kept"), "7");
    EXPECT_EQ(One((*lease)->driver(), "SELECT to_regclass('scratch') IS NULL"), "t");
    ASSERT_TRUE((*lease)->driver().Exec("CREATE TABLE t2 (x int)"));
    ASSERT_TRUE((*lease)->SaveSnapshot("k2"));
    ASSERT_TRUE((*lease)->SaveSnapshot("k3"));
  }
  EXPECT_EQ((*pool)->FindSnapshot({"k1"}), -1);  // evicted: at most 2
  EXPECT_EQ((*pool)->FindSnapshot({"k1", "k2", "k3"}), 2);
  PoolStats s = (*pool)->stats();
  EXPECT_EQ(s.snapshots, 2u);
  EXPECT_EQ(s.snapshots_evicted, 1u);
  EXPECT_GE(s.prepared_hits, 1u);
}

// What a crashed earlier pool of the same name left behind is dropped by Open; names that
// only share a prefix without the "_" separator (or contain LIKE wildcards) are not.
void ExpectLeftoversDropped(const Url& url, const std::string& list_sql) {
  auto admin = Connect(url);
  ASSERT_TRUE(admin) << admin.error().message;
  PoolOptions o = Options(url, 1);
  std::string leftover = o.name + "_dev9", neighbour = o.name + "x_dev0";
  for (const auto& db : {leftover, neighbour}) {
    ASSERT_TRUE((*admin)->Exec("CREATE DATABASE " + QuoteIdent(url.engine, db)));
  }
  {
    auto pool = Pool::Open(o);
    ASSERT_TRUE(pool) << pool.error().message;
    EXPECT_EQ(One(**admin, list_sql + "'" + leftover + "'"), "0");
    EXPECT_EQ(One(**admin, list_sql + "'" + neighbour + "'"), "1");
  }
  EXPECT_TRUE((*admin)->Exec("DROP DATABASE " + QuoteIdent(url.engine, neighbour)));
}

TEST(PostgresPool, OpenDropsAnEarlierPoolsLeftovers) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_PG_URL");
  ExpectLeftoversDropped(url, "SELECT count(*) FROM pg_database WHERE datname = ");
}

TEST(MySQLPool, OpenDropsAnEarlierPoolsLeftovers) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_MYSQL_URL");
  ExpectLeftoversDropped(url,
                         "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ");
}

TEST(MySQLPool, UntrustedUserIsConfined) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_MYSQL_URL");
  auto pool = Pool::Open(Options(url, 1));
  ASSERT_TRUE(pool) << pool.error().message;
  auto lease = (*pool)->Acquire();
  ASSERT_TRUE(lease) << lease.error().message;
  Driver& d = (*lease)->driver();
  ASSERT_TRUE(d.Exec("CREATE TABLE t (x text)"));
  ExpectRefused(d, "SELECT 'x' INTO OUTFILE '/tmp/sb-pool-outfile.txt'");
  ExpectRefused(d, "LOAD DATA INFILE '/etc/passwd' INTO TABLE t");
  EXPECT_EQ(One(d, "SELECT LOAD_FILE('/etc/passwd')"), "NULL");
  ExpectRefused(d, "CREATE USER evil");
  ExpectRefused(d, "CREATE DATABASE evil");
  ExpectRefused(d, "SET GLOBAL max_connections = 5");
  ExpectRefused(d, "SELECT * FROM mysql.user");
  Result<void> r = Ok();
  EXPECT_LT(MillisOf([&] { r = d.Exec("SELECT SLEEP(600)"); }), 3000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  std::string lift = d.version().flavor == Flavor::kMariaDB ? "SET max_statement_time = 0"
                                                            : "SET max_execution_time = 0";
  ASSERT_TRUE(d.Exec(lift));
  EXPECT_LT(MillisOf([&] { r = d.Exec("SELECT SLEEP(600)"); }), 3000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  EXPECT_TRUE(d.Ping());
  lease->reset();
  auto next = (*pool)->Acquire();
  ASSERT_TRUE(next);
  EXPECT_EQ(One((*next)->driver(),
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                "TABLE_SCHEMA = DATABASE()"),
            "0");
}

TEST(MySQLPool, SnapshotRecreatesSchemaAndRows) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_MYSQL_URL");
  auto pool = Pool::Open(Options(url, 2));
  ASSERT_TRUE(pool) << pool.error().message;
  {
    auto lease = (*pool)->Acquire();
    ASSERT_TRUE(lease);
    Driver& d = (*lease)->driver();
    ASSERT_TRUE(d.ExecScript(R"(
      CREATE TABLE parent (id int PRIMARY KEY, name varchar(20), g int AS (id * 2) STORED);
      CREATE TABLE child (id int PRIMARY KEY, p int, FOREIGN KEY (p) REFERENCES parent (id));
      INSERT INTO parent (id, name) VALUES (1, 'it''s'), (2, NULL);
      INSERT INTO child VALUES (10, 1);
      CREATE VIEW v1 AS SELECT id FROM parent;
      CREATE VIEW v2 AS SELECT id FROM v1;
      CREATE PROCEDURE p1() SELECT COUNT(*) FROM parent;
      CREATE TRIGGER tr BEFORE INSERT ON child FOR EACH ROW SET NEW.id = NEW.id + 0;
    )"));
    ASSERT_TRUE((*lease)->SaveSnapshot("m1"));
  }
  // Restored into the other slot, as that slot's user.
  auto a = (*pool)->Acquire("m1");
  ASSERT_TRUE(a) << a.error().message;
  auto b = (*pool)->Acquire("m1");
  ASSERT_TRUE(b) << b.error().message;
  for (auto* l : {&*a, &*b}) {
    Driver& d = (*l)->driver();
    EXPECT_EQ(One(d, "SELECT name FROM parent WHERE id = 1"), "it's");
    EXPECT_EQ(One(d, "SELECT g FROM parent WHERE id = 2"), "4");
    EXPECT_EQ(One(d, "SELECT COUNT(*) FROM v2"), "2");
    EXPECT_EQ(One(d, "SELECT p FROM child"), "1");
    EXPECT_TRUE(d.Exec("CALL p1()"));
    EXPECT_FALSE(d.Exec("INSERT INTO child VALUES (11, 99)"));  // FK enforced again
  }
}

}  // namespace
}  // namespace schemabot::devdb
