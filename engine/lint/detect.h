// Stage 1 of the lint pipeline: which files are already merged (the base, replayed as
// is) and which are new (analysed statement by statement).
//
// Two detectors, one interface:
//   - LatestDetector(N): the last N files of the directory are new (`--latest N`).
//   - BaseDirDetector(base): compares the changed directory with the directory before the
//     change (`--git-base REF` on a checkout, or a PR's base commit). Files only in the
//     changed directory are new; files in both with equal content are base; a base file
//     whose content changed is an edited merged migration (SB102), one that is gone a
//     deleted merged migration (SB103); a new file whose version does not sort after the
//     latest base version is out of order (SB104).
//
// Thread-safety: detectors are immutable after construction; Detect() may run on several
// threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/dir/dir.h"

namespace schemabot::lint {

struct IntegrityFinding {
  std::string code;  // SB102, SB103, SB104
  std::string file;  // the file it is about
  std::string text;
};

struct Detected {
  // Replay prefix, in order: base files as the base directory has them (so an edited
  // merged file is replayed as production ran it).
  std::vector<dir::Migration> base;
  // New files, in directory order.
  std::vector<dir::Migration> fresh;
  std::vector<IntegrityFinding> findings;
  int total = 0;  // files in the changed directory
};

class Detector {
 public:
  virtual ~Detector() = default;
  // `head` is the changed directory. Errors: none today; kept as Result for detectors
  // that consult outside state.
  virtual Result<Detected> Detect(const dir::MigrationDir& head) const = 0;
};

std::unique_ptr<Detector> LatestDetector(int n);
std::unique_ptr<Detector> BaseDirDetector(dir::MigrationDir base);

}  // namespace schemabot::lint
