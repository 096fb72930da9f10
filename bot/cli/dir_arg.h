// The migration-directory argument every command that reads a directory takes:
//
//   schemabot <cmd> [DIR] [--dir DIR | --dir file://DIR[?format=F]] [--dir-format F]
//
// DIR defaults to "migrations" (Atlas's default `file://migrations`). A `?format=` in the URL
// wins over `--dir-format` (Atlas copies the flag into the URL only when it has none). No
// format at all -> dir::DetectFormat.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "bot/cli/args.h"
#include "engine/dir/dir.h"

namespace schemabot::cli {

// Flags to add to an ArgSpec's value_flags.
inline const char* const kDirFlags[] = {"dir", "dir-format"};

struct DirArg {
  std::string path;
  std::optional<dir::DirFormat> format;  // from the URL or --dir-format
};

// Errors (InvalidArgument): DIR given twice, an unsupported URL scheme, an unknown format.
Result<DirArg> ParseDirArg(const Args& args);

struct OpenedDir {
  std::unique_ptr<dir::Dir> dir;
  dir::DirFormat format;
};

// Opens the disk directory and settles the format (detecting it when not given). Errors:
// the directory is missing (NotFound), detection is ambiguous (InvalidArgument, saying why).
Result<OpenedDir> OpenDirArg(const Args& args);

}  // namespace schemabot::cli
