#include "bot/cli/dir_arg.h"

namespace schemabot::cli {

Result<DirArg> ParseDirArg(const Args& args) {
  DirArg out;
  std::string raw = "migrations";
  if (args.Has("dir") && !args.positional().empty()) {
    return InvalidArgument("give the directory either as DIR or as --dir, not both");
  }
  if (args.positional().size() > 1) {
    return InvalidArgument("one directory expected, got " +
                           std::to_string(args.positional().size()));
  }
  if (!args.positional().empty()) raw = args.positional()[0];
  if (args.Has("dir")) raw = args.Get("dir");
  std::string url_format;
  if (auto scheme = raw.find("://"); scheme != std::string::npos) {
    std::string s = raw.substr(0, scheme);
    if (s != "file") {
      return InvalidArgument("unsupported directory URL \"" + raw + "\" (only file:// is)");
    }
    raw = raw.substr(scheme + 3);
    if (auto q = raw.find('?'); q != std::string::npos) {
      std::string query = raw.substr(q + 1);
      raw = raw.substr(0, q);
      size_t pos = 0;
      while (pos <= query.size()) {
        size_t amp = query.find('&', pos);
        std::string kv =
            query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
        if (kv.rfind("format=", 0) == 0) url_format = kv.substr(7);
        if (amp == std::string::npos) break;
        pos = amp + 1;
      }
    }
  }
  if (raw.empty()) return InvalidArgument("empty directory path");
  out.path = raw;
  std::string f = !url_format.empty() ? url_format : args.Get("dir-format");
  if (!f.empty()) {
    SB_TRY_ASSIGN(out.format, dir::ParseDirFormat(f));
  }
  return out;
}

Result<OpenedDir> OpenDirArg(const Args& args) {
  SB_TRY_ASSIGN(DirArg arg, ParseDirArg(args));
  SB_TRY_ASSIGN(auto d, dir::OpenDiskDir(arg.path));
  dir::DirFormat format;
  if (arg.format) {
    format = *arg.format;
  } else {
    auto detected = dir::DetectFormat(*d);
    if (!detected) return std::move(detected).error().Wrap("detecting the format of " + arg.path);
    format = *detected;
  }
  return OpenedDir{std::move(d), format};
}

}  // namespace schemabot::cli
