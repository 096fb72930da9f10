// Test helper: a fresh PostgreSQL database on the shared test server (scripts/test-dbs),
// created with psql so that libpq stays inside bot/store/postgres.cc. Header-only; tests only.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

namespace schemabot::testing {

// "" when no test server is configured (the caller GTEST_SKIPs, or fails when
// SCHEMABOT_REQUIRE_DBS=1 — see RequirePg).
inline std::string NewPgDatabase(const std::string& prefix) {
  const char* dir = std::getenv("SCHEMABOT_TEST_PG_SOCKET_DIR");
  if (!dir || !*dir) return "";
  static std::atomic<int> counter{0};
  std::string name = prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter) +
                     "_" + std::to_string(std::rand() % 100000);
  std::string base = std::string("postgres://postgres@/postgres?host=") + dir;
  std::string cmd = "psql -q \"" + base + "\" -c 'DROP DATABASE IF EXISTS " + name +
                    "' -c 'CREATE DATABASE " + name + "' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return "";
  return std::string("postgres://postgres@/") + name + "?host=" + dir;
}

inline bool PgRequired() {
  const char* r = std::getenv("SCHEMABOT_REQUIRE_DBS");
  return r && std::string(r) == "1";
}

}  // namespace schemabot::testing

// Skips (or fails under SCHEMABOT_REQUIRE_DBS=1) when `url` is empty.
#define SB_REQUIRE_PG(url)                                                                 \
  do {                                                                                     \
    if ((url).empty()) {                                                                   \
      if (::schemabot::testing::PgRequired()) FAIL() << "PostgreSQL test server required"; \
      GTEST_SKIP() << "SCHEMABOT_TEST_PG_SOCKET_DIR unset: no PostgreSQL test server";     \
    }                                                                                      \
  } while (0)
