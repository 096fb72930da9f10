// libFuzzer target for engine/sql: Split() in every mode and Tokenize() must never crash,
// hang or read out of bounds, and every statement must be a slice of the input at its
// offset with a consistent line/column. The first byte picks the mode.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/sql/sql.h"

using schemabot::sql::Dialect;

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void SplitAndCheck(std::string_view sql, Dialect d, const schemabot::sql::SplitOptions& o) {
  auto r = schemabot::sql::Split(sql, d, o);
  if (!r) {
    Check(!r.error().message.empty());
    return;
  }
  size_t last = 0;
  for (const auto& st : r->statements) {
    Check(st.offset >= last && st.end_offset <= sql.size());
    Check(sql.compare(st.offset, st.text.size(), st.text) == 0);
    auto p = schemabot::sql::PositionAt(sql, st.offset);
    Check(p.line == st.line && p.column == st.column);
    last = st.offset;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint8_t mode = data[0];
  std::string_view sql(reinterpret_cast<const char*>(data + 1), size - 1);
  Dialect d = (mode & 1) ? Dialect::kMySQL : Dialect::kPostgres;
  schemabot::sql::SplitOptions o;
  switch ((mode >> 1) % 4) {
    case 0:
      break;
    case 1:
      o.goose = true;
      break;
    case 2:
      o.scan = schemabot::sql::ScanOptions::Generic();
      break;
    case 3: {  // every switch on, T-SQL ones included
      schemabot::sql::ScanOptions s;
      s.match_begin = s.match_begin_atomic = s.match_begin_try_catch = true;
      s.match_dollar_quote = s.backslash_escapes = s.escaped_string_ext = true;
      s.hash_comments = (mode & 8) != 0;
      s.go_command = s.begin_end_terminator = (mode & 16) != 0;
      s.nested_block_comments = (mode & 32) != 0;
      o.scan = s;
      break;
    }
  }
  SplitAndCheck(sql, d, o);
  auto tokens = schemabot::sql::Tokenize(sql, d);
  size_t end = 0;
  for (const auto& t : tokens) {
    Check(t.offset >= end && t.offset + t.text.size() <= sql.size() && !t.text.empty());
    end = t.offset + t.text.size();
  }
  (void)schemabot::sql::FindWords(tokens, "CREATE INDEX CONCURRENTLY");
  (void)schemabot::sql::FileDirectives(sql);
  return 0;
}
