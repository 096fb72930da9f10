// Test helpers for suites that need a real dev-database server (header-only; only
// *_test.cc and bench files include it).
//
//   auto url = devdb::testing::PgUrl();   // skips (or fails under CI) when unset
//   if (!url) return;
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

#include "engine/devdb/devdb.h"

namespace schemabot::devdb::testing {

// The URL in env `var` (SCHEMABOT_TEST_PG_URL / SCHEMABOT_TEST_MYSQL_URL). When unset the
// calling test is skipped with a message, or fails when SCHEMABOT_REQUIRE_DBS=1 (CI).
// Use as: `auto url = EnvUrl(...); if (!url) GTEST_SKIP() << ...;` via the macros below.
inline std::optional<Url> EnvUrl(const char* var) {
  const char* v = std::getenv(var);
  if (!v || !*v) return std::nullopt;
  auto u = ParseUrl(v);
  if (!u) return std::nullopt;
  return *u;
}

inline bool RequireDbs() {
  const char* v = std::getenv("SCHEMABOT_REQUIRE_DBS");
  return v && std::string(v) == "1";
}

// A name unique to this process and call, for databases/schemas of concurrent tests.
inline std::string UniqueName(const std::string& prefix) {
  static std::atomic<int> n{0};
  auto t = std::chrono::steady_clock::now().time_since_epoch().count() % 1000000;
  return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(t) + "_" +
         std::to_string(n++);
}

// A throwaway database (PG) or schema (MySQL) on the server behind `admin`, dropped in
// the destructor. `conn` is a connection to it as the admin user.
class ScratchDb {
 public:
  ScratchDb(const Url& admin, const std::string& prefix) : admin_url_(admin) {
    name_ = UniqueName(prefix);
    auto a = Connect(admin);
    if (!a) {
      error_ = a.error().message;
      return;
    }
    admin_ = std::move(*a);
    auto r = admin_->Exec("CREATE DATABASE " + QuoteIdent(admin.engine, name_));
    if (!r) {
      error_ = r.error().message;
      return;
    }
    auto c = Connect(admin.With(admin.user, admin.password, name_));
    if (!c) {
      error_ = c.error().message;
      return;
    }
    conn_ = std::move(*c);
  }
  ~ScratchDb() {
    conn_.reset();
    if (admin_) {
      std::string force = admin_url_.engine == Engine::kPostgres ? " WITH (FORCE)" : "";
      (void)admin_->Exec("DROP DATABASE IF EXISTS " + QuoteIdent(admin_url_.engine, name_) + force);
    }
  }
  bool ok() const { return conn_ != nullptr; }
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }
  Driver& conn() { return *conn_; }
  Driver& admin() { return *admin_; }
  Url url() const { return admin_url_.With(admin_url_.user, admin_url_.password, name_); }

 private:
  Url admin_url_;
  std::string name_, error_;
  std::unique_ptr<Driver> admin_, conn_;
};

}  // namespace schemabot::devdb::testing

// SB_NEED_DB(lhs, "SCHEMABOT_TEST_PG_URL"): lhs = the Url, or skip / fail the test.
#define SB_NEED_DB(lhs, var)                                                         \
  auto sb_need_db_##lhs = ::schemabot::devdb::testing::EnvUrl(var);                  \
  if (!sb_need_db_##lhs) {                                                           \
    if (::schemabot::devdb::testing::RequireDbs()) FAIL() << var " is not set";      \
    GTEST_SKIP() << var " is not set; run eval \"$(scripts/test-dbs start)\" first"; \
  }                                                                                  \
  ::schemabot::devdb::Url lhs = *sb_need_db_##lhs
