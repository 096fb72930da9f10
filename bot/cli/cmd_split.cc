// schemabot split FILE [--dialect postgres|mysql] [--dir-format goose|dbmate] [--format text|json]
//
// Prints the statements of one SQL file as the engine splits them, with byte offset,
// line, column, attached comments and directives: for debugging migrations and for
// other tools (the JSON form). Exit 0 on success, 1 when the file cannot be split
// (unclosed quote ...), 2 on usage or I/O errors.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bot/cli/args.h"
#include "bot/cli/commands.h"
#include "engine/dir/dir.h"
#include "engine/sql/sql.h"

namespace schemabot::cli {
namespace {

constexpr const char* kUsage =
    "usage: schemabot split FILE [--dialect postgres|mysql] [--dir-format goose|dbmate]\n"
    "                            [--format text|json]\n";

// With a goose or dbmate --dir-format, splits only the part of the file that runs (after
// `-- +goose Up` / `-- migrate:up`), read by engine/dir, positions still in the file.
Result<sql::SplitResult> SplitFile(const std::string& path, const std::string& content,
                                   sql::Dialect dialect, const std::string& dir_format) {
  if (dir_format.empty()) return sql::Split(content, dialect);
  SB_TRY_ASSIGN(dir::DirFormat format, dir::ParseDirFormat(dir_format));
  if (format != dir::DirFormat::kGoose && format != dir::DirFormat::kDbmate) {
    return sql::Split(content, dialect);
  }
  std::string name = std::filesystem::path(path).filename().string();
  if (!name.ends_with(".sql")) name += ".sql";
  auto mem = dir::NewMemDir({{name, content}});
  SB_TRY_ASSIGN(dir::MigrationDir md, dir::LoadMigrations(*mem, format));
  for (const auto& issue : md.issues) {
    if (issue.severity == dir::DirIssue::Severity::kError) {
      return InvalidArgument(dir::FormatIssue(issue));
    }
  }
  const dir::Migration* m = md.Find(name);
  if (!m) return InvalidArgument("\"" + name + "\" is not a " + dir_format + " migration");
  sql::SplitOptions o;
  o.base = {m->up.offset, m->up.line, m->up.column};
  o.goose = format == dir::DirFormat::kGoose;
  SB_TRY_ASSIGN(sql::SplitResult r, sql::Split(m->up.text, dialect, o));
  r.file_directives = sql::FileDirectives(content);
  return r;
}

nlohmann::json DirectivesJson(const std::vector<sql::Directive>& ds) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : ds) out.push_back({{"name", d.name}, {"args", d.args}});
  return out;
}

void PrintJson(const std::string& file, sql::Dialect dialect, const sql::SplitResult& r) {
  nlohmann::json out;
  out["file"] = file;
  out["dialect"] = sql::DialectName(dialect);
  out["delimiter"] = r.delimiter;
  out["file_directives"] = DirectivesJson(r.file_directives);
  nlohmann::json stmts = nlohmann::json::array();
  for (const auto& st : r.statements) {
    nlohmann::json comments = nlohmann::json::array();
    for (const auto& c : st.comments) comments.push_back(c);
    stmts.push_back({{"text", st.text},
                     {"offset", st.offset},
                     {"end_offset", st.end_offset},
                     {"line", st.line},
                     {"column", st.column},
                     {"atlas_pos", st.atlas_pos},
                     {"comments", comments},
                     {"directives", DirectivesJson(st.directives)},
                     {"empty", st.empty}});
  }
  out["statements"] = stmts;
  std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void PrintText(const sql::SplitResult& r) {
  for (const auto& d : r.file_directives) {
    std::printf("file directive: atlas:%s%s%s\n", d.name.c_str(), d.args.empty() ? "" : " ",
                d.args.c_str());
  }
  if (!r.delimiter.empty()) {
    std::string quoted =
        nlohmann::json(r.delimiter).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::printf("delimiter: %s\n", quoted.c_str());
  }
  for (size_t i = 0; i < r.statements.size(); ++i) {
    const auto& st = r.statements[i];
    std::printf("-- statement %zu at %d:%d (offset %zu)", i + 1, st.line, st.column, st.offset);
    for (const auto& d : st.directives) {
      std::printf(" [atlas:%s%s%s]", d.name.c_str(), d.args.empty() ? "" : " ", d.args.c_str());
    }
    if (st.empty) std::printf(" [empty]");
    std::printf("\n%s\n", st.text.c_str());
  }
}

}  // namespace

int RunSplit(const Argv& argv) {
  auto args = Args::Parse(argv, {{"dialect", "format", "dir-format"}, {"help"}, {{"h", "help"}}});
  if (!args) {
    std::fprintf(stderr, "schemabot split: %s\n%s", args.error().message.c_str(), kUsage);
    return 2;
  }
  if (args->Has("help")) {
    std::printf("%s", kUsage);
    return 0;
  }
  if (args->positional().size() != 1) {
    std::fprintf(stderr, "%s", kUsage);
    return 2;
  }
  const std::string& file = args->positional()[0];
  auto dialect = sql::ParseDialect(args->Get("dialect", "postgres"));
  if (!dialect) {
    std::fprintf(stderr, "schemabot split: %s\n", dialect.error().message.c_str());
    return 2;
  }
  std::string format = args->Get("format", "text");
  if (format != "text" && format != "json") {
    std::fprintf(stderr, "schemabot split: unknown format \"%s\" (want text or json)\n",
                 format.c_str());
    return 2;
  }
  if (args->Has("dir-format")) {
    if (auto f = dir::ParseDirFormat(args->Get("dir-format")); !f) {
      std::fprintf(stderr, "schemabot split: %s\n", f.error().message.c_str());
      return 2;
    }
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "schemabot split: reading \"%s\": cannot open file\n", file.c_str());
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string content = ss.str();
  auto split = SplitFile(file, content, *dialect, args->Get("dir-format"));
  if (!split) {
    const std::string& msg = split.error().message;
    bool positioned = !msg.empty() && msg[0] >= '0' && msg[0] <= '9';
    std::fprintf(stderr, "schemabot split: %s:%s%s\n", file.c_str(), positioned ? "" : " ",
                 msg.c_str());
    return 1;
  }
  if (format == "json") {
    PrintJson(file, *dialect, *split);
  } else {
    PrintText(*split);
  }
  return 0;
}

}  // namespace schemabot::cli
