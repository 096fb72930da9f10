#include "engine/sql/text_util.h"

#include <cstdint>

namespace schemabot::sql::internal {
namespace {

// Decodes the rune at s[i] as Go does; returns its value (0xFFFD when invalid).
uint32_t DecodeRune(std::string_view s, size_t i, int* width) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  size_t n = s.size() - i;
  unsigned char c = b(0);
  *width = 1;
  if (c < 0x80) return c;
  auto cont = [&](size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return k < n && b(k) >= lo && b(k) <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) {
    if (!cont(1)) return 0xFFFD;
    *width = 2;
    return ((c & 0x1Fu) << 6) | (b(1) & 0x3Fu);
  }
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    if (!cont(1, lo, hi) || !cont(2)) return 0xFFFD;
    *width = 3;
    return ((c & 0x0Fu) << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu);
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    if (!cont(1, lo, hi) || !cont(2) || !cont(3)) return 0xFFFD;
    *width = 4;
    return ((c & 0x07u) << 18) | ((b(1) & 0x3Fu) << 12) | ((b(2) & 0x3Fu) << 6) | (b(3) & 0x3Fu);
  }
  return 0xFFFD;
}

bool IsUnicodeSpace(uint32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

size_t SkipReSpaces(std::string_view s, size_t i) {
  while (i < s.size() && IsReSpace(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

bool WordAt(std::string_view s, size_t i, std::string_view upper_word) {
  return i <= s.size() && EqualFoldPrefix(s.substr(i), upper_word);
}

}  // namespace

int RuneWidth(std::string_view s, size_t i) {
  int w;
  DecodeRune(s, i, &w);
  return w;
}

bool IsSpaceAt(std::string_view s, size_t i, int* width) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    *width = 1;
    return c == ' ' || (c >= '\t' && c <= '\r');
  }
  return IsUnicodeSpace(DecodeRune(s, i, width));
}

std::string_view TrimSpace(std::string_view s) {
  size_t b = 0;
  int w = 0;
  while (b < s.size() && IsSpaceAt(s, b, &w)) b += w;
  size_t e = s.size();
  while (e > b) {
    unsigned char c = static_cast<unsigned char>(s[e - 1]);
    if (c < 0x80) {
      if (c == ' ' || (c >= '\t' && c <= '\r')) {
        --e;
        continue;
      }
      break;
    }
    // Find the start of the last rune (at most 4 bytes back) and test it.
    size_t start = e - 1;
    while (start > b && e - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
      --start;
    }
    if (IsSpaceAt(s, start, &w) && start + w == e) {
      e = start;
      continue;
    }
    break;
  }
  return s.substr(b, e - b);
}

std::string GoQuote(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    int w;
    uint32_t r = DecodeRune(s, i, &w);
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (r == 0xFFFD && w == 1 && c >= 0x80) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out.append(s.substr(i, w));
    }
    i += w;
  }
  return out + "\"";
}

bool EqualFoldPrefix(std::string_view s, std::string_view upper_word) {
  if (s.size() < upper_word.size()) return false;
  for (size_t i = 0; i < upper_word.size(); ++i) {
    if (AsciiUpper(s[i]) != upper_word[i]) return false;
  }
  return true;
}

size_t MatchBeginWord(std::string_view s, std::string_view word) {
  size_t i = SkipReSpaces(s, 0);
  if (!WordAt(s, i, "BEGIN")) return 0;
  size_t j = SkipReSpaces(s, i + 5);
  if (j == i + 5) return 0;
  if (word.empty()) return j;
  if (!WordAt(s, j, word)) return 0;
  size_t k = SkipReSpaces(s, j + word.size());
  return k == j + word.size() ? 0 : k;
}

size_t MatchEnd(std::string_view s) {
  size_t i = SkipReSpaces(s, 0);
  if (!WordAt(s, i, "END")) return 0;
  return SkipReSpaces(s, i + 3);
}

size_t MatchEndCatch(std::string_view s) {
  size_t i = MatchEnd(s);
  if (i == 0 || !WordAt(s, i, "CATCH")) return 0;
  return SkipReSpaces(s, i + 5);
}

bool EndsWithEnd(std::string_view s) {
  size_t e = s.size();
  while (e > 0 && IsReSpace(static_cast<unsigned char>(s[e - 1]))) --e;
  return e >= 3 && EqualFoldPrefix(s.substr(e - 3, 3), "END");
}

bool MatchGoCmd(std::string_view s) {
  if (!EqualFoldPrefix(s, "GO")) return false;
  return s.size() == 2 || IsReSpace(static_cast<unsigned char>(s[2]));
}

size_t DollarTagLen(std::string_view s, size_t i) {
  // È-ÿ is U+00C8..U+00FF: bytes C3 88..C3 BF.
  auto ext = [&](size_t k) {
    return k + 1 < s.size() && static_cast<unsigned char>(s[k]) == 0xC3 &&
           static_cast<unsigned char>(s[k + 1]) >= 0x88 &&
           static_cast<unsigned char>(s[k + 1]) <= 0xBF;
  };
  size_t j = i + 1;
  if (j < s.size() && s[j] == '$') return 2;
  if (j >= s.size()) return 0;
  unsigned char c = static_cast<unsigned char>(s[j]);
  if (ext(j)) {
    j += 2;
  } else if (IsWordByte(c) && !(c >= '0' && c <= '9')) {
    j += 1;
  } else {
    return 0;
  }
  while (j < s.size()) {
    if (ext(j)) {
      j += 2;
    } else if (IsWordByte(static_cast<unsigned char>(s[j]))) {
      ++j;
    } else {
      break;
    }
  }
  return j < s.size() && s[j] == '$' ? j + 1 - i : 0;
}

DirectiveMatch MatchDirective(std::string_view content) {
  DirectiveMatch m;
  size_t printable = 0;
  while (printable < content.size() && content[printable] >= ' ' && content[printable] <= '~') {
    ++printable;
  }
  std::string_view head = content.substr(0, printable);
  size_t at = head.size();
  for (;;) {
    if (at == 0) return m;
    at = head.rfind("atlas:", at - 1);
    if (at == std::string_view::npos) return m;
    if (at + 6 < head.size() && IsWordByte(static_cast<unsigned char>(head[at + 6]))) break;
  }
  size_t name_end = at + 6;
  while (name_end < content.size() && IsWordByte(static_cast<unsigned char>(content[name_end]))) {
    ++name_end;
  }
  m.ok = true;
  m.prefix = content.substr(0, at);
  m.name = content.substr(at + 6, name_end - at - 6);
  size_t nl = content.find('\n', name_end);
  std::string_view rest =
      content.substr(name_end, (nl == std::string_view::npos ? content.size() : nl) - name_end);
  size_t spaces = 0;
  while (spaces < rest.size() && rest[spaces] == ' ') ++spaces;
  if (spaces > 0) {
    if (spaces < rest.size()) {
      m.args = rest.substr(spaces);
    } else if (spaces >= 2) {
      m.args = rest.substr(spaces - 1);  // ` +` gives back one space for `.+`
    }
  }
  return m;
}

}  // namespace schemabot::sql::internal
