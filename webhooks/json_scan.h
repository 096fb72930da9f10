// A fast, validating JSON reader for webhook bodies. Internal to webhooks/.
//
// One pass over the raw bytes checks the whole text against RFC 8259 (strings must be valid
// UTF-8, escapes and surrogate pairs well formed; a leading UTF-8 BOM is skipped, as
// nlohmann::json does; unlike nlohmann, a NUL byte outside a string is an error, not the end
// of the input) and records every value on a flat tape of offsets into the text: no
// per-value allocation, strings are unescaped only when read. A 28 KB pull_request payload
// takes tens of microseconds instead of the ~600 µs of a nlohmann DOM, which is what keeps
// the receive path fast (bench/README.md, bench/webhooks).
//
//   json::Doc doc(body);                 // `body` must outlive doc and its Values
//   if (!doc.ok()) return InvalidArgument("malformed JSON body");
//   json::Value pr = doc.root().Find("pull_request");
//   int64_t n = pr.Find("number").Int64().value_or(0);
//   for (json::Value c : doc.root().Find("commits").Children()) …   // array elements
//
// A repeated object key finds its last occurrence (as a nlohmann DOM keeps the last one).
// Nesting is limited only by memory (the reader keeps its own stack, no recursion).
//
// Thread-safety: a Doc is immutable after construction; read it from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schemabot::webhooks::json {

enum class Type : uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };

class Doc;

// A handle to one value of a Doc, or "missing" (default-constructed, or a failed Find).
// Cheap to copy; valid while its Doc lives. Every accessor is safe on a missing Value.
class Value {
 public:
  Value() = default;
  explicit operator bool() const { return doc_ != nullptr; }
  std::optional<Type> type() const;
  bool is_object() const { return type() == Type::kObject; }
  bool is_array() const { return type() == Type::kArray; }
  bool is_string() const { return type() == Type::kString; }
  bool is_null() const { return type() == Type::kNull; }
  bool is_number() const { return type() == Type::kNumber; }

  // Object member `key` (compared with the unescaped key); missing when absent or not an
  // object.
  Value Find(std::string_view key) const;
  // Unescaped string contents; "" for anything but a string.
  std::string String() const;
  // true only for the literal true.
  bool True() const { return type() == Type::kTrue; }
  // Integer numbers (no fraction or exponent) that fit the type; nullopt otherwise.
  std::optional<int64_t> Int64() const;
  std::optional<uint64_t> UInt64() const;
  // The value's text as written (strings without their quotes, still escaped).
  std::string_view Raw() const;

  // Elements of an array, or member values of an object; empty for anything else.
  class Iterator {
   public:
    Value operator*() const { return Value(doc_, object_ ? i_ + 1 : i_); }
    Iterator& operator++();
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    friend class Value;
    Iterator(const Doc* doc, uint32_t i, bool object) : doc_(doc), i_(i), object_(object) {}
    const Doc* doc_;
    uint32_t i_;
    bool object_;
  };
  struct Range {
    Iterator b, e;
    Iterator begin() const { return b; }
    Iterator end() const { return e; }
  };
  Range Children() const;

 private:
  friend class Doc;
  Value(const Doc* doc, uint32_t i) : doc_(doc), i_(i) {}
  const Doc* doc_ = nullptr;
  uint32_t i_ = 0;
};

class Doc {
 public:
  // Reads `text` (not copied: it must outlive the Doc). Never throws on bad input.
  explicit Doc(std::string_view text);
  Doc(const Doc&) = delete;
  Doc& operator=(const Doc&) = delete;

  bool ok() const { return error_.empty(); }
  // Why the text is not JSON ("at byte 17: expected ':'"); "" when ok.
  const std::string& error() const { return error_; }
  // The top-level value; missing when !ok().
  Value root() const { return ok() ? Value(this, 0) : Value(); }

 private:
  friend class Value;
  struct Node {
    Type type;
    bool escaped;   // strings: contains a backslash escape
    uint32_t next;  // index of the node after this value's subtree
    uint32_t off;   // value text: offset and length in text_ (strings: inside the quotes)
    uint32_t len;
  };
  bool Parse();
  bool Fail(size_t at, std::string_view what);
  bool ScanString(size_t& pos, bool& escaped);
  bool ScanNumber(size_t& pos);

  std::string_view text_;
  std::vector<Node> nodes_;
  std::string error_;
};

// Decodes the escapes of a string's raw text (already validated by Doc).
std::string Unescape(std::string_view raw);

}  // namespace schemabot::webhooks::json
