// Helpers for the engine/dir tests (temp folders, the shared fixtures folder).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace schemabot::dir::testing {

inline std::string SharedDir() {
  if (const char* env = std::getenv("SCHEMABOT_SHARED_DIR")) return env;
  return SCHEMABOT_SHARED_DIR;
}

// A temporary folder removed when the object goes out of scope.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "schemabot-dir-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  void Write(const std::string& name, const std::string& content) const {
    auto p = std::filesystem::path(path_) / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }

 private:
  std::string path_;
};

}  // namespace schemabot::dir::testing
