// PostgreSQL inspection: one catalog query per object kind for all schemas at once.
#include <algorithm>
#include <map>
#include <string>

#include "engine/schema/inspect_internal.h"
#include "engine/schema/schema.h"

namespace schemabot::schema {
namespace {

using devdb::Rows;

// The schemas to inspect, as a SQL condition on a pg_namespace alias `n`.
std::string NamespaceFilter(const InspectOptions& o, devdb::Engine e) {
  if (o.schemas.empty()) {
    return "n.nspname NOT IN ('information_schema', 'pg_catalog', 'pg_toast') AND "
           "n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'";
  }
  std::string list;
  for (const auto& s : o.schemas) list += (list.empty() ? "" : ", ") + devdb::QuoteLiteral(e, s);
  return "n.nspname IN (" + list + ")";
}

const char kSchemas[] = "SELECT n.nspname FROM pg_namespace n WHERE %s ORDER BY 1";

const char kColumns[] = R"(
SELECT n.nspname, c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod),
       a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attgenerated, a.attidentity,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
       cd.description, td.description
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_description cd ON cd.objoid = c.oid AND cd.classoid = 'pg_class'::regclass
     AND cd.objsubid = a.attnum
LEFT JOIN pg_description td ON td.objoid = c.oid AND td.classoid = 'pg_class'::regclass
     AND td.objsubid = 0
WHERE c.relkind IN ('r', 'p') AND %s%c
ORDER BY 1, 2, a.attnum)";

const char kIndexes[] = R"(
SELECT n.nspname, t.relname, ic.relname, x.indisunique, x.indisprimary, am.amname,
       pg_get_expr(x.indpred, x.indrelid, true), con.oid IS NOT NULL,
       k.i > x.indnkeyatts, x.indkey[k.i - 1] <> 0, pg_get_indexdef(x.indexrelid, k.i, true),
       (x.indoption[k.i - 1] & 1) = 1
FROM pg_index x
JOIN pg_class ic ON ic.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = ic.relam
LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid
     AND con.contype IN ('p', 'u', 'x')
CROSS JOIN LATERAL generate_series(1, x.indnatts) AS k(i)
WHERE t.relkind IN ('r', 'p') AND %s%t
ORDER BY 1, 2, 3, k.i)";

const char kForeignKeys[] = R"(
SELECT n.nspname, t.relname, c.conname, rn.nspname, rt.relname, c.confupdtype, c.confdeltype,
       (SELECT string_agg(a.attname, chr(1) ORDER BY k.ord)
          FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
       (SELECT string_agg(a.attname, chr(1) ORDER BY k.ord)
          FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum),
       c.convalidated
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_class rt ON rt.oid = c.confrelid
JOIN pg_namespace rn ON rn.oid = rt.relnamespace
WHERE c.contype = 'f' AND %s%t
ORDER BY 1, 2, 3)";

const char kChecks[] = R"(
SELECT n.nspname, t.relname, c.conname, pg_get_expr(c.conbin, c.conrelid, true), c.convalidated
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE c.contype = 'c' AND %s%t
ORDER BY 1, 2, 3)";

const char kViews[] = R"(
SELECT n.nspname, c.relname, c.relkind = 'm', pg_get_viewdef(c.oid, true)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND %s
ORDER BY 1, 2)";

// Sequences, except those behind identity columns (dependency type 'i').
const char kSequences[] = R"(
SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
       (SELECT t.relname || '.' || a.attname FROM pg_depend d
          JOIN pg_class t ON t.oid = d.refobjid
          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a' LIMIT 1)
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE %s AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                         AND d.objid = c.oid AND d.deptype = 'i')
ORDER BY 1, 2)";

const char kEnums[] = R"(
SELECT n.nspname, t.typname, string_agg(e.enumlabel, chr(1) ORDER BY e.enumsortorder)
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE %s
GROUP BY 1, 2
ORDER BY 1, 2)";

const char kTableNames[] = R"(
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND %s)";

// The scope of a partial inspection, on the table alias `a`: the tables named in $1
// (names separated by chr(1)), their partitions and inheritance children. One text for
// every scope, so the prepared plan is reused; ARRAY(...) makes it a filter evaluated
// once, which the planner applies to the table scan (an IN (subquery) became a semi-join
// after every column of every table had been joined). Generic plans need
// plan_cache_mode = force_generic_plan (lint::SchemaTracker sets it): custom plans cost
// ~3.5 ms of planning per query, the generic one runs in ~0.3 ms.
std::string ScopeCondition(char a) {
  return std::string(" AND ") + a +
         ".oid = ANY (ARRAY(WITH RECURSIVE s(oid) AS (SELECT oid FROM pg_class WHERE relkind "
         "IN ('r', 'p') AND relname = ANY (string_to_array($1, chr(1))) UNION SELECT "
         "i.inhrelid FROM pg_inherits i JOIN s ON i.inhparent = s.oid) SELECT oid FROM s))";
}

// The template with %s replaced by `filter` and %c / %t by the scope condition on the
// alias c / t (nothing when `scoped` is false).
std::string Fill(const char* tmpl, const std::string& filter, bool scoped) {
  std::string s = tmpl;
  for (char a : {'c', 't'}) {
    size_t p = s.find(std::string("%") + a);
    if (p != std::string::npos) s.replace(p, 2, scoped ? ScopeCondition(a) : "");
  }
  s.replace(s.find("%s"), 2, filter);
  return s;
}

const std::string& V(const std::vector<std::optional<std::string>>& row, size_t i) {
  static const std::string empty;
  return row[i] ? *row[i] : empty;
}
bool B(const std::vector<std::optional<std::string>>& row, size_t i) { return V(row, i) == "t"; }

std::vector<std::string> SplitOn1(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t p = s.find('\x01', start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

std::string FkAction(const std::string& c) {
  if (c == "c") return "CASCADE";
  if (c == "n") return "SET NULL";
  if (c == "d") return "SET DEFAULT";
  if (c == "r") return "RESTRICT";
  return "NO ACTION";
}

}  // namespace

Result<TableNames> ListTablesPostgres(devdb::Driver& d, const InspectOptions& o) {
  auto r = d.QueryPrepared(Fill(kTableNames, NamespaceFilter(o, devdb::Engine::kPostgres), false));
  if (!r) return std::move(r).error().Wrap("inspecting table names");
  TableNames out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) out.emplace_back(V(row, 0), V(row, 1));
  return out;
}

Result<Realm> InspectPostgres(devdb::Driver& d, const InspectOptions& o,
                              const std::vector<std::string>* only) {
  const std::string filter = NamespaceFilter(o, devdb::Engine::kPostgres);
  std::vector<std::string> params;
  if (only) {
    std::string names;
    for (const auto& n : *only) names += (names.empty() ? "" : "\x01") + n;
    params.push_back(std::move(names));
  }
  RealmBuilder b;
  auto q = [&](const char* tmpl, const char* what) -> Result<Rows> {
    std::string sql = Fill(tmpl, filter, only != nullptr);
    const bool uses_scope = only && sql.find("$1") != std::string::npos;
    auto r = uses_scope ? d.QueryParams(sql, params) : d.QueryPrepared(sql);
    if (!r) return std::move(r).error().Wrap(std::string("inspecting ") + what);
    return r;
  };
  SB_TRY_ASSIGN(Rows schemas, q(kSchemas, "schemas"));
  for (const auto& r : schemas.rows) b.GetSchema(V(r, 0));

  SB_TRY_ASSIGN(Rows cols, q(kColumns, "columns"));
  for (const auto& r : cols.rows) {
    Table& t = b.GetTable(V(r, 0), V(r, 1));
    t.partitioned = V(r, 2) == "p";
    t.comment = V(r, 11);
    if (!r[3]) continue;  // a table without columns
    Column c;
    c.name = V(r, 3);
    c.type = V(r, 4);
    c.nullable = !B(r, 5);
    const std::string& gen = V(r, 7);
    if (!gen.empty()) {
      c.generated = V(r, 6);
      c.generated_stored = gen == "s";
    } else if (r[6]) {
      c.default_value = V(r, 6);
    }
    const std::string& ident = V(r, 8);
    c.identity = ident == "a" ? "always" : ident == "d" ? "by default" : "";
    c.collation = V(r, 9);
    c.comment = V(r, 10);
    t.columns.push_back(std::move(c));
  }

  SB_TRY_ASSIGN(Rows idx, q(kIndexes, "indexes"));
  Index* cur = nullptr;
  std::string cur_key;
  std::vector<std::pair<Table*, Index>> built;
  for (const auto& r : idx.rows) {
    std::string key = V(r, 0) + '\0' + V(r, 1) + '\0' + V(r, 2);
    if (key != cur_key) {
      cur_key = key;
      Index i;
      i.name = V(r, 2);
      i.unique = B(r, 3);
      i.primary = B(r, 4);
      i.method = V(r, 5);
      i.predicate = V(r, 6);
      i.constraint = B(r, 7);
      built.emplace_back(&b.GetTable(V(r, 0), V(r, 1)), std::move(i));
      cur = &built.back().second;
    }
    if (B(r, 8)) {
      cur->include.push_back(V(r, 10));
      continue;
    }
    IndexPart p;
    if (B(r, 9)) {
      p.column = V(r, 10);
      if (p.column.size() > 1 && p.column.front() == '"') p.column = Unquote(p.column);
    } else {
      p.expr = V(r, 10);
    }
    p.desc = B(r, 11);
    cur->parts.push_back(std::move(p));
  }
  for (auto& [t, i] : built) {
    if (i.primary) {
      t->primary_key = std::move(i);
    } else {
      t->indexes.push_back(std::move(i));
    }
  }

  SB_TRY_ASSIGN(Rows fks, q(kForeignKeys, "foreign keys"));
  for (const auto& r : fks.rows) {
    ForeignKey fk;
    fk.name = V(r, 2);
    fk.ref_schema = V(r, 3);
    fk.ref_table = V(r, 4);
    fk.on_update = FkAction(V(r, 5));
    fk.on_delete = FkAction(V(r, 6));
    fk.columns = SplitOn1(V(r, 7));
    fk.ref_columns = SplitOn1(V(r, 8));
    fk.validated = B(r, 9);
    b.GetTable(V(r, 0), V(r, 1)).foreign_keys.push_back(std::move(fk));
  }

  SB_TRY_ASSIGN(Rows checks, q(kChecks, "checks"));
  for (const auto& r : checks.rows) {
    b.GetTable(V(r, 0), V(r, 1)).checks.push_back(Check{V(r, 2), V(r, 3), B(r, 4)});
  }

  SB_TRY_ASSIGN(Rows views, q(kViews, "views"));
  for (const auto& r : views.rows) {
    b.GetSchema(V(r, 0)).views.push_back(View{V(r, 1), V(r, 3), B(r, 2)});
  }

  SB_TRY_ASSIGN(Rows seqs, q(kSequences, "sequences"));
  for (const auto& r : seqs.rows) {
    Sequence s;
    s.name = V(r, 1);
    s.type = V(r, 2);
    s.start = std::atoll(V(r, 3).c_str());
    s.increment = std::atoll(V(r, 4).c_str());
    s.owned_by = V(r, 5);
    b.GetSchema(V(r, 0)).sequences.push_back(std::move(s));
  }

  SB_TRY_ASSIGN(Rows enums, q(kEnums, "enum types"));
  for (const auto& r : enums.rows) {
    b.GetSchema(V(r, 0)).enums.push_back(EnumType{V(r, 1), SplitOn1(V(r, 2))});
  }
  return b.Finish();
}

}  // namespace schemabot::schema
