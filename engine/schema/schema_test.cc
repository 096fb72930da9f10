#include "engine/schema/schema.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "engine/devdb/test_util.h"

namespace schemabot::schema {
namespace {

using devdb::testing::ScratchDb;

std::vector<std::string> Strings(const Changes& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) out.push_back(ToString(c));
  return out;
}

// Runs `stmt` and returns what it changed.
Changes Step(devdb::Driver& d, const std::string& stmt) {
  auto before = Inspect(d);
  EXPECT_TRUE(before) << before.error().message;
  auto r = d.ExecScript(stmt);
  EXPECT_TRUE(r) << stmt << ": " << r.error().message;
  auto after = Inspect(d);
  EXPECT_TRUE(after) << after.error().message;
  if (!before || !after) return {};
  return Diff(*before, *after, {.statement = stmt});
}

TEST(InspectPostgres, Model) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_PG_URL");
  ScratchDb db(url, "sb_inspect");
  ASSERT_TRUE(db.ok()) << db.error();
  auto& d = db.conn();
  ASSERT_TRUE(d.ExecScript(R"(
    CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
    CREATE TABLE users (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email varchar(255) NOT NULL,
      name text COLLATE "C" DEFAULT 'x',
      m mood,
      lower_email text GENERATED ALWAYS AS (lower(email)) STORED,
      CONSTRAINT email_len CHECK (length(email) > 3)
    );
    CREATE UNIQUE INDEX users_email ON users (email) WHERE email <> '';
    CREATE INDEX users_lower ON users USING hash (lower(name));
    CREATE TABLE posts (id serial PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE CASCADE,
                        UNIQUE (user_id, id));
    CREATE VIEW v AS SELECT id FROM users;
    CREATE SEQUENCE counter START 7 INCREMENT 2;
    CREATE SCHEMA other; CREATE TABLE other.t (x int);
  )"));
  auto realm = Inspect(d);
  ASSERT_TRUE(realm) << realm.error().message;
  ASSERT_EQ(realm->schemas.size(), 2u);
  const Table* users = realm->FindTable("public", "users");
  ASSERT_NE(users, nullptr);
  ASSERT_EQ(users->columns.size(), 5u);
  EXPECT_EQ(users->columns[0].identity, "always");
  EXPECT_FALSE(users->columns[0].nullable);
  EXPECT_EQ(users->columns[1].type, "character varying(255)");
  EXPECT_EQ(users->columns[2].collation, "C");
  EXPECT_EQ(users->columns[2].default_value.value_or(""), "'x'::text");
  EXPECT_EQ(users->columns[3].type, "mood");
  EXPECT_EQ(users->columns[4].generated, "lower((email)::text)");
  EXPECT_TRUE(users->columns[4].generated_stored);
  ASSERT_TRUE(users->primary_key);
  EXPECT_EQ(users->primary_key->parts[0].column, "id");
  ASSERT_EQ(users->indexes.size(), 2u);
  const Index* ue = users->FindIndex("users_email");
  ASSERT_NE(ue, nullptr);
  EXPECT_TRUE(ue->unique);
  EXPECT_EQ(ue->predicate, "email::text <> ''::text");
  const Index* ul = users->FindIndex("users_lower");
  ASSERT_NE(ul, nullptr);
  EXPECT_EQ(ul->method, "hash");
  EXPECT_EQ(ul->parts[0].column, "");
  EXPECT_EQ(ul->parts[0].expr, "lower(name)");
  ASSERT_EQ(users->checks.size(), 1u);
  EXPECT_EQ(users->checks[0].name, "email_len");
  const Table* posts = realm->FindTable("public", "posts");
  ASSERT_NE(posts, nullptr);
  ASSERT_EQ(posts->foreign_keys.size(), 1u);
  EXPECT_EQ(posts->foreign_keys[0].ref_table, "users");
  EXPECT_EQ(posts->foreign_keys[0].columns, std::vector<std::string>{"user_id"});
  EXPECT_EQ(posts->foreign_keys[0].on_delete, "CASCADE");
  ASSERT_EQ(posts->indexes.size(), 1u);
  EXPECT_TRUE(posts->indexes[0].constraint);
  const Schema* pub = realm->FindSchema("public");
  ASSERT_EQ(pub->views.size(), 1u);
  ASSERT_EQ(pub->enums.size(), 1u);
  EXPECT_EQ(pub->enums[0].values, (std::vector<std::string>{"sad", "ok", "happy"}));
  // posts_id_seq (serial, OWNED BY) and counter; identity sequences are not listed.
  ASSERT_EQ(pub->sequences.size(), 2u);
  EXPECT_EQ(pub->sequences[0].name, "counter");
  EXPECT_EQ(pub->sequences[0].start, 7);
  EXPECT_EQ(pub->sequences[1].owned_by, "posts.id");
  EXPECT_NE(realm->FindTable("other", "t"), nullptr);
}

TEST(DiffPostgres, StatementsAndRenames) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_PG_URL");
  ScratchDb db(url, "sb_diff");
  ASSERT_TRUE(db.ok()) << db.error();
  auto& d = db.conn();
  EXPECT_EQ(Strings(Step(d, "CREATE TABLE t (a int, b text)")),
            std::vector<std::string>{"add_table \"public\".\"t\""});
  EXPECT_EQ(Strings(Step(d, "ALTER TABLE t ALTER COLUMN a SET NOT NULL")),
            std::vector<std::string>{"modify_column \"public\".\"t\".\"a\" [null]"});
  EXPECT_EQ(
      Strings(Step(d, "ALTER TABLE t ALTER COLUMN b TYPE varchar(10), ALTER b SET DEFAULT 'q'")),
      std::vector<std::string>{"modify_column \"public\".\"t\".\"b\" [type,default]"});
  EXPECT_EQ(Strings(Step(d, "ALTER TABLE t RENAME COLUMN b TO c")),
            std::vector<std::string>{"rename_column \"public\".\"t\".\"c\" from \"b\""});
  EXPECT_EQ(Strings(Step(d, "CREATE INDEX t_c ON t (c)")),
            std::vector<std::string>{"add_index \"public\".\"t\".\"t_c\""});
  EXPECT_EQ(Strings(Step(d, "ALTER TABLE t RENAME TO u")),
            std::vector<std::string>{"rename_table \"public\".\"u\" from \"t\""});
  EXPECT_EQ(Strings(Step(d, "ALTER INDEX t_c RENAME TO u_c")),
            std::vector<std::string>{"rename_index \"public\".\"u\".\"u_c\" from \"t_c\""});
  // Without a rename in the statement, a different table is a drop and an add.
  EXPECT_EQ(
      Strings(Step(d, "DROP TABLE u; CREATE TABLE w (a int)")),
      (std::vector<std::string>{"drop_table \"public\".\"u\"", "add_table \"public\".\"w\""}));
  EXPECT_EQ(Strings(Step(d, "ALTER TABLE w ADD PRIMARY KEY (a)")),
            (std::vector<std::string>{"modify_table \"public\".\"w\" [primary_key]",
                                      "modify_column \"public\".\"w\".\"a\" [null]"}));
  EXPECT_EQ(Strings(Step(d, "CREATE TABLE x (id int REFERENCES w (a), CHECK (id > 0))")),
            std::vector<std::string>{"add_table \"public\".\"x\""});
  EXPECT_EQ(Strings(Step(d, "ALTER TABLE x DROP CONSTRAINT x_id_fkey")),
            std::vector<std::string>{"drop_foreign_key \"public\".\"x\".\"x_id_fkey\""});
  EXPECT_EQ(Strings(Step(d, "ALTER TABLE x DROP CONSTRAINT x_id_check")),
            std::vector<std::string>{"drop_check \"public\".\"x\".\"x_id_check\""});
  EXPECT_EQ(Strings(Step(d, "CREATE UNIQUE INDEX x_id ON x (id)")),
            std::vector<std::string>{"add_index \"public\".\"x\".\"x_id\""});
  EXPECT_EQ(Strings(Step(d, "DROP INDEX x_id; CREATE INDEX x_id ON x (id)")),
            std::vector<std::string>{"modify_index \"public\".\"x\".\"x_id\" [unique]"});
  EXPECT_EQ(Strings(Step(d, "ALTER TABLE x DROP COLUMN id")),
            (std::vector<std::string>{"drop_column \"public\".\"x\".\"id\"",
                                      "drop_index \"public\".\"x\".\"x_id\""}));
  EXPECT_EQ(Strings(Step(d, "CREATE SCHEMA s2")), std::vector<std::string>{"add_schema \"s2\""});
  EXPECT_EQ(Strings(Step(d, "DROP SCHEMA s2")), std::vector<std::string>{"drop_schema \"s2\""});
}

// A sanity bound only (the real figure is in bench/replay_bench.cc): 300 tables with
// indexes and foreign keys inspect in well under 100 ms even on a loaded CI machine.
TEST(InspectPostgres, ThreeHundredTablesIsFast) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_PG_URL");
  ScratchDb db(url, "sb_inspect300");
  ASSERT_TRUE(db.ok()) << db.error();
  std::string ddl;
  for (int i = 0; i < 300; ++i) {
    std::string t = "t" + std::to_string(i);
    ddl += "CREATE TABLE " + t +
           " (id bigserial PRIMARY KEY, name text NOT NULL, v int DEFAULT 0, "
           "parent bigint" +
           (i ? " REFERENCES t" + std::to_string(i - 1) + " (id)" : "") +
           ", created timestamptz DEFAULT now(), CHECK (v >= 0));";
    ddl += "CREATE INDEX " + t + "_name ON " + t + " (name);";
  }
  ASSERT_TRUE(db.conn().ExecScript(ddl));
  ASSERT_TRUE(Inspect(db.conn()));  // warm the catalog caches
  auto start = std::chrono::steady_clock::now();
  auto realm = Inspect(db.conn());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  ASSERT_TRUE(realm);
  EXPECT_EQ(realm->TableCount(), 300u);
  std::printf("inspection of 300 tables: %lld ms\n", static_cast<long long>(ms));
  EXPECT_LT(ms, 400) << "inspection of 300 tables took " << ms << " ms";
}

TEST(InspectMySQL, ModelAndDiff) {
  SB_NEED_DB(url, "SCHEMABOT_TEST_MYSQL_URL");
  ScratchDb db(url, "sb_inspect");
  ASSERT_TRUE(db.ok()) << db.error();
  auto& d = db.conn();
  ASSERT_TRUE(d.ExecScript(R"(
    CREATE TABLE users (
      id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
      email varchar(255) NOT NULL,
      status enum('active', 'it''s', 'gone') NOT NULL DEFAULT 'active',
      tags set('a', 'b'),
      name varchar(50) COLLATE utf8mb4_bin,
      lower_email varchar(255) AS (lower(email)) STORED,
      CONSTRAINT email_len CHECK (char_length(email) > 3),
      UNIQUE KEY users_email (email),
      KEY users_name (name(10) DESC)
    ) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
    CREATE TABLE posts (id int PRIMARY KEY, user_id bigint,
      CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE);
    CREATE VIEW v AS SELECT id FROM users;
  )"));
  auto realm = Inspect(d);
  ASSERT_TRUE(realm) << realm.error().message;
  ASSERT_EQ(realm->schemas.size(), 1u);
  EXPECT_EQ(realm->schemas[0].name, db.name());
  const Table* users = realm->FindTable(db.name(), "users");
  ASSERT_NE(users, nullptr);
  ASSERT_EQ(users->columns.size(), 6u);
  EXPECT_EQ(users->columns[0].identity, "auto_increment");
  EXPECT_EQ(users->columns[2].enum_values, (std::vector<std::string>{"active", "it's", "gone"}));
  EXPECT_TRUE(users->columns[3].is_set);
  EXPECT_EQ(users->columns[3].enum_values, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(users->columns[4].collation, "utf8mb4_bin");
  EXPECT_EQ(users->columns[1].collation, "");
  EXPECT_EQ(users->columns[5].generated, "lcase(`email`)");
  EXPECT_TRUE(users->columns[5].generated_stored);
  ASSERT_TRUE(users->primary_key);
  const Index* ue = users->FindIndex("users_email");
  ASSERT_NE(ue, nullptr);
  EXPECT_TRUE(ue->unique);
  const Index* un = users->FindIndex("users_name");
  ASSERT_NE(un, nullptr);
  EXPECT_EQ(un->parts[0].prefix, 10);
  ASSERT_EQ(users->checks.size(), 1u);
  EXPECT_EQ(users->checks[0].name, "email_len");
  const Table* posts = realm->FindTable(db.name(), "posts");
  ASSERT_NE(posts, nullptr);
  ASSERT_EQ(posts->foreign_keys.size(), 1u);
  EXPECT_EQ(posts->foreign_keys[0].on_delete, "CASCADE");
  EXPECT_EQ(realm->schemas[0].views.size(), 1u);

  const std::string s = "\"" + db.name() + "\"";
  EXPECT_EQ(Strings(Step(d, "ALTER TABLE users CHANGE COLUMN name full_name varchar(80)")),
            (std::vector<std::string>{
                "rename_column " + s + ".\"users\".\"full_name\" from \"name\"",
                "modify_column " + s + ".\"users\".\"full_name\" [type,collation]"}));
  EXPECT_EQ(Strings(Step(d, "RENAME TABLE posts TO articles")),
            std::vector<std::string>{"rename_table " + s + ".\"articles\" from \"posts\""});
  EXPECT_EQ(Strings(Step(d,
                         "ALTER TABLE users MODIFY status enum('active','it''s','gone','new') NOT "
                         "NULL DEFAULT 'active'")),
            std::vector<std::string>{"modify_column " + s + ".\"users\".\"status\" [type,values]"});
  EXPECT_EQ(Strings(Step(d, "ALTER TABLE users RENAME INDEX users_email TO users_email2")),
            std::vector<std::string>{"rename_index " + s +
                                     ".\"users\".\"users_email2\" from \"users_email\""});
  EXPECT_EQ(Strings(Step(d, "ALTER TABLE articles DROP FOREIGN KEY posts_user")),
            std::vector<std::string>{"drop_foreign_key " + s + ".\"articles\".\"posts_user\""});
}

TEST(Diff, PureValues) {
  Realm a, b;
  Schema s;
  s.name = "public";
  Table t;
  t.name = "t";
  t.columns.push_back(Column{.name = "a", .type = "int"});
  s.tables.push_back(t);
  a.schemas.push_back(s);
  s.tables[0].columns[0].nullable = false;
  s.tables[0].columns.push_back(Column{.name = "b", .type = "int"});
  b.schemas.push_back(s);
  auto cs = Diff(a, b);
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0].kind, ChangeKind::kAddColumn);
  EXPECT_EQ(cs[1].kind, ChangeKind::kModifyColumn);
  EXPECT_TRUE(cs[1].Has(kChangeNull));
  EXPECT_FALSE(cs[1].Has(kChangeType));
  EXPECT_TRUE(Diff(a, a).empty());
}

}  // namespace
}  // namespace schemabot::schema
