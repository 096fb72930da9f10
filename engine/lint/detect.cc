#include "engine/lint/detect.h"

#include <map>

namespace schemabot::lint {
namespace {

// The files a fresh database runs, in order. Flyway: the latest baseline replaces every
// V file up to its version (compared as Flyway does, numerically — Atlas's own listing
// compares them as strings and would replay V1_2_0 after B1_20_0); R files come last.
// Other formats: every file.
std::vector<const dir::Migration*> Listed(const dir::MigrationDir& d) {
  std::vector<const dir::Migration*> out;
  if (d.format != dir::DirFormat::kFlyway) {
    for (const auto& m : d.migrations) out.push_back(&m);
    return out;
  }
  const dir::Migration* baseline = nullptr;
  for (const auto& m : d.migrations) {
    if (m.kind == dir::MigrationKind::kBaseline &&
        (!baseline || dir::CompareVersions(d.format, m.version, baseline->version) > 0)) {
      baseline = &m;
    }
  }
  if (baseline) out.push_back(baseline);
  for (const auto& m : d.migrations) {
    if (m.kind != dir::MigrationKind::kVersioned) continue;
    if (baseline && dir::CompareVersions(d.format, m.version, baseline->version) <= 0) continue;
    out.push_back(&m);
  }
  for (const auto& m : d.migrations) {
    if (m.kind == dir::MigrationKind::kRepeatable) out.push_back(&m);
  }
  return out;
}

class Latest final : public Detector {
 public:
  explicit Latest(int n) : n_(n) {}
  Result<Detected> Detect(const dir::MigrationDir& head) const override {
    auto files = Listed(head);
    Detected d;
    d.total = static_cast<int>(files.size());
    size_t split = (n_ <= 0 || static_cast<size_t>(n_) >= files.size())
                       ? 0
                       : files.size() - static_cast<size_t>(n_);
    for (size_t i = 0; i < files.size(); ++i) (i < split ? d.base : d.fresh).push_back(*files[i]);
    return d;
  }

 private:
  int n_;
};

class BaseDir final : public Detector {
 public:
  explicit BaseDir(dir::MigrationDir base) : base_(std::move(base)) {}

  Result<Detected> Detect(const dir::MigrationDir& head) const override {
    Detected d;
    auto head_files = Listed(head);
    d.total = static_cast<int>(head_files.size());
    std::map<std::string, const dir::Migration*> in_head;
    for (const auto* m : head_files) in_head[m->file] = m;
    std::string latest_base;
    const auto base_files = Listed(base_);
    for (const auto* b : base_files) {
      auto it = in_head.find(b->file);
      if (it == in_head.end()) {
        d.findings.push_back(
            {"SB103", b->file, "Merged migration file \"" + b->file + "\" was deleted"});
        continue;
      }
      if (it->second->content != b->content) {
        d.findings.push_back(
            {"SB102", b->file, "Merged migration file \"" + b->file + "\" was edited"});
      }
      d.base.push_back(*b);
      if (b->kind == dir::MigrationKind::kVersioned &&
          (latest_base.empty() ||
           dir::CompareVersions(base_.format, b->version, latest_base) > 0)) {
        latest_base = b->version;
      }
    }
    std::map<std::string, bool> in_base;
    for (const auto* b : base_files) in_base[b->file] = true;
    for (const auto* m : head_files) {
      if (in_base.count(m->file)) continue;
      if (!latest_base.empty() && m->kind == dir::MigrationKind::kVersioned &&
          dir::CompareVersions(head.format, m->version, latest_base) <= 0) {
        d.findings.push_back({"SB104", m->file,
                              "Version \"" + m->version +
                                  "\" is not after the latest merged version \"" + latest_base +
                                  "\": the file would run out of order"});
      }
      d.fresh.push_back(*m);
    }
    return d;
  }

 private:
  dir::MigrationDir base_;
};

}  // namespace

std::unique_ptr<Detector> LatestDetector(int n) { return std::make_unique<Latest>(n); }
std::unique_ptr<Detector> BaseDirDetector(dir::MigrationDir base) {
  return std::make_unique<BaseDir>(std::move(base));
}

}  // namespace schemabot::lint
