// DetectFormat: which format a directory is in, and why not when it cannot tell.
#include <cctype>

#include "base/crypto.h"
#include "engine/dir/dir.h"
#include "engine/dir/internal.h"

namespace schemabot::dir {

using internal::BaseName;
using internal::EndsWith;
using internal::StartsWith;

namespace {

struct Matches {
  DirFormat format;
  std::vector<std::string> files;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool FlywayName(std::string_view base) {
  if (!EndsWith(base, ".sql") || base.size() < 4) return false;
  if (StartsWith(base, "R__")) return true;
  char p = base[0];
  return (p == 'V' || p == 'U' || p == 'B') && base.size() > 1 && IsDigit(base[1]) &&
         base.find("__") != std::string_view::npos;
}

bool GolangMigrateName(std::string_view name) {
  if (!EndsWith(name, ".up.sql") && !EndsWith(name, ".down.sql")) return false;
  size_t i = 0;
  while (i < name.size() && IsDigit(name[i])) ++i;
  return i > 0 && i < name.size() && name[i] == '_';
}

// True when a line of `content` starts with `marker` (ASCII case-insensitive).
bool HasLineStarting(std::string_view content, std::string_view marker) {
  size_t pos = 0;
  while (pos <= content.size()) {
    std::string_view line = content.substr(pos, marker.size());
    bool eq = line.size() == marker.size();
    for (size_t i = 0; eq && i < marker.size(); ++i) {
      eq = std::tolower(static_cast<unsigned char>(line[i])) ==
           std::tolower(static_cast<unsigned char>(marker[i]));
    }
    if (eq) return true;
    size_t nl = content.find('\n', pos);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return false;
}

// The atlas.sum total Atlas would compute for `format`, or "" when the dir cannot load.
std::string SumTotal(const Dir& dir, DirFormat format) {
  auto md = LoadMigrations(dir, format);
  if (!md) return "";
  Sha256Hasher running, total;
  for (const auto& m : md->migrations) {
    if (!m.atlas_listed) continue;
    running.Update(m.file);
    auto d = MatchDirective(m.content);
    if (d && d->name == "sum" && d->arg == "ignore") continue;
    running.Update(m.content);
    total.Update(m.file);
    total.Update(Base64Encode(running.Digest()));
  }
  return Base64Encode(total.Digest());
}

std::string Examples(const std::vector<std::string>& files) {
  std::string out;
  for (size_t i = 0; i < files.size() && i < 2; ++i) out += (i ? ", " : "") + files[i];
  if (files.size() > 2) out += ", …";
  return out;
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace

Result<DirFormat> DetectFormat(const Dir& dir) {
  SB_TRY_ASSIGN(auto all, dir.List(true));
  std::vector<Matches> found = {{DirFormat::kFlyway, {}},
                                {DirFormat::kGolangMigrate, {}},
                                {DirFormat::kGoose, {}},
                                {DirFormat::kDbmate, {}},
                                {DirFormat::kLiquibase, {}}};
  auto add = [&](DirFormat f, const std::string& name) {
    for (auto& m : found) {
      if (m.format == f) m.files.push_back(name);
    }
  };
  bool has_sum = false;
  size_t top_sql = 0;
  std::vector<std::string> nested_sql, others;
  for (const auto& name : all) {
    bool top = name.find('/') == std::string::npos;
    if (name == "atlas.sum") {
      has_sum = true;
      continue;
    }
    if (!EndsWith(name, ".sql")) {
      others.push_back(name);
      continue;
    }
    if (FlywayName(BaseName(name))) add(DirFormat::kFlyway, name);
    if (!top) {
      nested_sql.push_back(name);
      continue;
    }
    ++top_sql;
    if (GolangMigrateName(name)) add(DirFormat::kGolangMigrate, name);
    SB_TRY_ASSIGN(std::string content, dir.Read(name));
    if (HasLineStarting(content, "-- +goose up")) add(DirFormat::kGoose, name);
    if (HasLineStarting(content, "-- migrate:up")) add(DirFormat::kDbmate, name);
    if (HasLineStarting(content, "--liquibase formatted sql")) add(DirFormat::kLiquibase, name);
  }
  // File names (flyway, golang-migrate) are stronger evidence than content markers: a flyway
  // file may well hold a stray `-- migrate:up` line.
  std::vector<const Matches*> candidates;
  for (const auto& m : found) {
    bool by_name = m.format == DirFormat::kFlyway || m.format == DirFormat::kGolangMigrate;
    if (!m.files.empty() && by_name) candidates.push_back(&m);
  }
  if (candidates.empty()) {
    for (const auto& m : found) {
      if (!m.files.empty()) candidates.push_back(&m);
    }
  }

  // An atlas.sum settles it when exactly one reading reproduces its total.
  if (has_sum && !candidates.empty()) {
    auto sum = dir.Read("atlas.sum");
    if (sum) {
      std::string_view first(*sum);
      first = first.substr(0, first.find('\n'));
      if (EndsWith(first, "\r")) first.remove_suffix(1);
      if (StartsWith(first, "h1:")) first.remove_prefix(3);
      std::vector<DirFormat> hits;
      for (const auto* c : candidates) {
        if (SumTotal(dir, c->format) == first) hits.push_back(c->format);
      }
      if (hits.size() == 1) return hits[0];
      if (hits.empty() && SumTotal(dir, DirFormat::kAtlas) == first) return DirFormat::kAtlas;
    }
  }

  if (candidates.size() == 1) return candidates[0]->format;
  if (candidates.size() > 1) {
    std::string msg = "ambiguous: ";
    for (size_t i = 0; i < candidates.size(); ++i) {
      const auto& c = *candidates[i];
      if (i > 0) msg += i + 1 == candidates.size() ? " and " : ", ";
      msg += Plural(c.files.size(), "file matches ", "files match ") +
             std::string(DirFormatName(c.format)) + " (" + Examples(c.files) + ")";
    }
    return InvalidArgument(msg + "; give the format (--dir-format)");
  }
  if (top_sql > 0 || all.empty() || has_sum) return DirFormat::kAtlas;
  if (!nested_sql.empty()) {
    return InvalidArgument(
        "no migration files: " + Plural(nested_sql.size(), ".sql file is", ".sql files are") +
        " in sub-folders (" + Examples(nested_sql) + ") and only flyway reads sub-folders");
  }
  return InvalidArgument(
      "no migration files: " + Plural(others.size(), "file matches", "files match") +
      " no format (" + Examples(others) + ")");
}

}  // namespace schemabot::dir
