// condrop: dropping a foreign key removes the database's referential guarantee.
#include <algorithm>

#include "engine/lint/analyzers/analyzers.h"

namespace schemabot::lint {
namespace {

using schema::ChangeKind;

class Condrop final : public Analyzer {
 public:
  std::string_view Name() const override { return "condrop"; }

  void Analyze(const Pass& pass, Reporter& out) const override {
    for (const auto& sc : pass.changes) {
      for (const auto& c : sc.changes) {
        if (c.kind != ChangeKind::kDropForeignKey) continue;
        if (pass.ForeignKeyCreated(c.schema, c.table, c.name)) continue;
        if (pass.TableDropped(c.schema, c.table)) continue;  // DS102 covers it
        if (DropsOwnColumn(sc, c)) continue;
        out.Report({"CD101", sc.index, "Dropping foreign-key constraint " + Quote(c.name), {}});
      }
    }
  }

 private:
  // Dropping one of the FK's columns in the same statement drops the FK with it.
  static bool DropsOwnColumn(const StatementChange& sc, const schema::Change& fk) {
    const auto* t = FindTable(sc.before, fk.schema, fk.table);
    if (!t) return false;
    auto it = std::find_if(t->foreign_keys.begin(), t->foreign_keys.end(),
                           [&](const schema::ForeignKey& f) { return f.name == fk.name; });
    if (it == t->foreign_keys.end()) return false;
    for (const auto& c : sc.changes) {
      if (c.kind == ChangeKind::kDropColumn && c.table == fk.table &&
          std::find(it->columns.begin(), it->columns.end(), c.name) != it->columns.end()) {
        return true;
      }
    }
    return false;
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewCondrop() { return std::make_unique<Condrop>(); }

}  // namespace schemabot::lint
