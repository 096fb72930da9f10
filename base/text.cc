// Text encodings shared across modules: JSON string literals, UTF-8 validation, percent
// encoding.
#include "base/text.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace schemabot {
namespace {

// Bytes a string may hold as they are: printable ASCII other than '"' and '\\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[static_cast<size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

}  // namespace

// The first index at or after `p` whose byte is not plain. Eight bytes at a time while none
// of them is '"', '\\', a control character or non-ASCII (a word test with no false
// negatives; its rare false positives fall through to the byte loop).
size_t JsonPlainRun(std::string_view s, size_t p) {
  constexpr uint64_t k01 = 0x0101010101010101ULL, k80 = 0x8080808080808080ULL;
  const size_t n = s.size();
  while (p + 8 <= n) {
    uint64_t v;
    std::memcpy(&v, s.data() + p, 8);
    uint64_t q = v ^ (k01 * '"'), b = v ^ (k01 * '\\');
    uint64_t hit = ((q - k01) & ~q) | ((b - k01) & ~b) | (v - k01 * 0x20) | v;
    if (hit & k80) break;
    p += 8;
  }
  while (p < n && kPlain[static_cast<unsigned char>(s[p])]) ++p;
  return p;
}

// Length of the well-formed UTF-8 sequence starting at s[0] (a byte >= 0x80), or 0.
size_t Utf8Length(std::string_view s) {
  auto b = [&](size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
  auto cont = [&](size_t i, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return b(i) >= lo && b(i) <= hi;
  };
  unsigned c = b(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    size_t plain = JsonPlainRun(s, i);
    out.append(s.data() + i, plain - i);
    i = plain;
    if (i >= s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t len = Utf8Length(s.substr(i));
      if (len == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD
        ++i;
      } else {
        out.append(s.data() + i, len);
        i += len;
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out += '"';
}

std::string PercentEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace schemabot
