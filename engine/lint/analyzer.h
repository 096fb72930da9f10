// The analyzer contract: everything an analyzer may look at, and how it reports.
//
// The pipeline runs every analyzer of the file's dialect on each new migration file. An
// analyzer gets a Pass — the file, its positioned statements, the schema changes each
// statement made (from the dev-database replay, or from the static classifier), the
// schema before and after each statement, "created or dropped in this file" queries, the
// dialect and server version — and reports Findings through a Reporter. It never sees
// the database, the forge or the config file.
//
// Rules for analyzers (see engine/lint/analyzers/*.cc, one per family):
//   - Objects created in the same file never trigger "existing object" checks.
//   - Checks that need the statement text use the splitter's tokens (Pass::Tokens), not
//     regular expressions over raw text.
//   - Texts of Atlas's codes follow reference atlas-core.md §4.2 exactly.
//   - An analyzer must not throw; if it does, the pipeline reports it and runs the rest.
//
// Thread-safety: a Pass is read-only during Analyze; analyzers hold no state.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/devdb/devdb.h"
#include "engine/dir/dir.h"
#include "engine/lint/config.h"
#include "engine/report/report.h"
#include "engine/schema/schema.h"
#include "engine/sql/sql.h"

namespace schemabot::lint {

// What one statement did.
struct StatementChange {
  size_t index = 0;                       // into Pass::statements
  schema::Changes changes;                // attributed to this statement
  const schema::Realm* before = nullptr;  // state before the statement
  const schema::Realm* after = nullptr;   // state after it
};

struct Finding {
  std::string code;  // "DS102"
  size_t stmt = 0;   // index into Pass::statements (the diagnostic's position)
  std::string text;
  std::vector<report::SuggestedFix> fixes;
  bool at_file_start = false;           // Pos 0 instead of the statement (PG103's file-level note)
  std::optional<int64_t> pos_override;  // an exact file offset (replay errors)
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void Report(Finding finding) = 0;
};

class Pass {
 public:
  const dir::Migration* file = nullptr;
  std::vector<sql::Statement> statements;  // positioned in the whole file
  std::vector<StatementChange> changes;    // one per executed statement, in order
  const schema::Realm* before = nullptr;   // before the file
  const schema::Realm* after = nullptr;    // after the file (or the last good statement)
  sql::Dialect dialect = sql::Dialect::kPostgres;
  devdb::ServerVersion server;  // flavor/version; major 0 in static mode
  bool static_mode = false;     // changes come from the token classifier
  bool in_transaction = true;   // the file runs in one transaction (txmode file)
  const LintConfig* config = nullptr;

  // Tokens of statement `i` (cached on first use).
  const std::vector<sql::Token>& Tokens(size_t i) const;

  // Spans over this file's changes (renames follow the object).
  bool SchemaCreated(std::string_view schema) const;
  bool SchemaDropped(std::string_view schema) const;
  bool TableCreated(std::string_view schema, std::string_view table) const;
  bool TableDropped(std::string_view schema, std::string_view table) const;
  bool ColumnCreated(std::string_view schema, std::string_view table,
                     std::string_view column) const;
  bool ColumnDropped(std::string_view schema, std::string_view table,
                     std::string_view column) const;
  bool IndexCreated(std::string_view schema, std::string_view table, std::string_view index) const;
  bool ForeignKeyCreated(std::string_view schema, std::string_view table,
                         std::string_view fk) const;
  bool CheckCreated(std::string_view schema, std::string_view table, std::string_view check) const;
  // Index (into statements) of the first statement after `stmt` whose changes include
  // one of `kind` on schema.table.name, or npos.
  size_t FindLater(size_t stmt, schema::ChangeKind kind, std::string_view schema,
                   std::string_view table, std::string_view name) const;

  // Must be called once after `changes` is filled.
  void ComputeSpans();

 private:
  struct Span {
    std::string key;
    bool created = false;
    bool dropped = false;
  };
  const Span* FindSpan(const std::string& key) const;
  std::vector<Span> spans_;
  mutable std::vector<std::optional<std::vector<sql::Token>>> tokens_;
};

class Analyzer {
 public:
  virtual ~Analyzer() = default;
  // The family name (destructive, data_depend, ...): what nolint and config refer to.
  virtual std::string_view Name() const = 0;
  virtual void Analyze(const Pass& pass, Reporter& reporter) const = 0;
};

// Helpers shared by analyzers.
std::string Quote(std::string_view name);  // "\"name\""
// "\"a\"", "\"a\" and \"b\"", "\"a\", \"b\" and \"c\"".
std::string QuoteList(const std::vector<std::string>& names);

}  // namespace schemabot::lint
