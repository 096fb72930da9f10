// Diff of two inspected realms into Changes, with renames taken from the statement.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>

#include "engine/schema/schema.h"

namespace schemabot::schema {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Whether `name` occurs in the (lowercased) statement as a whole identifier.
bool Mentions(const std::string& lower_stmt, std::string_view name) {
  std::string n = Lower(name);
  if (n.empty()) return false;
  for (size_t p = lower_stmt.find(n); p != std::string::npos; p = lower_stmt.find(n, p + 1)) {
    bool left = p == 0 || !IsIdentChar(lower_stmt[p - 1]);
    size_t end = p + n.size();
    bool right = end >= lower_stmt.size() || !IsIdentChar(lower_stmt[end]);
    if (left && right) return true;
  }
  return false;
}

// Statement facts that decide whether drop+add pairs may be renames.
struct RenameHints {
  std::string stmt;  // lowercased
  bool renames = false;
  explicit RenameHints(std::string_view s) : stmt(Lower(s)) {
    renames = Mentions(stmt, "rename") || Mentions(stmt, "change");
  }
  bool Pair(std::string_view from, std::string_view to) const {
    return renames && Mentions(stmt, from) && Mentions(stmt, to);
  }
};

template <typename T>
std::map<std::string, const T*> ByName(const std::vector<T>& v) {
  std::map<std::string, const T*> m;
  for (const auto& x : v) m[x.name] = &x;
  return m;
}

// Names dropped and added between two lists, and the renames among them.
template <typename T>
struct Matched {
  std::vector<std::pair<const T*, const T*>> both;  // same object (possibly renamed)
  std::vector<std::pair<const T*, const T*>> renamed;
  std::vector<const T*> dropped, added;
};

template <typename T>
Matched<T> Match(const std::vector<T>& before, const std::vector<T>& after,
                 const RenameHints& hints) {
  Matched<T> m;
  auto b = ByName(before), a = ByName(after);
  for (const auto& x : before) {
    auto it = a.find(x.name);
    if (it != a.end()) {
      m.both.emplace_back(&x, it->second);
    } else {
      m.dropped.push_back(&x);
    }
  }
  for (const auto& x : after) {
    if (!b.count(x.name)) m.added.push_back(&x);
  }
  if (hints.renames && !m.dropped.empty() && !m.added.empty()) {
    for (auto d = m.dropped.begin(); d != m.dropped.end();) {
      auto hit = std::find_if(m.added.begin(), m.added.end(),
                              [&](const T* x) { return hints.Pair((*d)->name, x->name); });
      if (hit == m.added.end()) {
        ++d;
        continue;
      }
      m.renamed.emplace_back(*d, *hit);
      m.both.emplace_back(*d, *hit);
      m.added.erase(hit);
      d = m.dropped.erase(d);
    }
  }
  return m;
}

class Differ {
 public:
  Differ(const DiffOptions& o, Changes* out) : hints_(o.statement), out_(out) {}

  void Realms(const Realm& before, const Realm& after) {
    auto m = Match(before.schemas, after.schemas, RenameHints(""));
    for (const Schema* s : m.added) Emit(ChangeKind::kAddSchema, s->name, "", s->name);
    for (const Schema* s : m.dropped) Emit(ChangeKind::kDropSchema, s->name, "", s->name);
    for (auto [b, a] : m.both) Schemas(*b, *a);
  }

 private:
  void Emit(ChangeKind k, const std::string& schema, const std::string& table,
            const std::string& name, const std::string& from = "", uint32_t bits = 0) {
    out_->push_back(Change{k, schema, table, name, from, bits});
  }

  void Schemas(const Schema& b, const Schema& a) {
    const std::string& s = a.name;
    auto t = Match(b.tables, a.tables, hints_);
    for (const Table* x : t.dropped) Emit(ChangeKind::kDropTable, s, x->name, x->name);
    for (auto [from, to] : t.renamed) {
      Emit(ChangeKind::kRenameTable, s, to->name, to->name, from->name);
    }
    for (const Table* x : t.added) Emit(ChangeKind::kAddTable, s, x->name, x->name);
    std::sort(t.both.begin(), t.both.end(),
              [](auto& l, auto& r) { return l.second->name < r.second->name; });
    for (auto [from, to] : t.both) Tables(s, *from, *to);

    auto v = Match(b.views, a.views, hints_);
    for (const View* x : v.dropped) Emit(ChangeKind::kDropView, s, "", x->name);
    for (const View* x : v.added) Emit(ChangeKind::kAddView, s, "", x->name);
    for (auto [from, to] : v.renamed) Emit(ChangeKind::kModifyView, s, "", to->name, from->name);
    for (auto [from, to] : v.both) {
      if (from->name == to->name &&
          (from->definition != to->definition || from->materialized != to->materialized)) {
        Emit(ChangeKind::kModifyView, s, "", to->name, "", kChangeExpr);
      }
    }
    auto q = Match(b.sequences, a.sequences, hints_);
    for (const Sequence* x : q.dropped) Emit(ChangeKind::kDropSequence, s, "", x->name);
    for (const Sequence* x : q.added) Emit(ChangeKind::kAddSequence, s, "", x->name);
    for (auto [from, to] : q.both) {
      uint32_t bits = 0;
      if (from->type != to->type) bits |= kChangeType;
      if (from->start != to->start || from->increment != to->increment ||
          from->owned_by != to->owned_by || from->name != to->name) {
        bits |= kChangeAttrs;
      }
      if (bits)
        Emit(ChangeKind::kModifySequence, s, "", to->name, from->name == to->name ? "" : from->name,
             bits);
    }
    auto e = Match(b.enums, a.enums, hints_);
    for (const EnumType* x : e.dropped) Emit(ChangeKind::kDropEnum, s, "", x->name);
    for (const EnumType* x : e.added) Emit(ChangeKind::kAddEnum, s, "", x->name);
    for (auto [from, to] : e.both) {
      if (from->values != to->values || from->name != to->name) {
        Emit(ChangeKind::kModifyEnum, s, "", to->name, from->name == to->name ? "" : from->name,
             from->values != to->values ? kChangeValues : kChangeAttrs);
      }
    }
  }

  static uint32_t ColumnBits(const Column& b, const Column& a) {
    uint32_t bits = 0;
    if (b.nullable != a.nullable) bits |= kChangeNull;
    if (b.type != a.type) bits |= kChangeType;
    if (b.enum_values != a.enum_values) bits |= kChangeValues;
    if (b.default_value != a.default_value) bits |= kChangeDefault;
    if (b.generated != a.generated || b.generated_stored != a.generated_stored) {
      bits |= kChangeGenerated;
    }
    if (b.identity != a.identity) bits |= kChangeIdentity;
    if (b.collation != a.collation) bits |= kChangeCollation;
    if (b.comment != a.comment) bits |= kChangeComment;
    return bits;
  }

  // Column names of `before` objects, mapped through this statement's column renames.
  std::string Renamed(const std::string& col) const {
    auto it = column_renames_.find(col);
    return it == column_renames_.end() ? col : it->second;
  }

  bool SameParts(const std::vector<IndexPart>& b, const std::vector<IndexPart>& a) const {
    if (b.size() != a.size()) return false;
    for (size_t i = 0; i < b.size(); ++i) {
      if (Renamed(b[i].column) != a[i].column || b[i].desc != a[i].desc ||
          b[i].prefix != a[i].prefix || (b[i].column.empty() && b[i].expr != a[i].expr)) {
        return false;
      }
    }
    return true;
  }

  bool SameColumns(const std::vector<std::string>& b, const std::vector<std::string>& a) const {
    if (b.size() != a.size()) return false;
    for (size_t i = 0; i < b.size(); ++i) {
      if (Renamed(b[i]) != a[i]) return false;
    }
    return true;
  }

  void Tables(const std::string& s, const Table& b, const Table& a) {
    const std::string& t = a.name;
    column_renames_.clear();
    uint32_t tbits = 0;
    auto c = Match(b.columns, a.columns, hints_);
    for (auto [from, to] : c.renamed) column_renames_[from->name] = to->name;
    if (b.primary_key.has_value() != a.primary_key.has_value() ||
        (b.primary_key && !SameParts(b.primary_key->parts, a.primary_key->parts))) {
      tbits |= kChangePrimaryKey;
    }
    if (b.comment != a.comment) tbits |= kChangeComment;
    if (b.partitioned != a.partitioned) tbits |= kChangeAttrs;
    if (tbits) Emit(ChangeKind::kModifyTable, s, t, t, "", tbits);

    for (const Column* x : c.dropped) Emit(ChangeKind::kDropColumn, s, t, x->name);
    for (auto [from, to] : c.renamed) Emit(ChangeKind::kRenameColumn, s, t, to->name, from->name);
    for (const Column* x : c.added) Emit(ChangeKind::kAddColumn, s, t, x->name);
    for (auto [from, to] : c.both) {
      if (uint32_t bits = ColumnBits(*from, *to)) {
        Emit(ChangeKind::kModifyColumn, s, t, to->name, "", bits);
      }
    }

    auto i = Match(b.indexes, a.indexes, hints_);
    for (const Index* x : i.dropped) Emit(ChangeKind::kDropIndex, s, t, x->name);
    for (auto [from, to] : i.renamed) Emit(ChangeKind::kRenameIndex, s, t, to->name, from->name);
    for (const Index* x : i.added) Emit(ChangeKind::kAddIndex, s, t, x->name);
    for (auto [from, to] : i.both) {
      uint32_t bits = 0;
      if (from->unique != to->unique) bits |= kChangeUnique;
      if (!SameParts(from->parts, to->parts) || !SameColumns(from->include, to->include)) {
        bits |= kChangeColumns;
      }
      if (from->predicate != to->predicate) bits |= kChangePredicate;
      if (from->method != to->method) bits |= kChangeMethod;
      if (bits) Emit(ChangeKind::kModifyIndex, s, t, to->name, "", bits);
    }

    auto f = Match(b.foreign_keys, a.foreign_keys, RenameHints(""));
    for (const ForeignKey* x : f.dropped) Emit(ChangeKind::kDropForeignKey, s, t, x->name);
    for (const ForeignKey* x : f.added) Emit(ChangeKind::kAddForeignKey, s, t, x->name);
    for (auto [from, to] : f.both) {
      uint32_t bits = 0;
      if (!SameColumns(from->columns, to->columns)) bits |= kChangeColumns;
      if (from->ref_schema != to->ref_schema || from->ref_table != to->ref_table ||
          from->ref_columns != to->ref_columns) {
        bits |= kChangeReference;
      }
      if (from->on_update != to->on_update || from->on_delete != to->on_delete) {
        bits |= kChangeAction;
      }
      if (from->validated != to->validated) bits |= kChangeValidated;
      if (bits) Emit(ChangeKind::kModifyForeignKey, s, t, to->name, "", bits);
    }

    auto k = Match(b.checks, a.checks, RenameHints(""));
    for (const Check* x : k.dropped) Emit(ChangeKind::kDropCheck, s, t, x->name);
    for (const Check* x : k.added) Emit(ChangeKind::kAddCheck, s, t, x->name);
    for (auto [from, to] : k.both) {
      uint32_t bits = 0;
      // A renamed column shows up inside the expression text; that is not a change.
      if (from->expr != to->expr && column_renames_.empty()) bits |= kChangeExpr;
      if (from->validated != to->validated) bits |= kChangeValidated;
      if (bits) Emit(ChangeKind::kModifyCheck, s, t, to->name, "", bits);
    }
  }

  RenameHints hints_;
  Changes* out_;
  std::map<std::string, std::string> column_renames_;
};

}  // namespace

Changes Diff(const Realm& before, const Realm& after, const DiffOptions& options) {
  Changes out;
  Differ(options, &out).Realms(before, after);
  return out;
}

std::string_view ChangeKindName(ChangeKind k) {
  static const char* kNames[] = {
      "add_schema",       "drop_schema",        "add_table",    "drop_table",    "rename_table",
      "modify_table",     "add_column",         "drop_column",  "rename_column", "modify_column",
      "add_index",        "drop_index",         "rename_index", "modify_index",  "add_foreign_key",
      "drop_foreign_key", "modify_foreign_key", "add_check",    "drop_check",    "modify_check",
      "add_view",         "drop_view",          "modify_view",  "add_sequence",  "drop_sequence",
      "modify_sequence",  "add_enum",           "drop_enum",    "modify_enum"};
  size_t i = static_cast<size_t>(k);
  return i < sizeof(kNames) / sizeof(kNames[0]) ? kNames[i] : "?";
}

std::string ToString(const Change& c) {
  std::string out(ChangeKindName(c.kind));
  out += " \"" + c.schema + "\"";
  if (!c.table.empty() && c.table != c.name) out += ".\"" + c.table + "\"";
  if (!c.name.empty() && c.name != c.schema) out += ".\"" + c.name + "\"";
  if (!c.from_name.empty()) out += " from \"" + c.from_name + "\"";
  if (c.modified) {
    static const char* kBits[] = {"null",      "type",        "default", "unique",  "generated",
                                  "identity",  "collation",   "comment", "columns", "predicate",
                                  "method",    "reference",   "action",  "expr",    "values",
                                  "validated", "primary_key", "attrs"};
    std::string bits;
    for (size_t i = 0; i < sizeof(kBits) / sizeof(kBits[0]); ++i) {
      if (c.modified & (1u << i)) bits += (bits.empty() ? "" : ",") + std::string(kBits[i]);
    }
    out += " [" + bits + "]";
  }
  return out;
}

}  // namespace schemabot::schema
