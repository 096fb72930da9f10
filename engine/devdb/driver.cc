// Connect() and the helpers shared by both drivers.
#include <cstdio>
#include <random>

#include "engine/devdb/devdb.h"
#include "engine/devdb/internal.h"

namespace schemabot::devdb {

Result<std::unique_ptr<Driver>> Connect(const Url& url, const ConnectOptions& options) {
  if (url.engine == Engine::kPostgres) return ConnectPostgres(url, options);
  return ConnectMySQL(url, options);
}

std::optional<size_t> MySQLErrorOffset(std::string_view message, std::string_view sql) {
  size_t near = message.find("near '");
  size_t at = message.rfind("' at line ");
  if (near == std::string_view::npos || at == std::string_view::npos || at < near + 6) {
    return std::nullopt;
  }
  std::string_view text = message.substr(near + 6, at - near - 6);
  int line = std::atoi(std::string(message.substr(at + 10)).c_str());
  size_t start = 0;
  for (int l = 1; l < line && start < sql.size(); ++l) {
    size_t nl = sql.find('\n', start);
    if (nl == std::string_view::npos) return std::nullopt;
    start = nl + 1;
  }
  if (text.empty()) return sql.size();  // "near '' at line N": the end of the statement
  // MySQL quotes at most ~80 characters of the rest; the prefix is enough to locate it.
  size_t found = sql.find(text.substr(0, std::min<size_t>(text.size(), 40)), start);
  if (found == std::string_view::npos) return std::nullopt;
  return found;
}

std::string RandomHex(size_t bytes) {
  std::string out;
  static const char* kHex = "0123456789abcdef";
  FILE* f = std::fopen("/dev/urandom", "rb");
  std::random_device rd;
  for (size_t i = 0; i < bytes; ++i) {
    int c = f ? std::fgetc(f) : EOF;
    unsigned v = c == EOF ? rd() & 0xff : static_cast<unsigned>(c);
    out += kHex[v >> 4];
    out += kHex[v & 15];
  }
  if (f) std::fclose(f);
  return out;
}

}  // namespace schemabot::devdb
