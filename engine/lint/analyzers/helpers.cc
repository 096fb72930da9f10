#include <cctype>

#include "engine/lint/analyzers/analyzers.h"

namespace schemabot::lint {

std::string_view TableOf(const schema::Change& c) { return c.name.empty() ? c.table : c.name; }

const schema::Table* FindTable(const schema::Realm* realm, std::string_view s, std::string_view t) {
  return realm ? realm->FindTable(s, t) : nullptr;
}

bool HasNotNullCheck(const schema::Table& t, std::string_view column) {
  auto norm = [](std::string_view in) {
    std::string out;
    for (char ch : in) {
      if (ch == '(' || ch == ')' || ch == '"' || ch == '`') continue;
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    return out;
  };
  std::string want = norm(column) + " is not null";
  for (const auto& k : t.checks) {
    if (k.validated && norm(k.expr).find(want) != std::string::npos) return true;
  }
  return false;
}

const schema::Column* AddedNotNullWithoutDefault(const Pass& pass, const StatementChange& sc,
                                                 const schema::Change& c) {
  if (pass.TableCreated(c.schema, c.table)) return nullptr;
  const auto* t = FindTable(sc.after, c.schema, c.table);
  const auto* col = t ? t->FindColumn(c.name) : nullptr;
  if (!col || col->nullable || col->default_value || !col->identity.empty() ||
      !col->generated.empty()) {
    return nullptr;
  }
  return col;
}

}  // namespace schemabot::lint
