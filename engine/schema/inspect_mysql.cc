// MySQL / MariaDB inspection from information_schema, one query per object kind.
#include <map>
#include <string>

#include "engine/schema/inspect_internal.h"
#include "engine/schema/schema.h"

namespace schemabot::schema {
namespace {

using devdb::Rows;
using Row = std::vector<std::optional<std::string>>;

const std::string& V(const Row& row, size_t i) {
  static const std::string empty;
  return row[i] ? *row[i] : empty;
}

std::string Filter(const InspectOptions& o, const char* column) {
  if (o.schemas.empty()) return std::string(column) + " = DATABASE()";
  std::string list;
  for (const auto& s : o.schemas) {
    list += (list.empty() ? "" : ", ") + devdb::QuoteLiteral(devdb::Engine::kMySQL, s);
  }
  return std::string(column) + " IN (" + list + ")";
}

// enum('a','b''c') -> {"a", "b'c"}.
std::vector<std::string> EnumMembers(const std::string& type, bool* is_set) {
  std::vector<std::string> out;
  bool is_enum = type.rfind("enum(", 0) == 0;
  *is_set = type.rfind("set(", 0) == 0;
  if (!is_enum && !*is_set) return out;
  std::string cur;
  bool in = false;
  for (size_t i = type.find('(') + 1; i < type.size(); ++i) {
    char c = type[i];
    if (!in) {
      if (c == '\'') in = true;
      continue;
    }
    if (c == '\\' && i + 1 < type.size()) {
      cur += type[++i];
    } else if (c == '\'' && i + 1 < type.size() && type[i + 1] == '\'') {
      cur += '\'';
      ++i;
    } else if (c == '\'') {
      out.push_back(cur);
      cur.clear();
      in = false;
    } else {
      cur += c;
    }
  }
  return out;
}

// " AND column IN (names)" for a partial inspection, "" for a full one.
std::string Only(const std::vector<std::string>* only, const char* column) {
  if (!only) return "";
  if (only->empty()) return " AND 1 = 0";
  std::string list;
  for (const auto& n : *only) {
    list += (list.empty() ? "" : ", ") + devdb::QuoteLiteral(devdb::Engine::kMySQL, n);
  }
  return std::string(" AND ") + column + " IN (" + list + ")";
}

}  // namespace

Result<TableNames> ListTablesMySQL(devdb::Driver& d, const InspectOptions& o) {
  auto r = d.Query(
      "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE "
      "TABLE_TYPE = 'BASE TABLE' AND " +
      Filter(o, "TABLE_SCHEMA"));
  if (!r) return std::move(r).error().Wrap("inspecting table names");
  TableNames out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) out.emplace_back(V(row, 0), V(row, 1));
  return out;
}

Result<Realm> InspectMySQL(devdb::Driver& d, const InspectOptions& o,
                           const std::vector<std::string>* only) {
  const bool mysql8 = d.version().flavor == devdb::Flavor::kMySQL && d.version().major >= 8;
  RealmBuilder b;
  auto q = [&](const std::string& sql, const char* what) -> Result<Rows> {
    auto r = d.Query(sql);
    if (!r) return std::move(r).error().Wrap(std::string("inspecting ") + what);
    return r;
  };
  SB_TRY_ASSIGN(Rows schemas, q("SELECT SCHEMA_NAME, DEFAULT_COLLATION_NAME FROM "
                                "information_schema.SCHEMATA WHERE " +
                                    Filter(o, "SCHEMA_NAME") + " ORDER BY 1",
                                "schemas"));
  for (const auto& r : schemas.rows) b.GetSchema(V(r, 0)).collation = V(r, 1);

  SB_TRY_ASSIGN(Rows tables,
                q("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_COLLATION, TABLE_COMMENT "
                  "FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' "
                  "AND " +
                      Filter(o, "TABLE_SCHEMA") + Only(only, "TABLE_NAME") + " ORDER BY 1, 2",
                  "tables"));
  std::map<std::pair<std::string, std::string>, std::string> table_collation;
  for (const auto& r : tables.rows) {
    b.GetTable(V(r, 0), V(r, 1)).comment = V(r, 3);
    table_collation[{V(r, 0), V(r, 1)}] = V(r, 2);
  }

  SB_TRY_ASSIGN(Rows cols,
                q("SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE, "
                  "c.IS_NULLABLE, c.COLUMN_DEFAULT, c.EXTRA, c.COLLATION_NAME, "
                  "c.GENERATION_EXPRESSION, c.COLUMN_COMMENT FROM information_schema.COLUMNS c "
                  "JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND "
                  "t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE' WHERE " +
                      Filter(o, "c.TABLE_SCHEMA") + Only(only, "c.TABLE_NAME") +
                      " ORDER BY 1, 2, c.ORDINAL_POSITION",
                  "columns"));
  for (const auto& r : cols.rows) {
    Table& t = b.GetTable(V(r, 0), V(r, 1));
    Column c;
    c.name = V(r, 2);
    c.type = V(r, 3);
    c.nullable = V(r, 4) == "YES";
    const std::string& extra = V(r, 6);
    const std::string& gen = V(r, 8);
    if (!gen.empty()) {
      c.generated = gen;
      c.generated_stored = extra.find("STORED") != std::string::npos ||
                           extra.find("PERSISTENT") != std::string::npos;
    } else if (r[5] && *r[5] != "NULL") {  // MariaDB prints "NULL" for no default
      c.default_value = *r[5];
    }
    if (extra.find("auto_increment") != std::string::npos) c.identity = "auto_increment";
    if (r[7] && *r[7] != table_collation[{V(r, 0), V(r, 1)}]) c.collation = *r[7];
    c.comment = V(r, 9);
    c.enum_values = EnumMembers(c.type, &c.is_set);
    t.columns.push_back(std::move(c));
  }

  SB_TRY_ASSIGN(Rows idx,
                q(std::string("SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, "
                              "COLUMN_NAME, SUB_PART, INDEX_TYPE, COLLATION, ") +
                      (mysql8 ? "EXPRESSION" : "NULL") +
                      " FROM information_schema.STATISTICS WHERE " + Filter(o, "TABLE_SCHEMA") +
                      Only(only, "TABLE_NAME") + " ORDER BY 1, 2, 3, SEQ_IN_INDEX",
                  "indexes"));
  std::string cur_key;
  std::vector<std::pair<Table*, Index>> built;
  for (const auto& r : idx.rows) {
    std::string key = V(r, 0) + '\0' + V(r, 1) + '\0' + V(r, 2);
    if (key != cur_key) {
      cur_key = key;
      Index i;
      i.name = V(r, 2);
      i.primary = i.name == "PRIMARY";
      i.unique = V(r, 3) == "0";
      i.method = V(r, 6);
      built.emplace_back(&b.GetTable(V(r, 0), V(r, 1)), std::move(i));
    }
    IndexPart p;
    p.column = V(r, 4);
    p.prefix = r[5] ? std::atoi(r[5]->c_str()) : 0;
    p.desc = V(r, 7) == "D";
    p.expr = V(r, 8);
    built.back().second.parts.push_back(std::move(p));
  }
  for (auto& [t, i] : built) {
    if (i.primary) {
      t->primary_key = std::move(i);
    } else {
      t->indexes.push_back(std::move(i));
    }
  }

  SB_TRY_ASSIGN(
      Rows fks,
      q("SELECT k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, "
        "k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, "
        "r.UPDATE_RULE, r.DELETE_RULE FROM information_schema.KEY_COLUMN_USAGE k "
        "JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = "
        "k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = "
        "k.TABLE_NAME WHERE k.REFERENCED_TABLE_NAME IS NOT NULL AND " +
            Filter(o, "k.TABLE_SCHEMA") + Only(only, "k.TABLE_NAME") +
            " ORDER BY 1, 2, 3, k.ORDINAL_POSITION",
        "foreign keys"));
  cur_key.clear();
  ForeignKey* fk = nullptr;
  for (const auto& r : fks.rows) {
    std::string key = V(r, 0) + '\0' + V(r, 1) + '\0' + V(r, 2);
    if (key != cur_key) {
      cur_key = key;
      Table& t = b.GetTable(V(r, 0), V(r, 1));
      fk = &t.foreign_keys.emplace_back();
      fk->name = V(r, 2);
      fk->ref_schema = V(r, 4);
      fk->ref_table = V(r, 5);
      fk->on_update = V(r, 7);
      fk->on_delete = V(r, 8);
    }
    fk->columns.push_back(V(r, 3));
    fk->ref_columns.push_back(V(r, 6));
  }

  std::string checks_sql =
      mysql8 || d.version().flavor == devdb::Flavor::kMySQL
          ? "SELECT tc.TABLE_SCHEMA, tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE FROM "
            "information_schema.CHECK_CONSTRAINTS cc JOIN information_schema.TABLE_CONSTRAINTS "
            "tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = "
            "cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK' WHERE " +
                Filter(o, "tc.TABLE_SCHEMA") + Only(only, "tc.TABLE_NAME") + " ORDER BY 1, 2, 3"
          : "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM "
            "information_schema.CHECK_CONSTRAINTS WHERE " +
                Filter(o, "CONSTRAINT_SCHEMA") + Only(only, "TABLE_NAME") + " ORDER BY 1, 2, 3";
  SB_TRY_ASSIGN(Rows checks, q(checks_sql, "checks"));
  for (const auto& r : checks.rows) {
    b.GetTable(V(r, 0), V(r, 1)).checks.push_back(Check{V(r, 2), V(r, 3), true});
  }

  SB_TRY_ASSIGN(Rows views, q("SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION FROM "
                              "information_schema.VIEWS WHERE " +
                                  Filter(o, "TABLE_SCHEMA") + " ORDER BY 1, 2",
                              "views"));
  for (const auto& r : views.rows) {
    b.GetSchema(V(r, 0)).views.push_back(View{V(r, 1), V(r, 2), false});
  }
  return b.Finish();
}

}  // namespace schemabot::schema
