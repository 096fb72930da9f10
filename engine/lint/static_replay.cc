// The static replayer: a small DDL interpreter over the schema model, driven by the
// splitter's tokens. It knows the statements migrations are made of (CREATE/ALTER/DROP of
// schemas, tables, columns, indexes, constraints, views; RENAME) and ignores the rest, so
// the analyzers see approximate changes without a database. What it cannot know — server
// defaults, types as the server normalises them, effects of functions, DO blocks, data —
// is listed in SkippedChecks().
#include <algorithm>
#include <cctype>

#include "engine/lint/lint.h"

namespace schemabot::lint {
namespace {

using sql::MatchWords;
using sql::Token;
using sql::TokenKind;
using Toks = std::vector<Token>;

class Interp {
 public:
  explicit Interp(sql::Dialect d) : dialect_(d) {
    realm_.schemas.push_back({DefaultSchema(), {}, {}, {}, {}, ""});
  }
  const schema::Realm& realm() const { return realm_; }
  void Apply(std::string_view stmt);

 private:
  std::string DefaultSchema() const { return dialect_ == sql::Dialect::kPostgres ? "public" : ""; }

  std::string Name(const Token& t) const {
    std::string n = sql::Unquote(t);
    if (dialect_ == sql::Dialect::kPostgres && t.kind != TokenKind::kQuotedIdentifier) {
      for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return n;
  }
  bool IsName(size_t i) const {
    return i < t_.size() &&
           (t_[i].kind == TokenKind::kIdentifier || t_[i].kind == TokenKind::kQuotedIdentifier ||
            t_[i].kind == TokenKind::kKeyword);
  }
  // [schema.]name at i; advances i.
  std::pair<std::string, std::string> QualifiedName(size_t& i) const {
    if (!IsName(i)) return {DefaultSchema(), ""};
    std::string a = Name(t_[i++]);
    if (i + 1 < t_.size() && t_[i].text == "." && IsName(i + 1)) {
      std::string b = Name(t_[i + 1]);
      i += 2;
      return {a, b};
    }
    return {DefaultSchema(), a};
  }
  bool Words(size_t& i, std::string_view w) const {
    if (!MatchWords(t_, i, w)) return false;
    i += static_cast<size_t>(std::count(w.begin(), w.end(), ' ')) + 1;
    return true;
  }
  void SkipIfExists(size_t& i) const {
    if (!Words(i, "IF NOT EXISTS")) Words(i, "IF EXISTS");
  }
  size_t MatchParen(size_t open) const {
    int depth = 0;
    for (size_t i = open; i < t_.size(); ++i) {
      if (t_[i].text == "(") ++depth;
      if (t_[i].text == ")" && --depth == 0) return i;
    }
    return t_.size();
  }
  // Comma-separated items in [from, to) at depth 0.
  std::vector<std::pair<size_t, size_t>> Items(size_t from, size_t to) const {
    std::vector<std::pair<size_t, size_t>> out;
    int depth = 0;
    size_t start = from;
    for (size_t i = from; i < to; ++i) {
      if (t_[i].text == "(") ++depth;
      if (t_[i].text == ")") --depth;
      if (depth == 0 && t_[i].text == ",") {
        out.push_back({start, i});
        start = i + 1;
      }
    }
    if (start < to) out.push_back({start, to});
    return out;
  }
  std::vector<std::string> NameList(size_t open) const {
    std::vector<std::string> out;
    size_t close = MatchParen(open);
    for (auto [b, e] : Items(open + 1, close)) {
      if (b < e && IsName(b)) out.push_back(Name(t_[b]));
    }
    return out;
  }
  std::string Text(size_t from, size_t to) const {
    std::string out;
    for (size_t i = from; i < to && i < t_.size(); ++i) {
      bool tight = t_[i].text == "(" || t_[i].text == ")" || t_[i].text == "," ||
                   (i > from && t_[i - 1].text == "(");
      if (!out.empty() && !tight) out += ' ';
      out += t_[i].text;
    }
    return out;
  }

  schema::Schema* FindSchema(const std::string& s) {
    for (auto& sc : realm_.schemas) {
      if (sc.name == s) return &sc;
    }
    return nullptr;
  }
  schema::Table* FindTable(const std::string& s, const std::string& t) {
    auto* sc = FindSchema(s);
    if (!sc) return nullptr;
    for (auto& tb : sc->tables) {
      if (tb.name == t) return &tb;
    }
    return nullptr;
  }
  schema::Table* TableOfIndex(const std::string& s, const std::string& idx) {
    auto* sc = FindSchema(s);
    if (!sc) return nullptr;
    for (auto& tb : sc->tables) {
      for (auto& ix : tb.indexes) {
        if (ix.name == idx) return &tb;
      }
    }
    return nullptr;
  }
  void SortTables(schema::Schema& s) {
    std::sort(s.tables.begin(), s.tables.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
  }

  void CreateTable(size_t i);
  void AlterTable(size_t i);
  void CreateIndex(size_t i, bool unique);
  void DropIndex(size_t i);
  bool ColumnDef(schema::Table& t, size_t b, size_t e, bool replace_named = false,
                 const std::string& old_name = "");
  void Constraint(schema::Table& t, size_t b, size_t e);

  sql::Dialect dialect_;
  schema::Realm realm_;
  Toks t_;
};

bool Interp::ColumnDef(schema::Table& t, size_t b, size_t e, bool replace, const std::string& old) {
  if (b >= e || !IsName(b)) return false;
  schema::Column col;
  col.name = Name(t_[b]);
  size_t i = b + 1;
  size_t type_end = i;
  static const char* kStops[] = {"NOT",        "NULL",    "DEFAULT",   "PRIMARY",        "UNIQUE",
                                 "REFERENCES", "CHECK",   "GENERATED", "AUTO_INCREMENT", "COLLATE",
                                 "CONSTRAINT", "COMMENT", "AS",        "FIRST",          "AFTER",
                                 "ON"};
  while (type_end < e) {
    bool stop = false;
    for (const char* s : kStops) stop |= MatchWords(t_, type_end, s);
    if (stop) break;
    if (t_[type_end].text == "(") type_end = MatchParen(type_end);
    ++type_end;
  }
  col.type = Text(i, std::min(type_end, e));
  for (auto& c : col.type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (col.type.rfind("enum(", 0) == 0 || col.type.rfind("set(", 0) == 0) {
    col.is_set = col.type[0] == 's';
    size_t open = i + 1;
    for (auto [vb, ve] : Items(open + 1, MatchParen(open))) {
      if (vb < ve) col.enum_values.push_back(sql::Unquote(t_[vb]));
    }
  }
  if (col.type.find("serial") != std::string::npos) {
    col.nullable = false;
    col.default_value = "nextval()";
  }
  bool pk = false;
  for (i = type_end; i < e; ++i) {
    if (MatchWords(t_, i, "NOT NULL"))
      col.nullable = false;
    else if (MatchWords(t_, i, "PRIMARY KEY"))
      pk = true, col.nullable = false;
    else if (MatchWords(t_, i, "DEFAULT") && i + 1 < e) {
      size_t end = i + 2;
      if (t_[i + 1].text == "(")
        end = MatchParen(i + 1) + 1;
      else if (end < e && t_[end].text == "(")
        end = MatchParen(end) + 1;
      col.default_value = Text(i + 1, std::min(end, e));
    } else if (MatchWords(t_, i, "GENERATED ALWAYS AS IDENTITY") ||
               MatchWords(t_, i, "GENERATED BY DEFAULT AS IDENTITY")) {
      col.identity = MatchWords(t_, i, "GENERATED ALWAYS") ? "always" : "by default";
      col.nullable = false;
    } else if (MatchWords(t_, i, "GENERATED ALWAYS AS") || MatchWords(t_, i, "AS")) {
      col.generated = "expr";
      col.generated_stored = false;
    } else if (MatchWords(t_, i, "STORED")) {
      col.generated_stored = true;
    } else if (MatchWords(t_, i, "AUTO_INCREMENT")) {
      col.identity = "auto_increment";
    }
  }
  if (dialect_ == sql::Dialect::kPostgres && !col.generated.empty()) col.generated_stored = true;
  auto& cols = t.columns;
  auto it = std::find_if(cols.begin(), cols.end(), [&](const schema::Column& c) {
    return c.name == (old.empty() ? col.name : old);
  });
  if (it != cols.end() && replace)
    *it = col;
  else if (it == cols.end())
    cols.push_back(col);
  if (pk)
    t.primary_key = schema::Index{t.name + "_pkey", true, true, true, {{col.name}}, {}, "", ""};
  return true;
}

void Interp::Constraint(schema::Table& t, size_t b, size_t e) {
  std::string name;
  size_t i = b;
  if (Words(i, "CONSTRAINT") && IsName(i)) name = Name(t_[i++]);
  bool not_valid = false;
  for (size_t k = i; k < e; ++k) not_valid |= MatchWords(t_, k, "NOT VALID");
  if (Words(i, "PRIMARY KEY")) {
    if (i < e && t_[i].text == "(") {
      schema::Index pk{name.empty() ? t.name + "_pkey" : name, true, true, true, {}, {}, "", ""};
      for (auto& c : NameList(i)) {
        pk.parts.push_back({c});
        for (auto& col : t.columns) {
          if (col.name == c) col.nullable = false;
        }
      }
      t.primary_key = pk;
    }
  } else if (Words(i, "UNIQUE") || (dialect_ == sql::Dialect::kMySQL && Words(i, "UNIQUE"))) {
    if (Words(i, "KEY") || Words(i, "INDEX")) {
    }
    if (IsName(i) && t_[i].text != "(") name = Name(t_[i++]);
    if (i < e && t_[i].text == "(") {
      auto cols = NameList(i);
      schema::Index ix{name.empty() ? t.name + "_" + (cols.empty() ? "" : cols[0]) + "_key" : name,
                       true,
                       false,
                       true,
                       {},
                       {},
                       "",
                       ""};
      for (auto& c : cols) ix.parts.push_back({c});
      t.indexes.push_back(ix);
    }
  } else if (Words(i, "FOREIGN KEY")) {
    if (IsName(i) && t_[i].text != "(") ++i;
    schema::ForeignKey fk;
    fk.name = name.empty() ? t.name + "_fkey" + std::to_string(t.foreign_keys.size()) : name;
    if (i < e && t_[i].text == "(") {
      fk.columns = NameList(i);
      i = MatchParen(i) + 1;
    }
    if (Words(i, "REFERENCES")) {
      auto qn259 = QualifiedName(i);
      std::string s = std::move(qn259.first), rt = std::move(qn259.second);
      fk.ref_schema = s;
      fk.ref_table = rt;
      if (i < e && t_[i].text == "(") fk.ref_columns = NameList(i);
    }
    fk.validated = !not_valid;
    t.foreign_keys.push_back(fk);
  } else if (Words(i, "CHECK")) {
    schema::Check ck{name.empty() ? t.name + "_check" + std::to_string(t.checks.size()) : name,
                     i < e && t_[i].text == "(" ? Text(i, MatchParen(i) + 1) : "", !not_valid};
    t.checks.push_back(ck);
  } else if (Words(i, "KEY") || Words(i, "INDEX")) {
    if (IsName(i) && t_[i].text != "(") name = Name(t_[i++]);
    if (i < e && t_[i].text == "(") {
      schema::Index ix{name, false, false, false, {}, {}, "", ""};
      for (auto& c : NameList(i)) ix.parts.push_back({c});
      t.indexes.push_back(ix);
    }
  }
}

bool IsConstraintStart(const Toks& t, size_t i) {
  for (auto w : {"CONSTRAINT", "PRIMARY KEY", "UNIQUE", "FOREIGN KEY", "CHECK", "KEY", "INDEX",
                 "FULLTEXT", "SPATIAL", "EXCLUDE"}) {
    if (MatchWords(t, i, w)) return true;
  }
  return false;
}

void Interp::CreateTable(size_t i) {
  SkipIfExists(i);
  auto qn290 = QualifiedName(i);
  std::string s = std::move(qn290.first), name = std::move(qn290.second);
  if (name.empty()) return;
  auto* sc = FindSchema(s);
  if (!sc) {
    realm_.schemas.push_back({s, {}, {}, {}, {}, ""});
    sc = &realm_.schemas.back();
  }
  if (FindTable(s, name)) return;
  schema::Table t;
  t.name = name;
  if (i < t_.size() && t_[i].text == "(") {
    for (auto [b, e] : Items(i + 1, MatchParen(i))) {
      if (IsConstraintStart(t_, b))
        Constraint(t, b, e);
      else if (!MatchWords(t_, b, "LIKE"))
        ColumnDef(t, b, e);
    }
  }
  sc->tables.push_back(std::move(t));
  SortTables(*sc);
}

void Interp::CreateIndex(size_t i, bool unique) {
  Words(i, "CONCURRENTLY");
  SkipIfExists(i);
  std::string name;
  if (IsName(i) && !MatchWords(t_, i, "ON")) name = Name(t_[i++]);
  if (!Words(i, "ON")) return;
  Words(i, "ONLY");
  auto qn319 = QualifiedName(i);
  std::string s = std::move(qn319.first), table = std::move(qn319.second);
  auto* t = FindTable(s, table);
  if (!t) return;
  schema::Index ix{name.empty() ? table + "_idx" : name, unique, false, false, {}, {}, "", ""};
  if (Words(i, "USING") && IsName(i)) ix.method = Name(t_[i++]);
  if (i < t_.size() && t_[i].text == "(") {
    size_t close = MatchParen(i);
    for (auto [b, e] : Items(i + 1, close)) {
      if (e == b + 1 && IsName(b))
        ix.parts.push_back({Name(t_[b])});
      else
        ix.parts.push_back({"", Text(b, e)});
    }
    i = close + 1;
  }
  if (Words(i, "WHERE")) ix.predicate = Text(i, t_.size());
  t->indexes.push_back(ix);
}

void Interp::DropIndex(size_t i) {
  Words(i, "CONCURRENTLY");
  SkipIfExists(i);
  auto qn341 = QualifiedName(i);
  std::string s = std::move(qn341.first), name = std::move(qn341.second);
  schema::Table* t = nullptr;
  if (Words(i, "ON")) {
    auto qn344 = QualifiedName(i);
    std::string ts = std::move(qn344.first), tn = std::move(qn344.second);
    t = FindTable(ts, tn);
  } else {
    t = TableOfIndex(s, name);
  }
  if (!t) return;
  std::erase_if(t->indexes, [&](const schema::Index& x) { return x.name == name; });
}

void Interp::AlterTable(size_t i) {
  SkipIfExists(i);
  Words(i, "ONLY");
  auto qn356 = QualifiedName(i);
  std::string s = std::move(qn356.first), name = std::move(qn356.second);
  schema::Table* t = FindTable(s, name);
  if (!t) return;
  for (auto [b, e] : Items(i, t_.size())) {
    size_t k = b;
    if (Words(k, "RENAME TO") || (dialect_ == sql::Dialect::kMySQL && Words(k, "RENAME AS"))) {
      if (k < e) t->name = QualifiedName(k).second;
      SortTables(*FindSchema(s));
      t = FindTable(s, t->name);
      if (!t) return;
    } else if (Words(k, "RENAME COLUMN") || Words(k, "RENAME")) {
      if (k + 2 < e + 1 && IsName(k) && MatchWords(t_, k + 1, "TO") && IsName(k + 2)) {
        std::string from = Name(t_[k]), to = Name(t_[k + 2]);
        for (auto& c : t->columns) {
          if (c.name == from) c.name = to;
        }
      }
    } else if (Words(k, "RENAME INDEX") || Words(k, "RENAME KEY")) {
      if (IsName(k) && MatchWords(t_, k + 1, "TO") && IsName(k + 2)) {
        for (auto& x : t->indexes) {
          if (x.name == Name(t_[k])) x.name = Name(t_[k + 2]);
        }
      }
    } else if (Words(k, "ADD")) {
      if (IsConstraintStart(t_, k)) {
        Constraint(*t, k, e);
      } else {
        Words(k, "COLUMN");
        SkipIfExists(k);
        ColumnDef(*t, k, e);
      }
    } else if (Words(k, "DROP CONSTRAINT") || Words(k, "DROP FOREIGN KEY") ||
               Words(k, "DROP CHECK")) {
      SkipIfExists(k);
      if (!IsName(k)) continue;
      std::string n = Name(t_[k]);
      std::erase_if(t->foreign_keys, [&](const auto& x) { return x.name == n; });
      std::erase_if(t->checks, [&](const auto& x) { return x.name == n; });
      std::erase_if(t->indexes, [&](const auto& x) { return x.name == n; });
      if (t->primary_key && t->primary_key->name == n) t->primary_key.reset();
    } else if (Words(k, "DROP PRIMARY KEY")) {
      t->primary_key.reset();
    } else if (Words(k, "DROP INDEX") || Words(k, "DROP KEY")) {
      if (IsName(k)) {
        std::string n = Name(t_[k]);
        std::erase_if(t->indexes, [&](const auto& x) { return x.name == n; });
      }
    } else if (Words(k, "DROP")) {
      Words(k, "COLUMN");
      SkipIfExists(k);
      if (!IsName(k)) continue;
      std::string n = Name(t_[k]);
      std::erase_if(t->columns, [&](const auto& c) { return c.name == n; });
      std::erase_if(t->indexes, [&](const schema::Index& x) {
        return std::any_of(x.parts.begin(), x.parts.end(),
                           [&](const auto& p) { return p.column == n; });
      });
      std::erase_if(t->foreign_keys, [&](const auto& f) {
        return std::find(f.columns.begin(), f.columns.end(), n) != f.columns.end();
      });
    } else if (Words(k, "ALTER")) {
      Words(k, "COLUMN");
      if (!IsName(k)) continue;
      std::string n = Name(t_[k++]);
      auto it = std::find_if(t->columns.begin(), t->columns.end(),
                             [&](const auto& c) { return c.name == n; });
      if (it == t->columns.end()) continue;
      if (Words(k, "SET NOT NULL"))
        it->nullable = false;
      else if (Words(k, "DROP NOT NULL"))
        it->nullable = true;
      else if (Words(k, "DROP DEFAULT"))
        it->default_value.reset();
      else if (Words(k, "SET DEFAULT"))
        it->default_value = Text(k, e);
      else if (Words(k, "SET DATA TYPE") || Words(k, "TYPE")) {
        size_t end = k;
        while (end < e && !MatchWords(t_, end, "USING") && !MatchWords(t_, end, "COLLATE")) ++end;
        it->type = Text(k, end);
      }
    } else if (Words(k, "MODIFY")) {
      Words(k, "COLUMN");
      ColumnDef(*t, k, e, true);
    } else if (Words(k, "CHANGE")) {
      Words(k, "COLUMN");
      if (!IsName(k)) continue;
      std::string old = Name(t_[k++]);
      ColumnDef(*t, k, e, true, old);
    } else if (Words(k, "VALIDATE CONSTRAINT") && IsName(k)) {
      std::string n = Name(t_[k]);
      for (auto& f : t->foreign_keys) f.validated |= f.name == n;
      for (auto& c : t->checks) c.validated |= c.name == n;
    }
  }
}

void Interp::Apply(std::string_view stmt) {
  t_ = sql::Tokenize(stmt, dialect_);
  size_t i = 0;
  if (Words(i, "CREATE SCHEMA") || Words(i, "CREATE DATABASE")) {
    SkipIfExists(i);
    if (IsName(i) && !FindSchema(Name(t_[i])))
      realm_.schemas.push_back({Name(t_[i]), {}, {}, {}, {}, ""});
    std::sort(realm_.schemas.begin(), realm_.schemas.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
  } else if (Words(i, "DROP SCHEMA") || Words(i, "DROP DATABASE")) {
    SkipIfExists(i);
    if (IsName(i)) {
      std::string n = Name(t_[i]);
      std::erase_if(realm_.schemas, [&](const auto& s) { return s.name == n; });
    }
  } else if (Words(i, "CREATE TABLE") || Words(i, "CREATE UNLOGGED TABLE") ||
             Words(i, "CREATE TEMPORARY TABLE")) {
    CreateTable(i);
  } else if (Words(i, "DROP TABLE")) {
    SkipIfExists(i);
    while (i < t_.size() && IsName(i)) {
      auto qn473 = QualifiedName(i);
      std::string s = std::move(qn473.first), n = std::move(qn473.second);
      if (auto* sc = FindSchema(s))
        std::erase_if(sc->tables, [&](const auto& t) { return t.name == n; });
      if (i < t_.size() && t_[i].text == ",")
        ++i;
      else
        break;
    }
  } else if (Words(i, "ALTER TABLE")) {
    AlterTable(i);
  } else if (Words(i, "RENAME TABLE")) {
    for (auto [b, e] : Items(i, t_.size())) {
      size_t k = b;
      auto qn486 = QualifiedName(k);
      std::string s = std::move(qn486.first), from = std::move(qn486.second);
      if (!Words(k, "TO")) continue;
      auto qn488 = QualifiedName(k);
      std::string s2 = std::move(qn488.first), to = std::move(qn488.second);
      if (auto* t = FindTable(s, from)) t->name = to;
      if (auto* sc = FindSchema(s)) SortTables(*sc);
    }
  } else if (Words(i, "CREATE UNIQUE INDEX")) {
    CreateIndex(i, true);
  } else if (Words(i, "CREATE INDEX")) {
    CreateIndex(i, false);
  } else if (Words(i, "DROP INDEX")) {
    DropIndex(i);
  } else if (Words(i, "ALTER INDEX")) {
    SkipIfExists(i);
    auto qn500 = QualifiedName(i);
    std::string s = std::move(qn500.first), n = std::move(qn500.second);
    if (Words(i, "RENAME TO") && IsName(i)) {
      if (auto* t = TableOfIndex(s, n)) {
        for (auto& x : t->indexes) {
          if (x.name == n) x.name = Name(t_[i]);
        }
      }
    }
  } else if (Words(i, "CREATE VIEW") || Words(i, "CREATE OR REPLACE VIEW") ||
             Words(i, "CREATE MATERIALIZED VIEW")) {
    SkipIfExists(i);
    auto qn511 = QualifiedName(i);
    std::string s = std::move(qn511.first), n = std::move(qn511.second);
    if (auto* sc = FindSchema(s)) {
      std::erase_if(sc->views, [&](const auto& v) { return v.name == n; });
      sc->views.push_back({n, "", false});
    }
  } else if (Words(i, "DROP VIEW") || Words(i, "DROP MATERIALIZED VIEW")) {
    SkipIfExists(i);
    auto qn518 = QualifiedName(i);
    std::string s = std::move(qn518.first), n = std::move(qn518.second);
    if (auto* sc = FindSchema(s))
      std::erase_if(sc->views, [&](const auto& v) { return v.name == n; });
  }
}

class StaticReplayer final : public Replayer {
 public:
  explicit StaticReplayer(sql::Dialect d) : dialect_(d), interp_(d) {}

  Result<void> ReplayBase(const std::vector<dir::Migration>& base) override {
    for (const auto& m : base) {
      sql::SplitOptions opts;
      opts.base = {m.up.offset, m.up.line, m.up.column};
      auto split = sql::Split(m.up.text, dialect_, opts);
      if (!split) continue;  // a broken merged file is not this change's finding
      for (const auto& s : split->statements) interp_.Apply(s.text);
    }
    return Ok();
  }

  Result<ReplayedFile> ReplayFile(const dir::Migration&, const std::vector<sql::Statement>& stmts,
                                  bool) override {
    ReplayedFile out;
    out.states.push_back(interp_.realm());
    for (const auto& s : stmts) {
      interp_.Apply(s.text);
      schema::DiffOptions opts;
      opts.statement = s.text;
      out.changes.push_back(schema::Diff(out.states.back(), interp_.realm(), opts));
      out.states.push_back(interp_.realm());
    }
    return out;
  }

  devdb::ServerVersion Server() const override {
    devdb::ServerVersion v;
    v.flavor =
        dialect_ == sql::Dialect::kPostgres ? devdb::Flavor::kPostgres : devdb::Flavor::kMySQL;
    return v;
  }

  std::vector<std::string> SkippedChecks() const override {
    return {"statement execution (SB106)",
            "server-normalised types and defaults (PG301, PG302, MY101 are approximate)",
            "effects of functions, DO blocks and dynamic SQL"};
  }

 private:
  sql::Dialect dialect_;
  Interp interp_;
};

}  // namespace

std::unique_ptr<Replayer> NewStaticReplayer(sql::Dialect dialect) {
  return std::make_unique<StaticReplayer>(dialect);
}

}  // namespace schemabot::lint
