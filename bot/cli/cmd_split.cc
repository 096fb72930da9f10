// schemabot split FILE [--dialect postgres|mysql] [--format text|json]
//
// Prints the statements of one SQL file as the engine splits them, with byte offset,
// line, column, attached comments and directives: for debugging migrations and for
// other tools (the JSON form). Exit 0 on success, 1 when the file cannot be split
// (unclosed quote ...), 2 on usage or I/O errors.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bot/cli/args.h"
#include "bot/cli/commands.h"
#include "engine/sql/sql.h"

namespace schemabot::cli {
namespace {

constexpr const char* kUsage =
    "usage: schemabot split FILE [--dialect postgres|mysql] [--format text|json]\n";

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
  auto args = Args::Parse(argv, {{"dialect", "format"}, {"help"}, {{"h", "help"}}});
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
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "schemabot split: reading \"%s\": cannot open file\n", file.c_str());
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string content = ss.str();
  auto split = sql::Split(content, *dialect);
  if (!split) {
    std::fprintf(stderr, "schemabot split: %s:%s\n", file.c_str(), split.error().message.c_str());
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
