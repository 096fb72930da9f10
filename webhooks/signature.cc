#include "webhooks/signature.h"

#include "base/crypto.h"

namespace schemabot::webhooks {

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  return HexEncode(HmacSha256(key, message));
}

std::string SignatureHeader(std::string_view secret, std::string_view body) {
  return "sha256=" + HmacSha256Hex(secret, body);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return schemabot::ConstantTimeEquals(a, b);
}

bool VerifySignature(const std::vector<std::string>& secrets, std::string_view body,
                     std::string_view header) {
  constexpr std::string_view kPrefix = "sha256=";
  if (!header.starts_with(kPrefix)) return false;
  std::string_view given = header.substr(kPrefix.size());
  bool ok = false;
  for (const std::string& s : secrets) {
    if (s.empty()) continue;
    ok |= ConstantTimeEquals(HmacSha256Hex(s, body), given);
  }
  return ok;
}

bool VerifyToken(const std::vector<std::string>& secrets, std::string_view token) {
  bool ok = false;
  for (const std::string& s : secrets) {
    if (s.empty()) continue;
    ok |= ConstantTimeEquals(s, token);
  }
  return ok;
}

}  // namespace schemabot::webhooks
