// mysql (MySQL / MariaDB): NOT NULL columns that MySQL fills implicitly (MY101, or MF103
// when the server would fail), and column-level REFERENCES that MySQL ignores (MY102).
#include <algorithm>
#include <cctype>

#include "engine/lint/analyzers/analyzers.h"

namespace schemabot::lint {
namespace {

using schema::ChangeKind;
using sql::MatchWords;
using sql::Token;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool StartsWith(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

// The value MySQL/MariaDB put into existing rows for a NOT NULL column without DEFAULT,
// or "" when the server rejects the change on a non-empty table (reference §4.2).
std::string ImplicitValue(const schema::Column& col, bool mariadb) {
  std::string t = Lower(col.type);
  static const char* kNumeric[] = {"tinyint", "smallint", "mediumint", "int",       "bigint",
                                   "decimal", "numeric",  "float",     "double",    "real",
                                   "bit",     "bool",     "binary",    "varbinary", "serial"};
  for (const char* n : kNumeric) {
    if (StartsWith(t, n)) return "0";
  }
  if (StartsWith(t, "char") || StartsWith(t, "varchar")) return "\"\"";
  if (StartsWith(t, "enum")) return col.enum_values.empty() ? "\"\"" : Quote(col.enum_values[0]);
  if (StartsWith(t, "set")) return "\"\"";
  if (StartsWith(t, "year")) return "0000";
  if (StartsWith(t, "time") && !StartsWith(t, "timestamp")) return "00:00:00";
  if (StartsWith(t, "timestamp")) return "CURRENT_TIMESTAMP";
  if (t.find("text") != std::string::npos || t.find("blob") != std::string::npos ||
      StartsWith(t, "json") || StartsWith(t, "longtext")) {
    return mariadb ? "\"\"" : "";
  }
  if (StartsWith(t, "datetime")) return mariadb ? "0000-00-00 00:00:00" : "";
  if (StartsWith(t, "date")) return mariadb ? "0000-00-00" : "";
  return mariadb ? "\"\"" : "";  // spatial types
}

// Splits tokens [from, to) on commas at parenthesis depth 0.
std::vector<std::pair<size_t, size_t>> Items(const std::vector<Token>& t, size_t from, size_t to) {
  std::vector<std::pair<size_t, size_t>> out;
  int depth = 0;
  size_t start = from;
  for (size_t i = from; i < to; ++i) {
    if (t[i].text == "(") ++depth;
    if (t[i].text == ")") --depth;
    if (depth == 0 && t[i].text == ",") {
      out.push_back({start, i});
      start = i + 1;
    }
  }
  if (start < to) out.push_back({start, to});
  return out;
}

bool HasWord(const std::vector<Token>& t, size_t from, size_t to, std::string_view w) {
  for (size_t i = from; i < to; ++i) {
    if (MatchWords(t, i, w)) return true;
  }
  return false;
}

bool IsConstraintItem(const std::vector<Token>& t, size_t at) {
  for (auto w : {"CONSTRAINT", "PRIMARY", "UNIQUE", "KEY", "INDEX", "FOREIGN", "CHECK", "FULLTEXT",
                 "SPATIAL", "PERIOD"}) {
    if (MatchWords(t, at, w)) return true;
  }
  return false;
}

class MySQL final : public Analyzer {
 public:
  std::string_view Name() const override { return "mysql"; }

  void Analyze(const Pass& pass, Reporter& out) const override {
    bool mariadb = pass.server.flavor == devdb::Flavor::kMariaDB;
    for (const auto& sc : pass.changes) {
      for (const auto& c : sc.changes) {
        if (c.kind == ChangeKind::kAddColumn) NotNull(pass, sc, c, mariadb, out);
      }
      InlineReferences(pass, sc, out);
    }
  }

 private:
  static void NotNull(const Pass& pass, const StatementChange& sc, const schema::Change& c,
                      bool mariadb, Reporter& out) {
    const schema::Column* col = AddedNotNullWithoutDefault(pass, sc, c);
    if (!col) return;
    std::string value = ImplicitValue(*col, mariadb);
    if (value.empty()) {
      out.Report({"MF103",
                  sc.index,
                  "Adding a non-nullable " + Quote(col->type) + " column " + Quote(c.name) +
                      " will fail in case table " + Quote(c.table) + " is not empty",
                  {}});
      return;
    }
    if (UpdatedLater(pass, sc.index, c.table, c.name)) return;
    out.Report({"MY101",
                sc.index,
                "Adding a non-nullable " + Quote(col->type) + " column " + Quote(c.name) +
                    " on table " + Quote(c.table) +
                    " without a default value implicitly sets existing rows with " + value,
                {{"Add a DEFAULT clause, or back-fill the column with an UPDATE", std::nullopt}}});
  }

  static bool UpdatedLater(const Pass& pass, size_t stmt, const std::string& table,
                           const std::string& column) {
    for (size_t i = stmt + 1; i < pass.statements.size(); ++i) {
      const auto& t = pass.Tokens(i);
      if (!MatchWords(t, 0, "UPDATE")) continue;
      size_t set = sql::FindWords(t, "SET");
      if (set == std::string_view::npos || set < 2 || sql::Unquote(t[set - 1]) != table) continue;
      for (size_t k = set + 1; k + 1 < t.size(); ++k) {
        if (sql::Unquote(t[k]) == column && t[k + 1].text == "=") return true;
      }
    }
    return false;
  }

  // MY102: `c INT REFERENCES p(id)` inside CREATE TABLE or ALTER TABLE ... ADD [COLUMN].
  static void InlineReferences(const Pass& pass, const StatementChange& sc, Reporter& out) {
    const auto& t = pass.Tokens(sc.index);
    bool create = MatchWords(t, 0, "CREATE TABLE");
    bool alter = MatchWords(t, 0, "ALTER TABLE");
    if (!create && !alter) return;
    size_t name_at = 2;
    if (MatchWords(t, name_at, "IF NOT EXISTS")) name_at += 3;
    if (name_at >= t.size()) return;
    size_t after_name = name_at + 1;
    if (after_name + 1 < t.size() && t[after_name].text == ".") after_name += 2;
    std::string table = sql::Unquote(t[after_name - 1]);
    std::vector<std::pair<size_t, size_t>> items;
    if (create) {
      if (after_name >= t.size() || t[after_name].text != "(") return;
      // The body ends at the matching ')'.
      int depth = 0;
      size_t end = after_name;
      for (; end < t.size(); ++end) {
        if (t[end].text == "(") ++depth;
        if (t[end].text == ")" && --depth == 0) break;
      }
      items = Items(t, after_name + 1, end);
    } else {
      items = Items(t, after_name, t.size());
    }
    for (auto [b, e] : items) {
      size_t at = b;
      if (alter) {
        if (!MatchWords(t, at, "ADD")) continue;
        ++at;
        if (MatchWords(t, at, "COLUMN")) ++at;
        if (MatchWords(t, at, "IF NOT EXISTS")) at += 3;
      }
      if (at >= e || IsConstraintItem(t, at) || !HasWord(t, at + 1, e, "REFERENCES")) continue;
      std::string column = sql::Unquote(t[at]);
      if (CreatesForeignKey(sc, table, column)) continue;
      out.Report(
          {"MY102",
           sc.index,
           "Defining column " + Quote(column) + " on table " + Quote(table) +
               " with inline REFERENCES is ignored by MySQL",
           {{"Declare the key as a table constraint: FOREIGN KEY (" + column + ") REFERENCES ...",
             std::nullopt}}});
    }
  }

  // Servers that do honour the clause (newer MariaDB) show a real foreign key.
  static bool CreatesForeignKey(const StatementChange& sc, const std::string& table,
                                const std::string& column) {
    if (!sc.after) return false;
    for (const auto& s : sc.after->schemas) {
      const auto* t = s.FindTable(table);
      if (!t) continue;
      for (const auto& fk : t->foreign_keys) {
        if (std::find(fk.columns.begin(), fk.columns.end(), column) != fk.columns.end()) {
          bool before = false;
          if (const auto* bt = FindTable(sc.before, s.name, table)) {
            for (const auto& bfk : bt->foreign_keys) before |= bfk.name == fk.name;
          }
          if (!before) return true;
        }
      }
    }
    return false;
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewMySQL() { return std::make_unique<MySQL>(); }

}  // namespace schemabot::lint
