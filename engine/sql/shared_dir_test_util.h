// Test-only: where ../shared (fixtures, corpus) is. Tries $SCHEMABOT_SHARED_DIR, the
// compile-time SCHEMABOT_SHARED_DIR, then a "shared" folder next to any parent of the
// source tree (git worktrees live one level deeper than the main checkout).
#pragma once

#include <cstdlib>
#include <filesystem>

namespace schemabot::sql::testing {

inline std::filesystem::path SharedDir() {
  namespace fs = std::filesystem;
  auto ok = [](const fs::path& p) { return fs::is_directory(p / "fixtures"); };
  if (const char* env = std::getenv("SCHEMABOT_SHARED_DIR"); env && ok(env)) return env;
#ifdef SCHEMABOT_SHARED_DIR
  if (ok(SCHEMABOT_SHARED_DIR)) return SCHEMABOT_SHARED_DIR;
#endif
#ifdef SCHEMABOT_SOURCE_DIR
  for (fs::path p = fs::absolute(SCHEMABOT_SOURCE_DIR); p.has_relative_path();
       p = p.parent_path()) {
    if (ok(p / "shared")) return p / "shared";
  }
#endif
  return "shared";
}

}  // namespace schemabot::sql::testing
