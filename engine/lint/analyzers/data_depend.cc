// data_depend: changes that succeed or fail depending on the rows already there.
#include <cctype>

#include "engine/lint/analyzers/analyzers.h"

namespace schemabot::lint {
namespace {

using schema::ChangeBit;
using schema::ChangeKind;

std::string CommaList(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + Quote(names[i]);
  return out;
}

class DataDepend final : public Analyzer {
 public:
  std::string_view Name() const override { return "data_depend"; }

  void Analyze(const Pass& pass, Reporter& out) const override {
    for (const auto& sc : pass.changes) {
      for (const auto& c : sc.changes) {
        switch (c.kind) {
          case ChangeKind::kAddIndex:
            UniqueIndex(pass, sc, c, out);
            break;
          case ChangeKind::kModifyIndex:
            if (c.Has(schema::kChangeUnique) && !pass.IndexCreated(c.schema, c.table, c.name)) {
              const auto* t = FindTable(sc.after, c.schema, c.table);
              const auto* idx = t ? t->FindIndex(c.name) : nullptr;
              if (idx && idx->unique) {
                out.Report({"MF102",
                            sc.index,
                            "Modifying an index " + Quote(c.name) + " on table " + Quote(c.table) +
                                " might fail in case of duplicate entries",
                            {}});
              }
            }
            break;
          case ChangeKind::kAddColumn:
            if (pass.dialect == sql::Dialect::kPostgres) NotNullColumn(pass, sc, c, out);
            break;
          case ChangeKind::kModifyColumn:
            NullToNotNull(pass, sc, c, out);
            break;
          default:
            break;
        }
      }
    }
  }

 private:
  static void UniqueIndex(const Pass& pass, const StatementChange& sc, const schema::Change& c,
                          Reporter& out) {
    if (pass.TableCreated(c.schema, c.table)) return;
    const auto* t = FindTable(sc.after, c.schema, c.table);
    const auto* idx = t ? t->FindIndex(c.name) : nullptr;
    if (!idx || !idx->unique || idx->primary) return;
    std::vector<std::string> existing;
    for (const auto& p : idx->parts) {
      if (!p.column.empty() && !pass.ColumnCreated(c.schema, c.table, p.column)) {
        existing.push_back(p.column);
      }
    }
    if (existing.empty()) return;
    // Re-creating a unique index that this file dropped with the same parts is safe.
    if (const auto* bt = FindTable(pass.before, c.schema, c.table)) {
      if (const auto* old = bt->FindIndex(c.name); old && old->unique && SameParts(*old, *idx)) {
        return;
      }
    }
    std::string what = existing.size() == 1 ? "column " + Quote(existing[0]) + " contains"
                                            : "columns " + CommaList(existing) + " contain";
    out.Report({"MF101",
                sc.index,
                "Adding a unique index " + Quote(c.name) + " on table " + Quote(c.table) +
                    " might fail in case " + what + " duplicate entries",
                {}});
  }

  static bool SameParts(const schema::Index& a, const schema::Index& b) {
    if (a.parts.size() != b.parts.size()) return false;
    for (size_t i = 0; i < a.parts.size(); ++i) {
      if (a.parts[i].column != b.parts[i].column || a.parts[i].expr != b.parts[i].expr) {
        return false;
      }
    }
    return true;
  }

  static void NotNullColumn(const Pass& pass, const StatementChange& sc, const schema::Change& c,
                            Reporter& out) {
    const schema::Column* col = AddedNotNullWithoutDefault(pass, sc, c);
    if (!col) return;
    out.Report({"MF103",
                sc.index,
                "Adding a non-nullable " + Quote(col->type) + " column " + Quote(c.name) +
                    " will fail in case table " + Quote(c.table) + " is not empty",
                {}});
  }

  static void NullToNotNull(const Pass& pass, const StatementChange& sc, const schema::Change& c,
                            Reporter& out) {
    if (!c.Has(schema::kChangeNull) || pass.ColumnCreated(c.schema, c.table, c.name)) return;
    const auto* bt = FindTable(sc.before, c.schema, c.table);
    const auto* at = FindTable(sc.after, c.schema, c.table);
    const auto* bc = bt ? bt->FindColumn(c.name) : nullptr;
    const auto* ac = at ? at->FindColumn(c.name) : nullptr;
    if (!bc || !ac || !bc->nullable || ac->nullable) return;
    if (BackfilledEarlier(pass, sc.index, c.table, c.name)) return;
    if (HasNotNullCheck(*bt, c.name)) return;
    out.Report({"MF104",
                sc.index,
                "Modifying nullable column " + Quote(c.name) +
                    " to non-nullable might fail in case it contains NULL values",
                {{"Back-fill the column before making it non-nullable: UPDATE " + c.table +
                      " SET " + c.name + " = <value> WHERE " + c.name + " IS NULL",
                  std::nullopt}}});
  }

  // An earlier `UPDATE <table> SET ... <column> = ...` in the same file fills the NULLs —
  // only when it touches every row, or every NULL row (`WHERE <column> IS NULL`). An
  // UPDATE with any other WHERE may leave NULLs behind.
  static bool BackfilledEarlier(const Pass& pass, size_t stmt, const std::string& table,
                                const std::string& column) {
    for (size_t i = 0; i < stmt && i < pass.statements.size(); ++i) {
      const auto& tok = pass.Tokens(i);
      if (tok.size() < 4 || !sql::MatchWords(tok, 0, "UPDATE")) continue;
      size_t at = 1;
      if (sql::MatchWords(tok, at, "ONLY")) ++at;
      size_t set = sql::FindWords(tok, "SET", at);
      if (set == std::string_view::npos || set == at) continue;
      if (sql::Unquote(tok[set - 1]) != table) continue;
      bool assigns = false;
      size_t where = sql::FindWords(tok, "WHERE", set);
      for (size_t k = set + 1; k + 1 < tok.size() && k < where; ++k) {
        assigns |= sql::Unquote(tok[k]) == column && tok[k + 1].text == "=";
      }
      if (!assigns) continue;
      if (where == std::string_view::npos) return true;
      // WHERE [(] column IS NULL [)] [;]
      size_t k = where + 1;
      while (k < tok.size() && tok[k].text == "(") ++k;
      if (k < tok.size() && sql::Unquote(tok[k]) == column &&
          sql::MatchWords(tok, k + 1, "IS NULL")) {
        k += 3;
        while (k < tok.size() && (tok[k].text == ")" || tok[k].text == ";")) ++k;
        if (k == tok.size()) return true;
      }
    }
    return false;
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewDataDepend() { return std::make_unique<DataDepend>(); }

}  // namespace schemabot::lint
