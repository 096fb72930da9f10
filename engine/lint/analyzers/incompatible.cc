// incompatible: renames break clients that still use the old name.
#include "engine/lint/analyzers/analyzers.h"

namespace schemabot::lint {
namespace {

using schema::ChangeKind;

class Incompatible final : public Analyzer {
 public:
  std::string_view Name() const override { return "incompatible"; }

  void Analyze(const Pass& pass, Reporter& out) const override {
    for (const auto& sc : pass.changes) {
      for (const auto& c : sc.changes) {
        if (c.kind == ChangeKind::kRenameTable) {
          if (pass.SchemaCreated(c.schema) || pass.TableCreated(c.schema, c.from_name)) continue;
          // A view with the old name keeps old clients working.
          if (pass.FindLater(sc.index, ChangeKind::kAddView, c.schema, "", c.from_name) !=
                  std::string_view::npos ||
              pass.FindLater(sc.index, ChangeKind::kAddView, c.schema, c.from_name, c.from_name) !=
                  std::string_view::npos) {
            continue;
          }
          out.Report({"BC101",
                      sc.index,
                      "Renaming table " + Quote(c.from_name) + " to " + Quote(TableOf(c)),
                      {}});
        } else if (c.kind == ChangeKind::kRenameColumn) {
          if (pass.TableCreated(c.schema, c.table) ||
              pass.ColumnCreated(c.schema, c.table, c.from_name)) {
            continue;
          }
          // A column added back under the old name keeps old clients working.
          if (pass.FindLater(sc.index, ChangeKind::kAddColumn, c.schema, c.table, c.from_name) !=
              std::string_view::npos) {
            continue;
          }
          out.Report({"BC102",
                      sc.index,
                      "Renaming column " + Quote(c.from_name) + " to " + Quote(c.name),
                      {}});
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewIncompatible() { return std::make_unique<Incompatible>(); }

}  // namespace schemabot::lint
