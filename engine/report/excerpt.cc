#include <cctype>

#include "engine/report/internal.h"

namespace schemabot::report {

std::string VersionOf(std::string_view name) {
  if (auto slash = name.rfind('/'); slash != std::string_view::npos) name = name.substr(slash + 1);
  if ((name[0] == 'V' || name[0] == 'U' || name[0] == 'B') && name.size() > 1 &&
      std::isdigit(static_cast<unsigned char>(name[1]))) {
    auto end = name.find("__");
    std::string v(name.substr(1, end == std::string_view::npos ? name.size() - 1 : end - 1));
    for (auto& c : v) c = c == '_' ? '.' : c;
    return v;
  }
  size_t end = 0;
  while (end < name.size() && name[end] != '_' && name[end] != '.') ++end;
  return std::string(name.substr(0, end));
}

std::string StatementExcerpt(std::string_view text, int64_t pos, int max_lines) {
  if (pos < 0 || static_cast<size_t>(pos) >= text.size()) return "";
  size_t i = static_cast<size_t>(pos);
  // Skip leading blank lines, keep comments attached to the statement out of the excerpt.
  while (i < text.size() && (text[i] == '\n' || text[i] == '\r' || text[i] == ' ')) ++i;
  size_t start = i;
  int lines = 1;
  char quote = 0;
  int depth = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"' || c == '`') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == ';' && depth <= 0) {
      ++i;
      break;
    }
    if (c == '\n' && ++lines > max_lines) break;
  }
  std::string out(text.substr(start, i - start));
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (lines > max_lines) out += "\n…";
  return out;
}

}  // namespace schemabot::report
