// Hashing and encoding primitives shared by the engine and the bot: SHA-256 (one-shot and
// incremental), HMAC-SHA256, standard base64, lowercase hex and a constant-time compare.
// Backed by OpenSSL's EVP interface; OpenSSL types never appear in this header.
//
//   std::string d = Sha256("abc");                 // 32 raw bytes
//   Sha256Hasher h; h.Update("a"); h.Update("bc");
//   h.Digest() == d;                               // Digest() does not reset the state
//   Base64Encode(d)  -> "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
//   HexEncode(HmacSha256(key, body)) == "…";       // X-Hub-Signature-256 style
//
// Thread-safety: the free functions are thread-safe; a Sha256Hasher is a plain value that
// one thread uses at a time.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace schemabot {

inline constexpr size_t kSha256Size = 32;

// SHA-256 of `data`: 32 raw bytes.
std::string Sha256(std::string_view data);

// An incremental SHA-256. Digest() returns the hash of everything fed so far and leaves the
// state untouched, so feeding can continue (like Go's hash.Hash.Sum(nil)); atlas.sum's
// cumulative per-file hashes rely on this.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(Sha256Hasher&&) noexcept;
  Sha256Hasher& operator=(Sha256Hasher&&) noexcept;
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view data);
  // 32 raw bytes of the digest of all data fed so far.
  std::string Digest() const;
  // Starts over as if newly constructed.
  void Reset();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// HMAC-SHA256 of `data` under `key`: 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

// Standard base64 (RFC 4648 §4, '+' '/', '=' padding), as Go's base64.StdEncoding.
std::string Base64Encode(std::string_view data);
// URL-safe base64 without padding (RFC 4648 §5, as JWTs use it).
std::string Base64UrlEncode(std::string_view data);
// Decodes standard padded base64. Whitespace or any character outside the alphabet, bad
// padding or a length that is not a multiple of 4 -> InvalidArgument.
Result<std::string> Base64Decode(std::string_view text);

// Lowercase hex of raw bytes.
std::string HexEncode(std::string_view data);
// Decodes hex (either case). Odd length or a non-hex character -> InvalidArgument.
Result<std::string> HexDecode(std::string_view text);

// Compares two byte strings in time that depends only on their lengths (for secrets such
// as webhook signatures). Different lengths compare unequal.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace schemabot
