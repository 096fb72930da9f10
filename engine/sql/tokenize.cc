// Tokenize(): a small, linear lexer for classifying statements (lint's static mode). It
// knows the same quoting rules as the splitter but makes no attempt to parse.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <iterator>
#include <vector>

#include "engine/sql/sql.h"
#include "engine/sql/text_util.h"

namespace schemabot::sql {
namespace {

using internal::AsciiUpper;
using internal::IsIdentByte;

// Sorted; compared in upper case. Words lint rules look for plus the SQL reserved core.
constexpr std::string_view kKeywords[] = {
    "ACCESS",       "ACTION",
    "ADD",          "AFTER",
    "ALGORITHM",    "ALL",
    "ALTER",        "ALWAYS",
    "AND",          "ANY",
    "AS",           "ASC",
    "ATOMIC",       "AUTO_INCREMENT",
    "BEFORE",       "BEGIN",
    "BETWEEN",      "BIGINT",
    "BOOLEAN",      "BOTH",
    "BY",           "CALL",
    "CASCADE",      "CASE",
    "CAST",         "CHANGE",
    "CHARACTER",    "CHECK",
    "COLLATE",      "COLUMN",
    "COMMENT",      "COMMIT",
    "CONCURRENTLY", "CONSTRAINT",
    "COPY",         "CREATE",
    "CROSS",        "CURRENT_TIMESTAMP",
    "DATABASE",     "DECLARE",
    "DEFAULT",      "DEFERRABLE",
    "DEFERRED",     "DELETE",
    "DELIMITER",    "DESC",
    "DETACH",       "DISABLE",
    "DISTINCT",     "DO",
    "DOMAIN",       "DROP",
    "EACH",         "ELSE",
    "ENABLE",       "END",
    "ENGINE",       "ENUM",
    "EXCLUDE",      "EXECUTE",
    "EXISTS",       "EXTENSION",
    "FALSE",        "FETCH",
    "FIRST",        "FOR",
    "FOREIGN",      "FROM",
    "FULL",         "FUNCTION",
    "GENERATED",    "GRANT",
    "GROUP",        "HAVING",
    "IDENTITY",     "IF",
    "IMMEDIATE",    "IN",
    "INCLUDE",      "INDEX",
    "INHERIT",      "INITIALLY",
    "INNER",        "INPLACE",
    "INSERT",       "INSTANT",
    "INT",          "INTEGER",
    "INTO",         "INVISIBLE",
    "IS",           "JOIN",
    "KEY",          "LANGUAGE",
    "LEFT",         "LIKE",
    "LIMIT",        "LOCK",
    "MATERIALIZED", "MODIFY",
    "NO",           "NONE",
    "NOT",          "NOWAIT",
    "NULL",         "OF",
    "OFFSET",       "ON",
    "ONLY",         "OR",
    "ORDER",        "OUTER",
    "OWNED",        "OWNER",
    "PARTITION",    "PRIMARY",
    "PROCEDURE",    "PUBLICATION",
    "REFERENCES",   "REFRESH",
    "RENAME",       "REPLACE",
    "RESTRICT",     "RETURNING",
    "RETURNS",      "REVOKE",
    "RIGHT",        "ROLE",
    "ROLLBACK",     "ROW",
    "RULE",         "SCHEMA",
    "SELECT",       "SEQUENCE",
    "SESSION",      "SET",
    "SHARE",        "SMALLINT",
    "SOME",         "START",
    "STATEMENT",    "STORED",
    "TABLE",        "TABLESPACE",
    "TEMP",         "TEMPORARY",
    "TEXT",         "THEN",
    "TO",           "TRANSACTION",
    "TRIGGER",      "TRUE",
    "TRUNCATE",     "TYPE",
    "UNIQUE",       "UNLOGGED",
    "UPDATE",       "USING",
    "VACUUM",       "VALID",
    "VALIDATE",     "VALUES",
    "VARCHAR",      "VIEW",
    "VIRTUAL",      "WHEN",
    "WHERE",        "WITH",
    "WITHOUT",      "WORK",
    "ZEROFILL",     "ABORT",
    "ANALYZE",      "ARRAY",
};

struct KeywordTable {
  std::vector<std::string_view> sorted;
  KeywordTable() : sorted(std::begin(kKeywords), std::end(kKeywords)) {
    std::sort(sorted.begin(), sorted.end());
  }
};

bool IsKeyword(std::string_view word) {
  static const KeywordTable table;
  if (word.size() > 20) return false;
  char up[24];
  for (size_t i = 0; i < word.size(); ++i) up[i] = AsciiUpper(word[i]);
  return std::binary_search(table.sorted.begin(), table.sorted.end(),
                            std::string_view(up, word.size()));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

class Lexer {
 public:
  Lexer(std::string_view s, Dialect d) : s_(s), mysql_(d == Dialect::kMySQL) {}

  std::vector<Token> Run() {
    std::vector<Token> out;
    while (SkipTrivia()) {
      size_t b = i_;
      TokenKind k = Scan();
      out.push_back({k, s_.substr(b, i_ - b), b});
    }
    return out;
  }

 private:
  char Peek(size_t k = 0) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }

  // Skips whitespace and comments; false at the end.
  bool SkipTrivia() {
    while (i_ < s_.size()) {
      int w = 1;
      char c = s_[i_];
      if (internal::IsSpaceAt(s_, i_, &w)) {
        i_ += w;
      } else if ((c == '-' && Peek(1) == '-') || (c == '#' && mysql_)) {
        size_t nl = s_.find('\n', i_);
        i_ = nl == std::string_view::npos ? s_.size() : nl + 1;
      } else if (c == '/' && Peek(1) == '*') {
        SkipBlockComment();
      } else {
        return true;
      }
    }
    return false;
  }

  void SkipBlockComment() {
    int level = 0;
    while (i_ < s_.size()) {
      if (s_[i_] == '/' && Peek(1) == '*') {
        ++level;
        i_ += 2;
        if (mysql_) level = 1;
      } else if (s_[i_] == '*' && Peek(1) == '/') {
        i_ += 2;
        if (--level == 0) return;
      } else {
        ++i_;
      }
    }
  }

  void SkipQuoted(char q, bool backslash) {
    ++i_;  // opening quote
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '\\' && backslash) {
        if (i_ < s_.size()) ++i_;
      } else if (c == q) {
        if (Peek() == q) {
          ++i_;  // doubled quote
        } else {
          return;
        }
      }
    }
  }

  TokenKind Scan() {
    unsigned char c = static_cast<unsigned char>(s_[i_]);
    char n1 = Peek(1);
    if (c == '\'') {
      SkipQuoted('\'', mysql_);
      return TokenKind::kString;
    }
    if (c == '"') {
      SkipQuoted('"', mysql_);
      return mysql_ ? TokenKind::kString : TokenKind::kQuotedIdentifier;
    }
    if (c == '`') {
      SkipQuoted('`', false);
      return TokenKind::kQuotedIdentifier;
    }
    // E'..', N'..', B'..', X'..' prefixes.
    if (n1 == '\'' && (c == 'E' || c == 'e' || c == 'N' || c == 'n' || c == 'B' || c == 'b' ||
                       c == 'X' || c == 'x')) {
      ++i_;
      SkipQuoted('\'', mysql_ || c == 'E' || c == 'e');
      return TokenKind::kString;
    }
    if (c == '$') {
      if (IsDigit(n1)) {
        ++i_;
        while (IsDigit(Peek())) ++i_;
        return TokenKind::kParameter;
      }
      if (!mysql_) {
        size_t tag = internal::DollarTagLen(s_, i_);
        if (tag > 0) {
          size_t end = s_.find(s_.substr(i_, tag), i_ + tag);
          i_ = end == std::string_view::npos ? s_.size() : end + tag;
          return TokenKind::kString;
        }
      }
    }
    if (IsWordStart(c)) {
      size_t b = i_;
      while (i_ < s_.size() && IsIdentByte(static_cast<unsigned char>(s_[i_]))) ++i_;
      return IsKeyword(s_.substr(b, i_ - b)) ? TokenKind::kKeyword : TokenKind::kIdentifier;
    }
    if (IsDigit(static_cast<char>(c)) || (c == '.' && IsDigit(n1))) return ScanNumber();
    if (c == '?') {
      ++i_;
      return TokenKind::kParameter;
    }
    if (c == ':' && IsWordStart(static_cast<unsigned char>(n1))) {
      ++i_;
      while (i_ < s_.size() && IsIdentByte(static_cast<unsigned char>(s_[i_]))) ++i_;
      return TokenKind::kParameter;
    }
    if (std::strchr("(),;.[]{}", c) && c != '\0') {
      ++i_;
      return TokenKind::kPunct;
    }
    static constexpr std::string_view kMulti[] = {"->>", "#>>", "::", "->", "#>", "<=",
                                                  ">=",  "<>",  "!=", "||", ":=", "<<",
                                                  ">>",  "@>",  "<@", "&&", "<=>"};
    std::string_view rest = s_.substr(i_);
    size_t best = 1;
    for (auto op : kMulti) {
      if (op.size() > best && rest.starts_with(op)) best = op.size();
    }
    i_ += c < 0x80 ? best : static_cast<size_t>(internal::RuneWidth(s_, i_));
    return TokenKind::kOperator;
  }

  TokenKind ScanNumber() {
    if (s_[i_] == '0' && (Peek(1) == 'x' || Peek(1) == 'X')) {
      i_ += 2;
      while (i_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      return TokenKind::kNumber;
    }
    while (IsDigit(Peek())) ++i_;
    if (Peek() == '.' && Peek(1) != '.') {
      ++i_;
      while (IsDigit(Peek())) ++i_;
    }
    if ((Peek() == 'e' || Peek() == 'E') &&
        (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2))))) {
      i_ += 2;
      while (IsDigit(Peek())) ++i_;
    }
    return TokenKind::kNumber;
  }

  std::string_view s_;
  bool mysql_;
  size_t i_ = 0;
};

bool EqualsFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiUpper(a[i]) != AsciiUpper(b[i])) return false;
  }
  return true;
}

}  // namespace

std::vector<Token> Tokenize(std::string_view sql, Dialect dialect) {
  return Lexer(sql, dialect).Run();
}

bool MatchWords(const std::vector<Token>& tokens, size_t at, std::string_view words) {
  size_t i = 0;
  while (i < words.size()) {
    while (i < words.size() && words[i] == ' ') ++i;
    if (i == words.size()) break;
    size_t e = words.find(' ', i);
    if (e == std::string_view::npos) e = words.size();
    std::string_view w = words.substr(i, e - i);
    if (at >= tokens.size()) return false;
    const Token& t = tokens[at++];
    if (w != "*") {
      if (t.kind != TokenKind::kKeyword && t.kind != TokenKind::kIdentifier) return false;
      if (!EqualsFold(t.text, w)) return false;
    }
    i = e;
  }
  return true;
}

size_t FindWords(const std::vector<Token>& tokens, std::string_view words, size_t from) {
  for (size_t i = from; i < tokens.size(); ++i) {
    if (MatchWords(tokens, i, words)) return i;
  }
  return std::string_view::npos;
}

std::string Unquote(const Token& token) {
  std::string_view t = token.text;
  if (token.kind != TokenKind::kQuotedIdentifier && token.kind != TokenKind::kString) {
    return std::string(t);
  }
  if (token.kind == TokenKind::kString && !t.empty() && t[0] != '\'' && t[0] != '"' &&
      t[0] != '$') {
    t.remove_prefix(1);  // E'', N'' ...
  }
  if (t.size() >= 2 && t[0] == '$') {
    size_t tag = internal::DollarTagLen(t, 0);
    if (tag > 0 && t.size() >= 2 * tag) return std::string(t.substr(tag, t.size() - 2 * tag));
  }
  if (t.size() < 2) return std::string(t);
  char q = t[0];
  std::string out;
  std::string_view inner = t.substr(1, t.back() == q ? t.size() - 2 : t.size() - 1);
  for (size_t i = 0; i < inner.size(); ++i) {
    out += inner[i];
    if (inner[i] == q && i + 1 < inner.size() && inner[i + 1] == q) ++i;
  }
  return out;
}

}  // namespace schemabot::sql
