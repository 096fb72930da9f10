// Fuzzes the directory layer and atlas.sum: arbitrary file names and contents go through
// DetectFormat, LoadMigrations (every format), ComputeSum, ValidateLoaded and ParseSum.
//
// Input framing: NUL-separated records, alternately a file name and its content
// ("1_a.sql\0CREATE …\0atlas.sum\0h1:…"), at most 32 files. The whole input is also fed
// to ParseSum and MatchDirective as is.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "engine/dir/dir.h"
#include "engine/sum/sum.h"

namespace {

using namespace schemabot;

#define Check(ok) CheckImpl(ok, #ok)
void CheckImpl(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "dir_fuzz: invariant broken: %s\n", what);
  std::abort();  // reported as a crash
}

// Names atlas.sum can carry: its lines are split at the first "h1:" and trimmed.
bool SumSafe(std::string_view name) {
  return !name.empty() && name.find('\n') == name.npos && name.find('\r') == name.npos &&
         name.find("h1:") == name.npos && name.front() > ' ' && name.back() > ' ';
}

void CheckSection(const dir::Migration& m, const dir::Section& s, std::string_view file_content) {
  (void)m;
  Check(s.offset <= file_content.size());
  Check(file_content.substr(s.offset, s.text.size()) == s.text);
  Check(s.line >= 1 && s.column >= 1);
  size_t prev = 0;
  for (const auto& b : s.blocks) {
    Check(b.begin >= prev && b.begin <= b.end && b.end <= s.text.size());
    prev = b.end;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> files;
  size_t pos = 0;
  while (pos < in.size() && files.size() < 32) {
    size_t a = in.find('\0', pos);
    std::string name(in.substr(pos, a == std::string_view::npos ? in.npos : a - pos));
    if (a == std::string_view::npos) {
      files[name] = "";
      break;
    }
    size_t b = in.find('\0', a + 1);
    files[name] = std::string(in.substr(a + 1, b == std::string_view::npos ? in.npos : b - a - 1));
    if (b == std::string_view::npos) break;
    pos = b + 1;
  }

  (void)sum::ParseSum(in);
  (void)dir::MatchDirective(in);

  auto d = dir::NewMemDir(files);
  (void)dir::DetectFormat(*d);
  for (auto f : {dir::DirFormat::kAtlas, dir::DirFormat::kGolangMigrate, dir::DirFormat::kGoose,
                 dir::DirFormat::kDbmate, dir::DirFormat::kFlyway, dir::DirFormat::kLiquibase}) {
    auto md = dir::LoadMigrations(*d, f);
    if (!md) continue;
    for (const auto& m : md->migrations) {
      CheckSection(m, m.up, m.content);
      if (m.down) {
        auto it = files.find(m.down->file);
        Check(it != files.end());
        CheckSection(m, *m.down, it->second);
      }
      Check(dir::CompareVersions(f, m.version, m.version) == 0);
    }
    for (const auto& i : md->issues) (void)dir::FormatIssue(i);
    auto s = sum::ComputeSum(*md);
    std::string text = sum::FormatSum(s);
    bool safe = true;
    for (const auto& e : s.entries) safe = safe && SumSafe(e.file);
    if (safe) {
      auto parsed = sum::ParseSum(text);
      Check(parsed.has_value());
      Check(sum::ValidateLoaded(*md, text).ok());
    }
    std::optional<std::string> sum_text;
    if (auto it = files.find("atlas.sum"); it != files.end()) sum_text = it->second;
    auto v = sum::ValidateLoaded(*md, sum_text);
    (void)sum::CliReport(v);
    (void)sum::LintReportError(v);
  }
  return 0;
}
