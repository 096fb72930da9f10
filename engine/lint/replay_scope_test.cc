// Scoped inspection (lint::SchemaTracker over schema::InspectChanged) against a full
// inspection after every statement, on statements whose effects reach tables they do not
// name: partitions, inheritance children, foreign keys of referencing tables, cascades,
// renamed types and sequences.
#include <gtest/gtest.h>

#include "engine/devdb/test_util.h"
#include "engine/lint/replay.h"

namespace schemabot::lint {
namespace {

TEST(TouchedTables, NamesIndexOwnersAndReferencers) {
  schema::Realm r;
  schema::Schema s;
  s.name = "public";
  schema::Table users;
  users.name = "users";
  users.indexes.push_back(schema::Index{.name = "users_email_idx"});
  schema::Table orders;
  orders.name = "orders";
  orders.foreign_keys.push_back(schema::ForeignKey{.name = "fk", .ref_table = "users"});
  s.tables = {orders, users};
  r.schemas.push_back(s);
  auto pg = sql::Dialect::kPostgres;

  auto t = TouchedTables("DROP INDEX users_email_idx", pg, r);
  ASSERT_TRUE(t);
  EXPECT_NE(std::find(t->begin(), t->end(), "users"), t->end());
  EXPECT_NE(std::find(t->begin(), t->end(), "orders"), t->end()) << "drop reaches referencers";

  t = TouchedTables("ALTER TABLE \"Users\" ADD COLUMN x int", pg, r);
  ASSERT_TRUE(t);
  EXPECT_NE(std::find(t->begin(), t->end(), "users"), t->end()) << "names compare folded";
  EXPECT_EQ(std::find(t->begin(), t->end(), "orders"), t->end()) << "an ADD leaves referencers";

  t = TouchedTables("ALTER TABLE users RENAME COLUMN id TO uid", pg, r);
  ASSERT_TRUE(t);
  EXPECT_NE(std::find(t->begin(), t->end(), "orders"), t->end());

  for (const char* full : {"DO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$", "SELECT f()",
                           "SET search_path = x", "ALTER TYPE mood RENAME TO feeling",
                           "DROP SCHEMA s CASCADE", "CREATE FUNCTION f() RETURNS int AS 'x'",
                           "ALTER SEQUENCE s RENAME TO t", "ROLLBACK", "CALL p()"}) {
    EXPECT_FALSE(TouchedTables(full, pg, r)) << full;
  }
  EXPECT_TRUE(TouchedTables("ALTER TYPE mood ADD VALUE 'meh'", pg, r));
  EXPECT_TRUE(TouchedTables("SET @x = (SELECT 1)", sql::Dialect::kMySQL, r));
  EXPECT_FALSE(TouchedTables("SET @@sql_mode = ''", sql::Dialect::kMySQL, r));
  EXPECT_FALSE(TouchedTables("EXECUTE stmt", sql::Dialect::kMySQL, r));
}

// Runs `statements` on two databases, one tracked with scoped inspections, one with full
// ones; the states must match after every statement.
void ExpectSameStates(const devdb::Url& url, sql::Dialect dialect,
                      const std::vector<std::string>& statements, int min_scoped) {
  devdb::testing::ScratchDb a(url, "sbscope_full"), b(url, "sbscope_part");
  ASSERT_TRUE(a.ok()) << a.error();
  ASSERT_TRUE(b.ok()) << b.error();
  SchemaTracker full(a.conn(), dialect, {}, false), scoped(b.conn(), dialect, {}, true);
  ASSERT_TRUE(full.Current());
  ASSERT_TRUE(scoped.Current());
  for (const auto& st : statements) {
    auto ra = a.conn().Exec(st);
    ASSERT_TRUE(ra) << st << ": " << ra.error().message;
    ASSERT_TRUE(b.conn().Exec(st)) << st;
    auto sa = full.After(st);
    ASSERT_TRUE(sa) << sa.error().message;
    auto sb = scoped.After(st);
    ASSERT_TRUE(sb) << sb.error().message;
    schema::Realm ra_state = **sa, rb_state = **sb;
    if (dialect == sql::Dialect::kMySQL) {  // the schema is the database's own name
      for (auto [r, db] : {std::pair{&ra_state, a.name()}, std::pair{&rb_state, b.name()}}) {
        for (auto& s : r->schemas) {
          s.name = "db";
          for (auto& v : s.views) {  // column references are qualified with the schema
            const std::string q = "`" + db + "`";
            for (size_t p = v.definition.find(q); p != std::string::npos;
                 p = v.definition.find(q, p)) {
              v.definition.replace(p, q.size(), "`db`");
            }
          }
          for (auto& t : s.tables) {
            for (auto& fk : t.foreign_keys) fk.ref_schema = "db";
          }
        }
      }
    }
    ASSERT_TRUE(ra_state == rb_state) << "after: " << st;
  }
  EXPECT_GE(scoped.scoped_inspections(), min_scoped);
}

TEST(ScopedInspection, PostgresReachesPartitionsReferencersAndCascades) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_PG_URL");
  ExpectSameStates(url, sql::Dialect::kPostgres,
                   {
                       "CREATE TABLE users (id int PRIMARY KEY, email text)",
                       "CREATE TABLE orders (id int, user_id int REFERENCES users (id))",
                       "ALTER TABLE users RENAME COLUMN id TO uid",
                       "ALTER TABLE users RENAME TO people",
                       "CREATE TABLE ev (id int, at date, kind text) PARTITION BY RANGE (at)",
                       "CREATE TABLE ev_2024 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO "
                       "('2025-01-01')",
                       "CREATE INDEX ev_kind ON ev (kind)",
                       "ALTER TABLE ev ADD COLUMN note text NOT NULL DEFAULT ''",
                       "ALTER TABLE ev ALTER COLUMN kind TYPE varchar(20)",
                       "CREATE TABLE parent (a int)",
                       "CREATE TABLE child (b int) INHERITS (parent)",
                       "ALTER TABLE parent ADD COLUMN c int",
                       "CREATE TYPE mood AS ENUM ('ok', 'sad')",
                       "CREATE TABLE moods (m mood DEFAULT 'ok')",
                       "ALTER TYPE mood ADD VALUE 'meh'",
                       "ALTER TYPE mood RENAME TO feeling",
                       "CREATE SEQUENCE counter",
                       "CREATE TABLE counted (n bigint DEFAULT nextval('counter'))",
                       "ALTER SEQUENCE counter RENAME TO counter2",
                       "CREATE UNIQUE INDEX people_email ON people (email)",
                       "CREATE TABLE mails (e text REFERENCES people (email))",
                       "DROP INDEX people_email CASCADE",
                       "CREATE VIEW v AS SELECT uid, email FROM people",
                       "DROP TABLE people CASCADE",
                       "DROP TABLE ev",
                       "COMMENT ON COLUMN orders.user_id IS 'who'",
                       "CREATE SCHEMA other",
                       "CREATE TABLE other.t (x int)",
                       "ALTER TABLE other.t SET SCHEMA public",
                       "DROP SCHEMA other",
                   },
                   15);
}

TEST(ScopedInspection, MariaDBReachesReferencers) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_MYSQL_URL");
  ExpectSameStates(url, sql::Dialect::kMySQL,
                   {
                       "CREATE TABLE users (id int PRIMARY KEY, email varchar(100))",
                       "CREATE TABLE orders (id int, user_id int, FOREIGN KEY (user_id) "
                       "REFERENCES users (id))",
                       "ALTER TABLE users CHANGE id uid int",
                       "RENAME TABLE users TO people",
                       "CREATE INDEX people_email ON people (email)",
                       "ALTER TABLE people DROP INDEX people_email",
                       "CREATE VIEW v AS SELECT uid FROM people",
                       "SET @x = 1",
                       "ALTER TABLE orders DROP FOREIGN KEY orders_ibfk_1",
                       "DROP TABLE people",
                   },
                   8);
}

}  // namespace
}  // namespace schemabot::lint
