// Replays corpus directories statement by statement on real servers: every statement the
// splitter returns must run alone (PostgreSQL's extended protocol and MySQL without
// CLIENT_MULTI_STATEMENTS both reject two statements in one text), all must succeed, and
// the count must equal what the corpus README measured with psql / mariadb.
// Needs SCHEMABOT_TEST_PG_URL / SCHEMABOT_TEST_MYSQL_SOCKET (scripts/test-dbs); skips
// without them unless SCHEMABOT_REQUIRE_DBS=1.
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <mysql_driver.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <random>

#include "engine/dir/dir.h"
#include "engine/sql/sql.h"

namespace schemabot {
namespace {

namespace fs = std::filesystem;

fs::path Corpus() {
  const char* env = std::getenv("SCHEMABOT_SHARED_DIR");
  fs::path p = env && fs::is_directory(fs::path(env) / "corpus") ? fs::path(env)
                                                                 : fs::path(SCHEMABOT_SHARED_DIR);
  return p / "corpus";
}

bool RequireDbs() {
  const char* r = std::getenv("SCHEMABOT_REQUIRE_DBS");
  return r && std::string(r) == "1";
}

std::string UniqueName() {
  std::random_device rd;
  return "sb_split_" + std::to_string(getpid()) + "_" + std::to_string(rd() % 1000000);
}

// The statements of the directory's versioned files, in order (flyway baselines and
// repeatables are left out, as the corpus README's replays did).
std::vector<std::pair<std::string, sql::Statement>> Statements(const std::string& path,
                                                               dir::DirFormat format,
                                                               sql::Dialect dialect) {
  std::vector<std::pair<std::string, sql::Statement>> out;
  auto d = dir::OpenDiskDir((Corpus() / path).string());
  EXPECT_TRUE(d.has_value());
  if (!d) return out;
  auto md = dir::LoadMigrations(**d, format);
  EXPECT_TRUE(md.has_value());
  if (!md) return out;
  for (const auto& m : md->migrations) {
    if (m.kind != dir::MigrationKind::kVersioned) continue;
    sql::SplitOptions o;
    o.base = {m.up.offset, m.up.line, m.up.column};
    auto r = sql::Split(m.up.text, dialect, o);
    EXPECT_TRUE(r.has_value()) << m.file;
    if (!r) continue;
    for (auto& st : r->statements) {
      if (!st.empty) out.emplace_back(m.file, std::move(st));
    }
  }
  return out;
}

struct PgConn {
  PGconn* c = nullptr;
  ~PgConn() {
    if (c) PQfinish(c);
  }
};

std::string PgExec(PGconn* c, const std::string& text) {
  PGresult* r = PQexecParams(c, text.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
  ExecStatusType s = PQresultStatus(r);
  std::string err = (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) ? "" : PQerrorMessage(c);
  PQclear(r);
  return err;
}

void ReplayPostgres(const std::string& path, dir::DirFormat format, size_t want_statements) {
  const char* url = std::getenv("SCHEMABOT_TEST_PG_URL");
  if (!url) {
    if (RequireDbs()) FAIL() << "SCHEMABOT_TEST_PG_URL is not set";
    GTEST_SKIP() << "SCHEMABOT_TEST_PG_URL not set (eval \"$(scripts/test-dbs start)\")";
  }
  auto stmts = Statements(path, format, sql::Dialect::kPostgres);
  PgConn admin{PQconnectdb(url)};
  ASSERT_EQ(PQstatus(admin.c), CONNECTION_OK) << PQerrorMessage(admin.c);
  std::string db = UniqueName();
  ASSERT_EQ(PgExec(admin.c, "CREATE DATABASE " + db), "");
  {
    const char* keys[] = {"dbname", "dbname", nullptr};
    const char* vals[] = {url, db.c_str(), nullptr};
    PgConn conn{PQconnectdbParams(keys, vals, 1)};
    ASSERT_EQ(PQstatus(conn.c), CONNECTION_OK) << PQerrorMessage(conn.c);
    PgExec(conn.c, "SET client_min_messages = warning");
    size_t ran = 0;
    for (const auto& [file, st] : stmts) {
      std::string err = PgExec(conn.c, st.text);
      ASSERT_EQ(err, "") << file << ":" << st.line << ":" << st.column << ": " << st.text;
      ++ran;
    }
    EXPECT_EQ(ran, want_statements) << path;
  }
  EXPECT_EQ(PgExec(admin.c, "DROP DATABASE " + db + " WITH (FORCE)"), "");
}

TEST(SplitReplay, HatchetPostgresAtlas) {
  ReplayPostgres("hatchet-postgres-atlas/migrations", dir::DirFormat::kAtlas, 594);
}

TEST(SplitReplay, HawkbitPostgresFlyway) {
  ReplayPostgres("hawkbit-postgres-flyway/migrations", dir::DirFormat::kFlyway, 356);
}

TEST(SplitReplay, HawkbitMariaDBFlyway) {
  const char* sock = std::getenv("SCHEMABOT_TEST_MYSQL_SOCKET");
  if (!sock) {
    if (RequireDbs()) FAIL() << "SCHEMABOT_TEST_MYSQL_SOCKET is not set";
    GTEST_SKIP() << "SCHEMABOT_TEST_MYSQL_SOCKET not set (eval \"$(scripts/test-dbs start)\")";
  }
  auto stmts =
      Statements("hawkbit-mysql-flyway/migrations", dir::DirFormat::kFlyway, sql::Dialect::kMySQL);
  std::string db = UniqueName();
  try {
    ::sql::mysql::MySQL_Driver* driver = ::sql::mysql::get_mysql_driver_instance();
    std::unique_ptr<::sql::Connection> con(
        driver->connect(std::string("unix://") + sock, "root", ""));
    std::unique_ptr<::sql::Statement> q(con->createStatement());
    q->execute("CREATE DATABASE " + db);
    q->execute("USE " + db);
    size_t ran = 0;
    for (const auto& [file, st] : stmts) {
      try {
        if (q->execute(st.text)) std::unique_ptr<::sql::ResultSet> rs(q->getResultSet());
        while (q->getMoreResults()) std::unique_ptr<::sql::ResultSet> rs(q->getResultSet());
      } catch (const ::sql::SQLException& e) {
        ADD_FAILURE() << file << ":" << st.line << ":" << st.column << ": " << e.what() << "\n"
                      << st.text;
        break;
      }
      ++ran;
    }
    EXPECT_EQ(ran, 436u);
    q->execute("DROP DATABASE " + db);
  } catch (const ::sql::SQLException& e) {
    FAIL() << "mariadb: " << e.what();
  }
}

}  // namespace
}  // namespace schemabot
