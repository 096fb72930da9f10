// atlas.sum throughput: schemabot's full path (list, read, load the format, cumulative
// SHA-256) over a generated 10 000-file directory and over the shared corpus, against
// `sha256sum` spawned over the same files in the same run.
//
//   build/bench/sum_bench [SHARED_DIR]      (default: $SCHEMABOT_SHARED_DIR, ../shared,
//   /work/shared)
//
// Prints MB/s for both and the ratio (target: schemabot >= 0.8x sha256sum). Each figure is
// the best of 5 runs on a warm page cache.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "engine/dir/dir.h"
#include "engine/sum/sum.h"

namespace {

namespace fs = std::filesystem;
using namespace schemabot;
using Clock = std::chrono::steady_clock;

constexpr int kRuns = 5;

struct Target {
  std::string label;
  std::string path;
  dir::DirFormat format;
};

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The files atlas.sum covers and their total size.
bool Listed(const Target& t, std::vector<std::string>& files, size_t& bytes) {
  auto d = dir::OpenDiskDir(t.path);
  if (!d) return false;
  auto md = dir::LoadMigrations(**d, t.format);
  if (!md) return false;
  for (const auto& m : md->migrations) {
    if (!m.atlas_listed) continue;
    files.push_back((fs::path(t.path) / m.file).string());
    bytes += m.content.size();
  }
  return true;
}

double TimeOurs(const Target& t, size_t& entries) {
  double best = 1e9;
  for (int i = 0; i < kRuns; ++i) {
    auto start = Clock::now();
    auto d = dir::OpenDiskDir(t.path);
    auto s = sum::ComputeSum(**d, t.format);
    best = std::min(best, Seconds(Clock::now() - start));
    if (!s) {
      std::fprintf(stderr, "sum_bench: %s\n", s.error().message.c_str());
      std::exit(2);
    }
    entries = s->entries.size();
  }
  return best;
}

double TimeSha256sum(const std::vector<std::string>& files, const std::string& tmp) {
  // The file list goes through xargs so that 10 000 names never hit the argument limit.
  std::string list = tmp + "/files.list";
  {
    std::ofstream out(list, std::ios::binary);
    for (const auto& f : files) out << f << '\0';
  }
  std::string cmd = "xargs -0 sha256sum < '" + list + "' > /dev/null";
  double best = 1e9;
  for (int i = 0; i < kRuns; ++i) {
    auto start = Clock::now();
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "sum_bench: sha256sum failed\n");
      std::exit(2);
    }
    best = std::min(best, Seconds(Clock::now() - start));
  }
  return best;
}

// 10 000 atlas-format files of 200 B .. 8 KB of SQL-looking text (about 40 MB).
std::string Generate(const std::string& root) {
  std::string path = root + "/generated";
  fs::create_directories(path);
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> size(200, 8000);
  const std::string line = "ALTER TABLE accounts ADD COLUMN c_%d text NOT NULL DEFAULT '';\n";
  for (int i = 0; i < 10000; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "2024%010d_change_%d.sql", i, i);
    std::string body;
    int want = size(rng);
    while (static_cast<int>(body.size()) < want) {
      char buf[128];
      std::snprintf(buf, sizeof buf, line.c_str(), static_cast<int>(body.size()));
      body += buf;
    }
    std::ofstream(fs::path(path) / name, std::ios::binary) << body;
  }
  return path;
}

void Report(const std::string& label, size_t files, size_t bytes, double ours, double base) {
  double mb = static_cast<double>(bytes) / 1e6;
  std::printf(
      "%-44s %6zu files %8.1f MB  schemabot %7.1f MB/s  sha256sum %7.1f MB/s  ratio %.2fx\n",
      label.c_str(), files, mb, mb / ours, mb / base, base / ours);
}

}  // namespace

int main(int argc, char** argv) {
  std::string shared = argc > 1 ? argv[1] : "";
  if (shared.empty() && std::getenv("SCHEMABOT_SHARED_DIR"))
    shared = std::getenv("SCHEMABOT_SHARED_DIR");
  if (shared.empty()) shared = fs::exists("../shared/corpus") ? "../shared" : "/work/shared";

  std::string tmpl = (fs::temp_directory_path() / "schemabot-sum-bench-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return 2;
  std::string tmp = tmpl;

  std::vector<Target> targets = {
      {"generated 10 000 files (atlas)", Generate(tmp), dir::DirFormat::kAtlas}};
  std::string c = shared + "/corpus/";
  std::vector<Target> corpus = {
      {"hatchet-postgres-atlas", c + "hatchet-postgres-atlas/migrations", dir::DirFormat::kAtlas},
      {"hatchet-postgres-goose", c + "hatchet-postgres-goose/migrations", dir::DirFormat::kGoose},
      {"hawkbit-mysql-flyway", c + "hawkbit-mysql-flyway/migrations", dir::DirFormat::kFlyway},
      {"hawkbit-postgres-flyway", c + "hawkbit-postgres-flyway/migrations",
       dir::DirFormat::kFlyway},
      {"mattermost-mysql-golang-migrate", c + "mattermost-mysql-golang-migrate/migrations",
       dir::DirFormat::kGolangMigrate},
      {"mattermost-postgres-golang-migrate", c + "mattermost-postgres-golang-migrate/migrations",
       dir::DirFormat::kGolangMigrate},
      {"openmeter-postgres-atlas-golang-migrate",
       c + "openmeter-postgres-atlas-golang-migrate/migrations", dir::DirFormat::kGolangMigrate},
      {"supabase-postgres-dbmate (migrations)",
       c + "supabase-postgres-dbmate/migrations/migrations", dir::DirFormat::kDbmate},
      {"vmangos-mysql-plain", c + "vmangos-mysql-plain/migrations", dir::DirFormat::kAtlas},
  };
  targets.insert(targets.end(), corpus.begin(), corpus.end());

  std::printf("atlas.sum throughput, best of %d runs (schemabot: list + read + load + hash)\n",
              kRuns);
  double corpus_ours = 0, corpus_base = 0;
  size_t corpus_bytes = 0, corpus_files = 0;
  for (size_t i = 0; i < targets.size(); ++i) {
    const auto& t = targets[i];
    std::vector<std::string> files;
    size_t bytes = 0;
    if (!Listed(t, files, bytes)) {
      std::fprintf(stderr, "sum_bench: cannot read %s\n", t.path.c_str());
      return 2;
    }
    size_t entries = 0;
    double ours = TimeOurs(t, entries);
    double base = TimeSha256sum(files, tmp);
    Report(t.label, files.size(), bytes, ours, base);
    if (i > 0) {
      corpus_ours += ours;
      corpus_base += base;
      corpus_bytes += bytes;
      corpus_files += files.size();
    }
  }
  Report("corpus total (9 dirs)", corpus_files, corpus_bytes, corpus_ours, corpus_base);
  fs::remove_all(tmp);
  return 0;
}
