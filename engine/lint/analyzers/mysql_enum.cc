// mysql enum/set changes that make MySQL copy the table (MY110-MY113, MY120-MY123).
// Only appending members within the same storage size is an in-place change.
#include <algorithm>

#include "engine/lint/analyzers/analyzers.h"

namespace schemabot::lint {
namespace {

using schema::ChangeKind;

int SetBytes(size_t n) {
  size_t b = (n + 7) / 8;
  return b > 4 ? 8 : static_cast<int>(b);
}

class MySQLEnum final : public Analyzer {
 public:
  std::string_view Name() const override { return "mysql"; }

  void Analyze(const Pass& pass, Reporter& out) const override {
    for (const auto& sc : pass.changes) {
      for (const auto& c : sc.changes) {
        if (c.kind != ChangeKind::kModifyColumn) continue;
        if (pass.ColumnCreated(c.schema, c.table, c.name)) continue;
        const auto* bt = FindTable(sc.before, c.schema, c.table);
        const auto* at = FindTable(sc.after, c.schema, c.table);
        const auto* bc = bt ? bt->FindColumn(c.name) : nullptr;
        const auto* ac = at ? at->FindColumn(c.name) : nullptr;
        if (!bc || !ac || bc->enum_values.empty() || ac->enum_values.empty()) continue;
        if (bc->is_set != ac->is_set || bc->enum_values == ac->enum_values) continue;
        Check(sc.index, c, *bc, *ac, out);
      }
    }
  }

 private:
  static void Check(size_t stmt, const schema::Change& c, const schema::Column& before,
                    const schema::Column& after, Reporter& out) {
    const bool set = before.is_set;
    const std::string kind = set ? "set" : "enum";
    const std::string where = " of column " + Quote(c.name) + " on table " + Quote(c.table);
    const auto& b = before.enum_values;
    const auto& a = after.enum_values;
    std::vector<std::string> removed;
    for (const auto& v : b) {
      if (std::find(a.begin(), a.end(), v) == a.end()) removed.push_back(v);
    }
    if (!removed.empty()) {
      out.Report(
          {set ? "MY120" : "MY110",
           stmt,
           "Removing " + kind + " values " + QuoteList(removed) + where + " requires a table copy",
           {}});
      return;
    }
    // Every old value survives: are they still in the same relative order?
    std::vector<size_t> pos;
    for (const auto& v : b) pos.push_back(std::find(a.begin(), a.end(), v) - a.begin());
    if (!std::is_sorted(pos.begin(), pos.end())) {
      out.Report({set ? "MY121" : "MY111",
                  stmt,
                  "Reordering " + kind + " values" + where + " requires a table copy",
                  {}});
      return;
    }
    if (!std::equal(b.begin(), b.end(), a.begin())) {
      out.Report(
          {set ? "MY122" : "MY112",
           stmt,
           "Inserting new " + kind + " values not at the end" + where + " requires a table copy",
           {}});
      return;
    }
    bool grows =
        set ? SetBytes(b.size()) != SetBytes(a.size()) : (b.size() <= 255 && a.size() > 255);
    if (grows) {
      out.Report({set ? "MY123" : "MY113",
                  stmt,
                  "Growing the " + kind + where + " to " + std::to_string(a.size()) +
                      " values changes its storage size and requires a table copy",
                  {}});
    }
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewMySQLEnum() { return std::make_unique<MySQLEnum>(); }

}  // namespace schemabot::lint
