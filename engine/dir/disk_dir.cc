// Dir over a folder on disk.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "engine/dir/dir.h"
#include "engine/dir/internal.h"

namespace schemabot::dir {
namespace {

namespace fs = std::filesystem;

class DiskDir final : public Dir {
 public:
  explicit DiskDir(std::string root) : root_(std::move(root)) {}

  Result<std::vector<std::string>> List(bool recursive) const override {
    std::vector<std::string> out;
    SB_TRY(Walk(fs::path(root_), "", recursive, out));
    std::sort(out.begin(), out.end());
    return out;
  }

  Result<std::string> Read(std::string_view name) const override {
    SB_TRY(internal::CheckName(name));
    fs::path p = fs::path(root_) / std::string(name);
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) return NotFound("file " + internal::Quote(name) + " not found");
    if (!fs::is_regular_file(st)) {
      return InvalidArgument(internal::Quote(name) + " is not a regular file");
    }
    auto size = fs::file_size(p, ec);
    if (ec) return Unavailable("reading " + internal::Quote(name) + ": " + ec.message());
    if (size > kMaxFileSize) {
      return InvalidArgument("file " + internal::Quote(name) + " is too large (" +
                             std::to_string(size) + " bytes, limit " +
                             std::to_string(kMaxFileSize) + ")");
    }
    std::ifstream in(p, std::ios::binary);
    if (!in) {
      return Unavailable("reading " + internal::Quote(name) + ": " + std::strerror(errno));
    }
    std::string data;
    data.resize(size);
    in.read(data.data(), static_cast<std::streamsize>(size));
    data.resize(static_cast<size_t>(in.gcount()));
    if (in.bad()) return Unavailable("reading " + internal::Quote(name) + ": I/O error");
    return data;
  }

  Result<void> Write(std::string_view name, std::string_view content) override {
    SB_TRY(internal::CheckName(name));
    fs::path p = fs::path(root_) / std::string(name);
    // Write beside the target and rename, so a crash never leaves a half-written file.
    fs::path tmp = p;
    tmp += ".tmp-schemabot";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) {
        return Unavailable("writing " + internal::Quote(name) + ": " + std::strerror(errno));
      }
      out.write(content.data(), static_cast<std::streamsize>(content.size()));
      if (!out.flush()) return Unavailable("writing " + internal::Quote(name) + ": I/O error");
    }
    std::error_code ec;
    fs::rename(tmp, p, ec);
    if (ec) {
      fs::remove(tmp, ec);
      return Unavailable("writing " + internal::Quote(name) + ": " + ec.message());
    }
    return Ok();
  }

  std::string Describe() const override { return root_; }

 private:
  Result<void> Walk(const fs::path& dir, const std::string& prefix, bool recursive,
                    std::vector<std::string>& out) const {
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    if (ec) return Unavailable("listing " + internal::Quote(dir.string()) + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) break;
      std::string name = it->path().filename().string();
      std::error_code sec;
      bool is_link = it->is_symlink(sec);
      if (it->is_directory(sec)) {
        if (!recursive || is_link || name.empty() || name[0] == '.') continue;
        SB_TRY(Walk(it->path(), prefix + name + "/", recursive, out));
      } else if (it->is_regular_file(sec)) {
        out.push_back(prefix + name);
      }
    }
    if (ec) return Unavailable("listing " + internal::Quote(dir.string()) + ": " + ec.message());
    return Ok();
  }

  std::string root_;
};

}  // namespace

Result<std::unique_ptr<Dir>> OpenDiskDir(const std::string& path) {
  std::error_code ec;
  auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) {
    return NotFound("directory " + internal::Quote(path) + " not found");
  }
  if (!std::filesystem::is_directory(st)) {
    return InvalidArgument(internal::Quote(path) + " is not a directory");
  }
  return std::unique_ptr<Dir>(new DiskDir(path));
}

}  // namespace schemabot::dir
