// The tape reader behind json_scan.h. Validation follows RFC 8259 and the Unicode
// well-formed UTF-8 table (the same inputs nlohmann::json accepts; json_scan_test.cc and
// tests/fuzz/json_scan_fuzz.cc compare the two).
#include "webhooks/json_scan.h"

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "base/text.h"

namespace schemabot::webhooks::json {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The 4 hex digits at s[0..3] as a code unit, or -1.
int32_t Hex4(std::string_view s) {
  if (s.size() < 4) return -1;
  int32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    int h = Hex(s[static_cast<size_t>(i)]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsInteger(std::string_view raw) { return raw.find_first_of(".eE") == std::string_view::npos; }

}  // namespace

std::string Unescape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\' || i + 1 >= raw.size()) {
      out += c;
      continue;
    }
    char e = raw[++i];
    switch (e) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        int32_t u = Hex4(raw.substr(i + 1));
        if (u < 0) break;  // not produced by a validated Doc
        i += 4;
        uint32_t cp = static_cast<uint32_t>(u);
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < raw.size() && raw[i + 1] == '\\' &&
            raw[i + 2] == 'u') {
          int32_t lo = Hex4(raw.substr(i + 3));
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(lo) - 0xDC00);
            i += 6;
          }
        }
        AppendUtf8(out, cp);
        break;
      }
      default:  // '"', '\\', '/'
        out += e;
    }
  }
  return out;
}

Doc::Doc(std::string_view text) : text_(text) {
  nodes_.reserve(text.size() / 16 + 4);
  if (!Parse()) nodes_.clear();
}

bool Doc::Fail(size_t at, std::string_view what) {
  error_ = "at byte " + std::to_string(at) + ": " + std::string(what);
  return false;
}

// pos: at the opening quote; on success just after the closing one.
bool Doc::ScanString(size_t& pos, bool& escaped) {
  const size_t n = text_.size();
  size_t p = pos + 1;
  escaped = false;
  for (;;) {
    p = JsonPlainRun(text_, p);
    if (p >= n) return Fail(pos, "unterminated string");
    unsigned char c = static_cast<unsigned char>(text_[p]);
    if (c == '"') {
      pos = p + 1;
      return true;
    }
    if (c == '\\') {
      escaped = true;
      if (p + 1 >= n) return Fail(pos, "unterminated string");
      char e = text_[p + 1];
      if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
          e == 't') {
        p += 2;
        continue;
      }
      if (e != 'u') return Fail(p, "invalid escape");
      int32_t u = Hex4(text_.substr(p + 2));
      if (u < 0) return Fail(p, "invalid \\u escape");
      p += 6;
      if (u >= 0xDC00 && u <= 0xDFFF) return Fail(p - 6, "unpaired low surrogate");
      if (u >= 0xD800 && u <= 0xDBFF) {
        int32_t lo =
            p + 1 < n && text_[p] == '\\' && text_[p + 1] == 'u' ? Hex4(text_.substr(p + 2)) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF) return Fail(p - 6, "unpaired high surrogate");
        p += 6;
      }
      continue;
    }
    if (c < 0x20) return Fail(p, "control character in string");
    size_t len = Utf8Length(text_.substr(p));
    if (len == 0) return Fail(p, "invalid UTF-8 in string");
    p += len;
  }
}

// pos: at '-' or a digit; on success just after the number.
bool Doc::ScanNumber(size_t& pos) {
  const size_t n = text_.size();
  size_t p = pos;
  if (text_[p] == '-') ++p;
  if (p >= n || !IsDigit(text_[p])) return Fail(pos, "invalid number");
  if (text_[p] == '0') {
    ++p;
  } else {
    while (p < n && IsDigit(text_[p])) ++p;
  }
  if (p < n && text_[p] == '.') {
    ++p;
    if (p >= n || !IsDigit(text_[p])) return Fail(pos, "invalid number");
    while (p < n && IsDigit(text_[p])) ++p;
  }
  if (p < n && (text_[p] == 'e' || text_[p] == 'E')) {
    ++p;
    if (p < n && (text_[p] == '+' || text_[p] == '-')) ++p;
    if (p >= n || !IsDigit(text_[p])) return Fail(pos, "invalid number");
    while (p < n && IsDigit(text_[p])) ++p;
  }
  pos = p;
  return true;
}

bool Doc::Parse() {
  const size_t n = text_.size();
  if (n >= std::numeric_limits<uint32_t>::max() / 2) return Fail(0, "text too large");
  size_t p = 0;
  if (text_.starts_with("\xEF\xBB\xBF")) p = 3;
  auto ws = [&] {
    while (p < n && IsSpace(text_[p])) ++p;
  };
  auto push = [&](Type t, size_t off, size_t len, bool escaped = false) {
    auto i = static_cast<uint32_t>(nodes_.size());
    nodes_.push_back({t, escaped, i + 1, static_cast<uint32_t>(off), static_cast<uint32_t>(len)});
  };
  // An object key and its ':' (p at the key's quote after whitespace).
  auto key = [&]() -> bool {
    if (p >= n || text_[p] != '"') return Fail(p, "expected a string key");
    size_t start = p;
    bool escaped = false;
    if (!ScanString(p, escaped)) return false;
    push(Type::kString, start + 1, p - start - 2, escaped);
    ws();
    if (p >= n || text_[p] != ':') return Fail(p, "expected ':'");
    ++p;
    return true;
  };
  std::vector<uint32_t> open;  // containers not closed yet
  auto close = [&] {
    Node& c = nodes_[open.back()];
    c.next = static_cast<uint32_t>(nodes_.size());
    c.len = static_cast<uint32_t>(p - c.off);
    open.pop_back();
  };
  for (;;) {
    // A value starts here.
    ws();
    if (p >= n) return Fail(p, "unexpected end of input");
    char c = text_[p];
    size_t start = p;
    if (c == '{' || c == '[') {
      bool object = c == '{';
      open.push_back(static_cast<uint32_t>(nodes_.size()));
      push(object ? Type::kObject : Type::kArray, start, 0);
      ++p;
      ws();
      if (p < n && text_[p] == (object ? '}' : ']')) {
        ++p;
        close();
      } else {
        if (object && !key()) return false;
        continue;
      }
    } else if (c == '"') {
      bool escaped = false;
      if (!ScanString(p, escaped)) return false;
      push(Type::kString, start + 1, p - start - 2, escaped);
    } else if (c == '-' || IsDigit(c)) {
      if (!ScanNumber(p)) return false;
      push(Type::kNumber, start, p - start);
    } else {
      std::string_view rest = text_.substr(p);
      Type t;
      if (rest.starts_with("true")) {
        t = Type::kTrue;
      } else if (rest.starts_with("false")) {
        t = Type::kFalse;
      } else if (rest.starts_with("null")) {
        t = Type::kNull;
      } else {
        return Fail(p, "unexpected character");
      }
      p += t == Type::kFalse ? 5 : 4;
      push(t, start, p - start);
    }
    // A value ended: close containers until one expects another element.
    for (;;) {
      ws();
      if (open.empty()) return p == n ? true : Fail(p, "unexpected text after the value");
      if (p >= n) return Fail(p, "unexpected end of input");
      bool object = nodes_[open.back()].type == Type::kObject;
      if (text_[p] == ',') {
        ++p;
        if (object) {
          ws();
          if (!key()) return false;
        }
        break;
      }
      if (text_[p] != (object ? '}' : ']')) {
        return Fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
      }
      ++p;
      close();
    }
  }
}

std::optional<Type> Value::type() const {
  if (!doc_) return std::nullopt;
  return doc_->nodes_[i_].type;
}

std::string_view Value::Raw() const {
  if (!doc_) return {};
  const Doc::Node& n = doc_->nodes_[i_];
  return doc_->text_.substr(n.off, n.len);
}

std::string Value::String() const {
  if (!is_string()) return "";
  return doc_->nodes_[i_].escaped ? Unescape(Raw()) : std::string(Raw());
}

Value Value::Find(std::string_view key) const {
  if (!is_object()) return {};
  Value found;
  const auto& nodes = doc_->nodes_;
  for (uint32_t k = i_ + 1; k < nodes[i_].next; k = nodes[k + 1].next) {
    Value name(doc_, k);
    bool match = nodes[k].escaped ? Unescape(name.Raw()) == key : name.Raw() == key;
    if (match) found = Value(doc_, k + 1);
  }
  return found;
}

std::optional<int64_t> Value::Int64() const {
  if (!is_number() || !IsInteger(Raw())) return std::nullopt;
  std::string text(Raw());
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno == ERANGE || end != text.c_str() + text.size()) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<uint64_t> Value::UInt64() const {
  if (!is_number() || !IsInteger(Raw()) || Raw().starts_with('-')) return std::nullopt;
  std::string text(Raw());
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (errno == ERANGE || end != text.c_str() + text.size()) return std::nullopt;
  return static_cast<uint64_t>(v);
}

Value::Iterator& Value::Iterator::operator++() {
  // Objects: skip the key, then the value's subtree.
  i_ = object_ ? doc_->nodes_[i_ + 1].next : doc_->nodes_[i_].next;
  return *this;
}

Value::Range Value::Children() const {
  if (!is_object() && !is_array())
    return {Iterator(nullptr, 0, false), Iterator(nullptr, 0, false)};
  bool object = is_object();
  uint32_t end = doc_->nodes_[i_].next;
  return {Iterator(doc_, i_ + 1, object), Iterator(doc_, end, object)};
}

}  // namespace schemabot::webhooks::json
