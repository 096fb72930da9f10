// Internal to engine/sql: byte-level helpers that reproduce the Go library functions and
// regular expressions Atlas's scanner relies on (unicode.IsSpace, strings.TrimSpace,
// utf8.DecodeRune widths, RE2's \s and \w, and the scanner's small regexps).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace schemabot::sql::internal {

// RE2's \s: [\t\n\f\r ].
inline bool IsReSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}
// RE2's \w: [0-9A-Za-z_].
inline bool IsWordByte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
// A byte that continues a bare SQL word: \w, $ or any non-ASCII byte.
inline bool IsIdentByte(unsigned char c) { return IsWordByte(c) || c == '$' || c >= 0x80; }
inline char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

// Go's utf8.DecodeRuneInString width at s[i] (1 for invalid or truncated sequences).
int RuneWidth(std::string_view s, size_t i);
// Go's unicode.IsSpace on the rune starting at s[i]; *width receives its length.
bool IsSpaceAt(std::string_view s, size_t i, int* width);
// Go's strings.TrimSpace.
std::string_view TrimSpace(std::string_view s);
// Go's %q (strconv.Quote) for the texts that appear in error messages.
std::string GoQuote(std::string_view s);

// s starts with `upper_word` (given in upper case), ASCII case-insensitively.
bool EqualFoldPrefix(std::string_view s, std::string_view upper_word);

// (?i)^\s*BEGIN\s+ when word is empty, else (?i)^\s*BEGIN\s+WORD\s+: match length or 0.
size_t MatchBeginWord(std::string_view s, std::string_view word);
// (?i)^\s*END\s*: match length or 0.
size_t MatchEnd(std::string_view s);
// (?i)^\s*END\s*CATCH\s*: match length or 0.
size_t MatchEndCatch(std::string_view s);
// (?i)\s*END\s*$ anywhere, i.e. s ends with END and optional \s.
bool EndsWithEnd(std::string_view s);
// (?i)^GO(?:\s+|$).
bool MatchGoCmd(std::string_view s);
// ^\$([A-Za-zÈ-ÿ_][\wÈ-ÿ]*)*\$ at s[i] (s[i] == '$'): match length or 0.
size_t DollarTagLen(std::string_view s, size_t i);

// Atlas's reDirective `^([ -~]*)atlas:(\w+)(?: +(.+))*` on `content`, with Go's
// leftmost-first preferences: the last `atlas:<word>` reachable through printable ASCII,
// and the rest of that line after the spaces as args.
struct DirectiveMatch {
  bool ok = false;
  std::string_view prefix, name, args;
};
DirectiveMatch MatchDirective(std::string_view content);

}  // namespace schemabot::sql::internal
