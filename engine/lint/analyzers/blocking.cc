// blocking (PostgreSQL): table changes that rewrite or scan the whole table under an
// ACCESS EXCLUSIVE lock.
#include <cctype>
#include <regex>

#include "engine/lint/analyzers/analyzers.h"

namespace schemabot::lint {
namespace {

using schema::ChangeKind;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "character varying(20)" -> {"character varying", "20"}; "text" -> {"text", ""}.
std::pair<std::string, std::string> SplitType(std::string_view type) {
  std::string t = Lower(type);
  auto p = t.find('(');
  if (p == std::string::npos) return {t, ""};
  auto q = t.find(')', p);
  return {t.substr(0, p), t.substr(p + 1, q == std::string::npos ? std::string::npos : q - p - 1)};
}

// Type changes PostgreSQL makes without a rewrite (binary coercible, or widening).
bool RewriteFree(std::string_view from, std::string_view to) {
  auto [fb, fa] = SplitType(from);
  auto [tb, ta] = SplitType(to);
  auto widen = [](const std::string& a, const std::string& b) {
    if (b.empty()) return true;  // unbounded
    if (a.empty()) return false;
    try {
      return std::stoi(b) >= std::stoi(a);
    } catch (...) {
      return false;
    }
  };
  bool varchar_from = fb == "character varying" || fb == "varchar";
  bool varchar_to = tb == "character varying" || tb == "varchar";
  if (varchar_from && varchar_to) return widen(fa, ta);
  if (varchar_from && tb == "text") return true;
  if (fb == "text" && varchar_to && ta.empty()) return true;
  if (fb == "bit varying" && tb == "bit varying") return widen(fa, ta);
  if (fb == "cidr" && tb == "inet") return true;
  if (fb == "numeric" && tb == "numeric") {
    if (ta.empty()) return true;
    auto fc = fa.find(','), tc = ta.find(',');
    std::string fs = fc == std::string::npos ? "0" : fa.substr(fc + 1);
    std::string ts = tc == std::string::npos ? "0" : ta.substr(tc + 1);
    return !fa.empty() && fs == ts && widen(fa.substr(0, fc), ta.substr(0, tc));
  }
  return false;
}

// Defaults evaluated per row force PostgreSQL 11+ to rewrite the table when the column is
// added; constants and stable functions such as now() do not.
bool VolatileDefault(std::string_view expr) {
  static const std::regex kVolatile(
      R"re(\b(random|clock_timestamp|timeofday|gen_random_uuid|uuid_generate_v[14]|nextval|txid_current|statement_timestamp|setseed)\s*\()re",
      std::regex::icase);
  return std::regex_search(expr.begin(), expr.end(), kVolatile);
}

class Blocking final : public Analyzer {
 public:
  std::string_view Name() const override { return "blocking"; }

  void Analyze(const Pass& pass, Reporter& out) const override {
    for (const auto& sc : pass.changes) {
      for (const auto& c : sc.changes) {
        auto table = c.kind == ChangeKind::kModifyTable ? TableOf(c) : std::string_view(c.table);
        if (pass.TableCreated(c.schema, table)) continue;
        switch (c.kind) {
          case ChangeKind::kModifyColumn:
            ModifyColumn(pass, sc, c, out);
            break;
          case ChangeKind::kAddColumn:
            AddColumn(sc, c, out);
            break;
          case ChangeKind::kModifyTable:
            if (c.Has(schema::kChangePrimaryKey)) PrimaryKey(sc, c, out);
            break;
          case ChangeKind::kAddCheck: {
            const auto* t = FindTable(sc.after, c.schema, c.table);
            for (const auto& k : t ? t->checks : std::vector<schema::Check>{}) {
              if (k.name == c.name && k.validated) {
                out.Report({"PG305",
                            sc.index,
                            "Adding CHECK constraint " + Quote(c.name) + " on table " +
                                Quote(c.table) +
                                " scans the whole table under an ACCESS EXCLUSIVE lock",
                            {{"Add the constraint NOT VALID, then VALIDATE CONSTRAINT in a "
                              "separate statement",
                              std::nullopt}}});
              }
            }
            break;
          }
          case ChangeKind::kAddForeignKey: {
            const auto* t = FindTable(sc.after, c.schema, c.table);
            for (const auto& fk : t ? t->foreign_keys : std::vector<schema::ForeignKey>{}) {
              if (fk.name == c.name && fk.validated) {
                out.Report({"PG306",
                            sc.index,
                            "Adding FOREIGN KEY constraint " + Quote(c.name) + " on table " +
                                Quote(c.table) + " scans the whole table and blocks writes on " +
                                Quote(c.table) + " and " + Quote(fk.ref_table),
                            {{"Add the constraint NOT VALID, then VALIDATE CONSTRAINT in a "
                              "separate statement",
                              std::nullopt}}});
              }
            }
            break;
          }
          default:
            break;
        }
      }
    }
  }

 private:
  static void ModifyColumn(const Pass& pass, const StatementChange& sc, const schema::Change& c,
                           Reporter& out) {
    if (pass.ColumnCreated(c.schema, c.table, c.name)) return;
    const auto* bt = FindTable(sc.before, c.schema, c.table);
    const auto* at = FindTable(sc.after, c.schema, c.table);
    const auto* bc = bt ? bt->FindColumn(c.name) : nullptr;
    const auto* ac = at ? at->FindColumn(c.name) : nullptr;
    if (!bc || !ac) return;
    if (c.Has(schema::kChangeType) && bc->type != ac->type && !RewriteFree(bc->type, ac->type)) {
      out.Report({"PG301",
                  sc.index,
                  "Changing the type of column " + Quote(c.name) + " from " + Quote(bc->type) +
                      " to " + Quote(ac->type) + " requires a rewrite of table " + Quote(c.table) +
                      " and its indexes",
                  {{"Add a new column of the new type, back-fill it in batches and switch over",
                    std::nullopt}}});
    }
    if (c.Has(schema::kChangeNull) && bc->nullable && !ac->nullable &&
        !HasNotNullCheck(*bt, c.name)) {
      out.Report({"PG303",
                  sc.index,
                  "Setting column " + Quote(c.name) + " to NOT NULL scans the whole table " +
                      Quote(c.table) + " under an ACCESS EXCLUSIVE lock",
                  {{"Add CHECK (" + c.name +
                        " IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT "
                        "NULL",
                    std::nullopt}}});
    }
  }

  static void AddColumn(const StatementChange& sc, const schema::Change& c, Reporter& out) {
    const auto* t = FindTable(sc.after, c.schema, c.table);
    const auto* col = t ? t->FindColumn(c.name) : nullptr;
    if (!col) return;
    std::string why;
    if (col->default_value && VolatileDefault(*col->default_value)) {
      why = "with volatile DEFAULT value " + Quote(*col->default_value);
    } else if (!col->identity.empty()) {
      why = "as an identity column";
    } else if (!col->generated.empty() && col->generated_stored) {
      why = "as a stored generated column";
    }
    if (why.empty()) return;
    out.Report({"PG302",
                sc.index,
                "Adding column " + Quote(c.name) + " " + why + " requires a rewrite of table " +
                    Quote(c.table),
                {{"Add the column without the default, set the default separately and back-fill "
                  "in batches",
                  std::nullopt}}});
  }

  static void PrimaryKey(const StatementChange& sc, const schema::Change& c, Reporter& out) {
    auto table = TableOf(c);
    const auto* bt = FindTable(sc.before, c.schema, table);
    const auto* at = FindTable(sc.after, c.schema, table);
    if (!bt || !at || !at->primary_key) return;
    std::vector<std::string> nullable;
    for (const auto& p : at->primary_key->parts) {
      const auto* col = bt->FindColumn(p.column);
      if (col && col->nullable) nullable.push_back(p.column);
    }
    if (nullable.empty()) return;
    out.Report({"PG304",
                sc.index,
                std::string("Adding a PRIMARY KEY on nullable ") +
                    (nullable.size() == 1 ? "column " : "columns ") + QuoteList(nullable) +
                    " of table " + Quote(table) +
                    " sets them NOT NULL, which requires a full table scan",
                {}});
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewBlocking() { return std::make_unique<Blocking>(); }

}  // namespace schemabot::lint
