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

}  // namespace schemabot::lint
