// split_bench: splits every .sql file of ../shared/corpus (MySQL dirs with the MySQL
// scanner, the rest with PostgreSQL's) and prints the throughput in MB/s next to
// `sha256sum` over the same bytes, measured in the same run. Target: ratio >= 0.5.
//
//   build/bench/split_bench [SHARED_DIR]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/sql/sql.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct File {
  std::string content;
  schemabot::sql::Dialect dialect;
};

fs::path SharedDir(int argc, char** argv) {
  if (argc > 1) return argv[1];
  if (const char* env = std::getenv("SCHEMABOT_SHARED_DIR")) return env;
  for (fs::path p = fs::current_path(); p.has_relative_path(); p = p.parent_path()) {
    if (fs::is_directory(p / "shared" / "corpus")) return p / "shared";
    if (fs::is_directory(p / ".." / "shared" / "corpus")) return p / ".." / "shared";
  }
  return "/work/shared";
}

std::vector<File> LoadCorpus(const fs::path& corpus) {
  std::vector<File> files;
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    if (!e.is_regular_file() || e.path().extension() != ".sql") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string rel = fs::relative(e.path(), corpus).string();
    bool mysql = rel.find("mysql") != std::string::npos;
    files.push_back(
        {ss.str(), mysql ? schemabot::sql::Dialect::kMySQL : schemabot::sql::Dialect::kPostgres});
  }
  return files;
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  fs::path corpus = SharedDir(argc, argv) / "corpus";
  std::vector<File> files = LoadCorpus(corpus);
  size_t bytes = 0;
  for (const auto& f : files) bytes += f.content.size();
  if (files.empty()) {
    std::fprintf(stderr, "split_bench: no .sql files under %s\n", corpus.c_str());
    return 2;
  }

  // Splitting: repeat the whole corpus until at least a second has passed; best of 3.
  size_t rounds = 0, statements = 0, errors = 0;
  double split_mbs = 0, split_s = 0;
  for (int run = 0; run < 3; ++run) {
    size_t n = 0;
    statements = errors = 0;
    auto t0 = Clock::now();
    do {
      for (const auto& f : files) {
        auto r = schemabot::sql::Split(f.content, f.dialect);
        if (r) {
          statements += r->statements.size();
        } else {
          ++errors;
        }
      }
      ++n;
    } while (Seconds(t0, Clock::now()) < 1.0);
    double s = Seconds(t0, Clock::now());
    double mbs = static_cast<double>(bytes) * n / s / 1e6;
    if (mbs > split_mbs) split_mbs = mbs, split_s = s, rounds = n;
    statements /= n;
    errors /= n;
  }

  // Baseline: sha256sum over the same bytes (as many rounds, one file); best of 3.
  fs::path tmp = fs::temp_directory_path() / ("split_bench_" + std::to_string(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary);
    for (size_t i = 0; i < rounds; ++i) {
      for (const auto& f : files) out << f.content;
    }
  }
  std::string cmd = "sha256sum '" + tmp.string() + "' > /dev/null";
  double sha_s = 1e9;
  for (int run = 0; run < 3; ++run) {
    auto t1 = Clock::now();
    int rc = std::system(cmd.c_str());
    if (rc != 0) {
      fs::remove(tmp);
      std::fprintf(stderr, "split_bench: sha256sum failed (%d)\n", rc);
      return 2;
    }
    sha_s = std::min(sha_s, Seconds(t1, Clock::now()));
  }
  fs::remove(tmp);
  double sha_mbs = static_cast<double>(bytes) * rounds / sha_s / 1e6;

  std::printf("corpus: %zu files, %.2f MB, %zu statements per round, %zu files failing\n",
              files.size(), bytes / 1e6, statements, errors);
  std::printf("split:     %8.1f MB/s (%zu rounds in %.2f s)\n", split_mbs, rounds, split_s);
  std::printf("sha256sum: %8.1f MB/s (same %.1f MB in %.2f s)\n", sha_mbs, bytes * rounds / 1e6,
              sha_s);
  std::printf("ratio split/sha256sum: %.2fx (target >= 0.5x)\n", split_mbs / sha_mbs);
  return 0;
}
