#include "engine/devdb/devdb.h"

#include <gtest/gtest.h>

#include <thread>

#include "engine/devdb/internal.h"
#include "engine/devdb/test_util.h"

namespace schemabot::devdb {
namespace {

TEST(Url, PostgresWithPasswordAndParams) {
  auto u = ParseUrl("postgres://user:p%40ss@db.example:5433/app?sslmode=disable");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->engine, Engine::kPostgres);
  EXPECT_EQ(u->user, "user");
  EXPECT_EQ(u->password, "p@ss");
  EXPECT_EQ(u->host, "db.example");
  EXPECT_EQ(u->port, 5433);
  EXPECT_EQ(u->database, "app");
  EXPECT_EQ(u->Param("sslmode"), "disable");
  EXPECT_EQ(u->Redacted(), "postgres://user:xxxxx@db.example:5433/app?sslmode=disable");
  EXPECT_EQ(u->String(), "postgres://user:p%40ss@db.example:5433/app?sslmode=disable");
  EXPECT_EQ(u->Redacted().find("p@ss"), std::string::npos);
}

TEST(Url, PostgresSocketDirectory) {
  auto u = ParseUrl("postgresql://postgres@/postgres?host=/tmp/x/pg");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->socket, "/tmp/x/pg");
  EXPECT_EQ(u->host, "");
  EXPECT_EQ(u->Redacted(), "postgres://postgres@/postgres?host=/tmp/x/pg");
  auto h = ParseUrl("postgres://u@%2Frun%2Fpg/db");
  ASSERT_TRUE(h);
}

TEST(Url, MySQLForms) {
  auto tcp = ParseUrl("mysql://root:pass@localhost:3306/app");
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->engine, Engine::kMySQL);
  EXPECT_EQ(tcp->port, 3306);
  EXPECT_EQ(tcp->Redacted(), "mysql://root:xxxxx@localhost:3306/app");
  auto sock = ParseUrl("mysql://root@/app?socket=/run/mysqld/mysqld.sock");
  ASSERT_TRUE(sock);
  EXPECT_EQ(sock->socket, "/run/mysqld/mysqld.sock");
  EXPECT_EQ(sock->database, "app");
  auto nodb = ParseUrl("maria://schemabot@/?socket=/s.sock");
  ASSERT_TRUE(nodb);
  EXPECT_EQ(nodb->database, "");
  EXPECT_EQ(nodb->engine, Engine::kMySQL);
}

TEST(Url, ErrorsNeverShowThePassword) {
  for (const char* bad : {"ftp://u:hunter2@h/db", "postgres://u:hunter2@h:99999/db",
                          "postgres://u:hunter2@h:x/db", "mysql://u:hunter2@h/db%zz", "nourl"}) {
    auto u = ParseUrl(bad);
    ASSERT_FALSE(u) << bad;
    EXPECT_EQ(u.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(u.error().message.find("hunter2"), std::string::npos) << u.error().message;
  }
  auto p = ParseUrl("postgres://h/db?password=hunter2");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->password, "hunter2");
  EXPECT_EQ(p->Redacted().find("hunter2"), std::string::npos);
}

TEST(Url, WithAndQuote) {
  auto u = ParseUrl("postgres://a:b@h/db?sslmode=disable");
  ASSERT_TRUE(u);
  Url v = u->With("lint", "pw", "dev1");
  EXPECT_EQ(v.String(), "postgres://lint:pw@h/dev1?sslmode=disable");
  EXPECT_EQ(QuoteIdent(Engine::kPostgres, "a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(QuoteIdent(Engine::kMySQL, "a`b"), "`a``b`");
  EXPECT_EQ(QuoteLiteral(Engine::kMySQL, "it's \\"), "'it''s \\\\'");
}

TEST(MySQLErrorOffset, ResolvesNearTextAtLine) {
  std::string sql = "CREATE TABLE t (\n  id int,\n  x intt\n)";
  auto off = MySQLErrorOffset(
      "You have an error in your SQL syntax; check the manual that corresponds to your "
      "MariaDB server version for the right syntax to use near 'intt\n)' at line 3",
      sql);
  ASSERT_TRUE(off);
  EXPECT_EQ(sql.substr(*off, 4), "intt");
}

TEST(Postgres, ExecErrorsAndPositions) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_PG_URL");
  auto db = Connect(url);
  ASSERT_TRUE(db) << db.error().message;
  Driver& d = **db;
  EXPECT_EQ(d.version().flavor, Flavor::kPostgres);
  EXPECT_GE(d.version().major, 13);
  ASSERT_TRUE(d.Exec("CREATE TEMP TABLE tt (id int)"));
  // "é" is two bytes: the server's character position 24 is byte 25.
  std::string stmt = "SELECT 'é' AS x FROM tt, missing_relation";
  auto r = d.Exec(stmt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "relation \"missing_relation\" does not exist");
  EXPECT_EQ(d.last_error().sqlstate, "42P01");
  ASSERT_TRUE(d.last_error().offset);
  EXPECT_EQ(stmt.substr(*d.last_error().offset), "missing_relation");
  // The extended protocol refuses two statements; a script runs them.
  EXPECT_FALSE(d.Exec("SELECT 1; SELECT 2"));
  ASSERT_TRUE(d.ExecScript("INSERT INTO tt VALUES (1); INSERT INTO tt VALUES (2);"));
  auto rows = d.Query("SELECT count(*) AS n FROM tt");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->columns[0], "n");
  EXPECT_EQ(rows->rows[0][0].value_or(""), "2");
  std::string script = "INSERT INTO tt VALUES (3);\nINSERT INTO nope VALUES (1);";
  ASSERT_FALSE(d.ExecScript(script));
  ASSERT_TRUE(d.last_error().offset);
  EXPECT_EQ(script.substr(*d.last_error().offset, 4), "nope");
}

TEST(Postgres, TransactionsAndCancel) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_PG_URL");
  auto db = Connect(url);
  ASSERT_TRUE(db);
  Driver& d = **db;
  ASSERT_TRUE(d.Exec("CREATE TEMP TABLE tx (id int)"));
  ASSERT_TRUE(d.Begin());
  ASSERT_TRUE(d.Exec("INSERT INTO tx VALUES (1)"));
  ASSERT_TRUE(d.Rollback());
  EXPECT_EQ(d.Query("SELECT count(*) FROM tx")->rows[0][0].value_or(""), "0");
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    d.Cancel();
  });
  auto start = std::chrono::steady_clock::now();
  auto r = d.Exec("SELECT pg_sleep(30)");
  t.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(d.Ping());
}

TEST(Postgres, StatementTimeoutFromOptions) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_PG_URL");
  ConnectOptions o;
  o.statement_timeout = std::chrono::milliseconds(300);
  auto db = Connect(url, o);
  ASSERT_TRUE(db);
  auto r = (*db)->Exec("SELECT pg_sleep(10)");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
}

TEST(Postgres, UnreachableIsUnavailable) {
  auto u = ParseUrl("postgres://x:secret@/db?host=/nonexistent-dir-sb");
  ASSERT_TRUE(u);
  auto db = Connect(*u);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(db.error().message.find("secret"), std::string::npos);
}

TEST(MySQL, ExecErrorsScriptsAndVersion) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_MYSQL_URL");
  auto admin = Connect(url);
  ASSERT_TRUE(admin) << admin.error().message;
  std::string db = testing::UniqueName("sb_drv");
  ASSERT_TRUE((*admin)->Exec("CREATE DATABASE " + db));
  auto conn = Connect(url.With(url.user, url.password, db));
  ASSERT_TRUE(conn) << conn.error().message;
  Driver& d = **conn;
  EXPECT_EQ(d.database(), db);
  EXPECT_NE(d.version().flavor, Flavor::kPostgres);
  EXPECT_GE(d.version().major, 5);
  ASSERT_TRUE(
      d.ExecScript("CREATE TABLE a (i int); CREATE TABLE b (i int); CREATE TABLE c (i int);"));
  auto rows =
      d.Query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()");
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(rows->rows[0][0].value_or(""), "3");
  std::string script =
      "INSERT INTO a VALUES (1);\nINSERT INTO nope VALUES (1);\nCREATE TABLE d (i int);";
  auto r = d.ExecScript(script);
  ASSERT_FALSE(r);
  EXPECT_EQ(d.last_error().code, 1146);
  EXPECT_NE(r.error().message.find("nope"), std::string::npos) << r.error().message;
  EXPECT_TRUE(d.Ping());
  auto tail = d.ExecScript("CREATE TABLE f (i int);\n-- trailing comment\n");
  EXPECT_TRUE(tail) << tail.error().message;
  auto tail2 = d.ExecScript("CREATE TABLE g (i int) -- no semicolon");
  EXPECT_TRUE(tail2) << tail2.error().message;
  EXPECT_TRUE(d.Ping());
  auto bad = d.Exec("CREATE TABLE e (\n  id int,\n  x int int\n)");
  ASSERT_FALSE(bad);
  ASSERT_TRUE(d.last_error().offset) << d.last_error().message;
  ASSERT_TRUE(d.Begin());
  ASSERT_TRUE(d.Exec("INSERT INTO a VALUES (5)"));
  ASSERT_TRUE(d.Rollback());
  EXPECT_EQ(d.Query("SELECT COUNT(*) FROM a")->rows[0][0].value_or(""), "1");
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    d.Cancel();
  });
  auto start = std::chrono::steady_clock::now();
  auto s = d.Exec("SELECT SLEEP(30)");
  t.join();
  // KILL QUERY interrupts SLEEP, which then returns 1 without an error on MariaDB; either
  // way the statement ends quickly.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  (void)s;
  EXPECT_TRUE(d.Ping());
  ASSERT_TRUE((*admin)->Exec("DROP DATABASE " + db));
}

}  // namespace
}  // namespace schemabot::devdb
