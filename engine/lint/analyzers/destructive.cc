// destructive: dropping schemas, tables and non-virtual columns loses data.
#include <map>

#include "engine/lint/analyzers/analyzers.h"

namespace schemabot::lint {
namespace {

using schema::ChangeKind;

class Destructive final : public Analyzer {
 public:
  std::string_view Name() const override { return "destructive"; }

  void Analyze(const Pass& pass, Reporter& out) const override {
    for (const auto& sc : pass.changes) {
      // DS103 groups the columns one statement drops from one table.
      std::map<std::string, std::vector<std::string>> dropped_columns;
      for (const auto& c : sc.changes) {
        if (c.kind == ChangeKind::kDropSchema && !pass.SchemaCreated(c.name)) {
          out.Report({"DS101", sc.index, DropSchemaText(sc, c.name), {}});
        } else if (c.kind == ChangeKind::kDropTable) {
          auto t = TableOf(c);
          if (pass.SchemaDropped(c.schema) || pass.TableCreated(c.schema, t)) continue;
          out.Report({"DS102",
                      sc.index,
                      "Dropping table " + Quote(t),
                      {{"Add a pre-migration check to ensure table " + Quote(t) +
                            " is empty before dropping it",
                        std::nullopt}}});
        } else if (c.kind == ChangeKind::kDropColumn) {
          if (pass.ColumnCreated(c.schema, c.table, c.name) || IsVirtual(sc, c)) continue;
          dropped_columns[c.schema + "." + c.table].push_back(c.name);
        }
      }
      for (const auto& [table, cols] : dropped_columns) {
        if (cols.size() == 1) {
          out.Report({"DS103",
                      sc.index,
                      "Dropping non-virtual column " + Quote(cols[0]),
                      {{"Add a pre-migration check to ensure column " + Quote(cols[0]) +
                            " is NULL before dropping it",
                        std::nullopt}}});
        } else {
          out.Report({"DS103",
                      sc.index,
                      "Dropping non-virtual columns " + QuoteList(cols),
                      {{"Add pre-migration checks to ensure columns " + QuoteList(cols) +
                            " are NULL before dropping them",
                        std::nullopt}}});
        }
      }
    }
  }

 private:
  static std::string DropSchemaText(const StatementChange& sc, const std::string& name) {
    size_t n = 0;
    if (sc.before) {
      if (const auto* s = sc.before->FindSchema(name)) n = s->tables.size();
    }
    if (n == 0) return "Dropping schema " + Quote(name);
    return "Dropping non-empty schema " + Quote(name) + " with " + std::to_string(n) +
           (n == 1 ? " table" : " tables");
  }

  static bool IsVirtual(const StatementChange& sc, const schema::Change& c) {
    const auto* t = FindTable(sc.before, c.schema, c.table);
    const auto* col = t ? t->FindColumn(c.name) : nullptr;
    return col && !col->generated.empty() && !col->generated_stored;
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewDestructive() { return std::make_unique<Destructive>(); }

}  // namespace schemabot::lint
