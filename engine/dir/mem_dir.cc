// Dir over an in-memory map.
#include <mutex>
#include <shared_mutex>

#include "engine/dir/dir.h"
#include "engine/dir/internal.h"

namespace schemabot::dir {
namespace {

class MemDir final : public Dir {
 public:
  explicit MemDir(std::map<std::string, std::string> files) : files_(std::move(files)) {}

  Result<std::vector<std::string>> List(bool recursive) const override {
    std::shared_lock lock(mu_);
    std::vector<std::string> out;
    for (const auto& [name, content] : files_) {
      if (!internal::CheckName(name)) continue;  // unreachable by Read either
      auto slash = name.find('/');
      if (slash == std::string::npos) {
        out.push_back(name);
        continue;
      }
      if (!recursive || HiddenFolder(name)) continue;
      out.push_back(name);
    }
    return out;  // std::map keeps them sorted bytewise
  }

  Result<std::string> Read(std::string_view name) const override {
    SB_TRY(internal::CheckName(name));
    std::shared_lock lock(mu_);
    auto it = files_.find(std::string(name));
    if (it == files_.end()) return NotFound("file " + internal::Quote(name) + " not found");
    if (it->second.size() > kMaxFileSize) {
      return InvalidArgument("file " + internal::Quote(name) + " is too large");
    }
    return it->second;
  }

  Result<void> Write(std::string_view name, std::string_view content) override {
    SB_TRY(internal::CheckName(name));
    std::unique_lock lock(mu_);
    files_[std::string(name)] = std::string(content);
    return Ok();
  }

  std::string Describe() const override { return "memory"; }

 private:
  // True when a folder on the way to the file starts with '.'.
  static bool HiddenFolder(std::string_view name) {
    size_t start = 0;
    for (size_t slash; (slash = name.find('/', start)) != std::string_view::npos;
         start = slash + 1) {
      if (name[start] == '.') return true;
    }
    return false;
  }

  mutable std::shared_mutex mu_;
  std::map<std::string, std::string> files_;
};

}  // namespace

std::unique_ptr<Dir> NewMemDir(std::map<std::string, std::string> files) {
  return std::make_unique<MemDir>(std::move(files));
}

}  // namespace schemabot::dir
