// concurrent_index (PostgreSQL): index builds and drops that lock a live table.
#include "engine/lint/analyzers/analyzers.h"

namespace schemabot::lint {
namespace {

using schema::ChangeKind;
using sql::FindWords;
using sql::MatchWords;

constexpr size_t npos = std::string_view::npos;

bool IsCreateIndex(const std::vector<sql::Token>& t) {
  return MatchWords(t, 0, "CREATE INDEX") || MatchWords(t, 0, "CREATE UNIQUE INDEX");
}

bool IsConcurrent(const std::vector<sql::Token>& t) {
  // CREATE [UNIQUE] INDEX CONCURRENTLY / DROP INDEX CONCURRENTLY: right after INDEX.
  size_t idx = FindWords(t, "INDEX");
  return idx != npos && MatchWords(t, idx + 1, "CONCURRENTLY");
}

class ConcurrentIndex final : public Analyzer {
 public:
  std::string_view Name() const override { return "concurrent_index"; }

  void Analyze(const Pass& pass, Reporter& out) const override {
    const LintConfig& cfg = *pass.config;
    bool any_concurrent = false;
    size_t first_concurrent = 0;
    for (size_t i = 0; i < pass.statements.size(); ++i) {
      const auto& t = pass.Tokens(i);
      bool create = IsCreateIndex(t), drop = MatchWords(t, 0, "DROP INDEX");
      if ((create || drop) && IsConcurrent(t) && !any_concurrent) {
        any_concurrent = true;
        first_concurrent = i;
      }
    }
    if (cfg.check_txmode && any_concurrent && pass.in_transaction) {
      Finding f{"PG103",
                first_concurrent,
                "Indexes cannot be created or deleted concurrently within a transaction. Add "
                "the `atlas:txmode none` directive to the header to prevent this file from "
                "running in a transaction",
                {{"Add `-- atlas:txmode none` to the file header", std::nullopt}}};
      f.at_file_start = true;
      out.Report(std::move(f));
    }
    for (const auto& sc : pass.changes) {
      const auto& t = pass.Tokens(sc.index);
      for (const auto& c : sc.changes) {
        if (c.kind == ChangeKind::kAddIndex) AddIndex(pass, sc, c, t, out);
        if (c.kind == ChangeKind::kDropIndex && cfg.check_drop && MatchWords(t, 0, "DROP INDEX") &&
            !IsConcurrent(t) && !pass.TableCreated(c.schema, c.table) &&
            !pass.IndexCreated(c.schema, c.table, c.name) &&
            !pass.TableDropped(c.schema, c.table)) {
          out.Report({"PG102",
                      sc.index,
                      "Dropping index " + Quote(c.name) +
                          " non-concurrently causes write locks on the " + Quote(c.table) +
                          " table",
                      {{"Use DROP INDEX CONCURRENTLY in a file with `-- atlas:txmode none`",
                        std::nullopt}}});
        }
        if (c.kind == ChangeKind::kModifyTable && c.Has(schema::kChangePrimaryKey)) {
          PrimaryKey(pass, sc, c, t, out);
        }
      }
    }
  }

 private:
  static void AddIndex(const Pass& pass, const StatementChange& sc, const schema::Change& c,
                       const std::vector<sql::Token>& t, Reporter& out) {
    if (pass.TableCreated(c.schema, c.table)) return;
    if (IsCreateIndex(t)) {
      if (pass.config->check_create && !IsConcurrent(t)) {
        out.Report({"PG101",
                    sc.index,
                    "Creating index " + Quote(c.name) +
                        " non-concurrently causes write locks on the " + Quote(c.table) + " table",
                    {{"Use CREATE INDEX CONCURRENTLY in a file with `-- atlas:txmode none`",
                      std::nullopt}}});
      }
      return;
    }
    // ALTER TABLE ... ADD [CONSTRAINT n] UNIQUE (...) builds the index under ACCESS EXCLUSIVE.
    if (MatchWords(t, 0, "ALTER TABLE") && FindWords(t, "UNIQUE") != npos &&
        FindWords(t, "USING INDEX") == npos) {
      out.Report({"PG105",
                  sc.index,
                  "Adding a UNIQUE constraint " + Quote(c.name) + " on table " + Quote(c.table) +
                      " acquires an ACCESS EXCLUSIVE lock, blocking reads and writes while the "
                      "index is built",
                  {{"Create the unique index CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE "
                    "USING INDEX",
                    std::nullopt}}});
    }
  }

  static void PrimaryKey(const Pass& pass, const StatementChange& sc, const schema::Change& c,
                         const std::vector<sql::Token>& t, Reporter& out) {
    auto table = TableOf(c);
    if (pass.TableCreated(c.schema, table)) return;
    const auto* after = FindTable(sc.after, c.schema, table);
    if (!after || !after->primary_key) return;
    if (!MatchWords(t, 0, "ALTER TABLE") || FindWords(t, "PRIMARY KEY") == npos ||
        FindWords(t, "USING INDEX") != npos) {
      return;
    }
    out.Report({"PG104",
                sc.index,
                "Adding a PRIMARY KEY constraint on table " + Quote(table) +
                    " acquires an ACCESS EXCLUSIVE lock, blocking reads and writes while the "
                    "index is built",
                {{"Create a unique index CONCURRENTLY first, then ADD CONSTRAINT ... PRIMARY KEY "
                  "USING INDEX",
                  std::nullopt}}});
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewConcurrentIndex() { return std::make_unique<ConcurrentIndex>(); }

}  // namespace schemabot::lint
