// Non-throwing access to untrusted JSON for the webhook parsers. Internal to webhooks/.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace schemabot::webhooks::json_util {

using Json = nlohmann::json;

// The node at `path` (object keys), or nullptr. A key also matches with one trailing space
// ("iid " in some GitLab payloads).
inline const Json* At(const Json& j, std::initializer_list<std::string_view> path) {
  const Json* cur = &j;
  for (std::string_view k : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(k);
    if (it == cur->end()) it = cur->find(std::string(k) + " ");
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

// Strings as they are; numbers as decimal text (ids); anything else "".
inline std::string Str(const Json& j, std::initializer_list<std::string_view> path) {
  const Json* n = At(j, path);
  if (!n) return "";
  if (n->is_string()) return n->get_ref<const std::string&>();
  if (n->is_number_integer()) return std::to_string(n->get<int64_t>());
  if (n->is_number_unsigned()) return std::to_string(n->get<uint64_t>());
  return "";
}

// Integers, or integer strings; 0 otherwise.
inline int64_t Int(const Json& j, std::initializer_list<std::string_view> path) {
  const Json* n = At(j, path);
  if (!n) return 0;
  if (n->is_number_integer()) return n->get<int64_t>();
  if (n->is_number_unsigned()) return static_cast<int64_t>(n->get<uint64_t>());
  if (n->is_string()) {
    const std::string& s = n->get_ref<const std::string&>();
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
      return 0;
    }
    return std::stoll(s);
  }
  return 0;
}

inline bool Bool(const Json& j, std::initializer_list<std::string_view> path) {
  const Json* n = At(j, path);
  return n && n->is_boolean() && n->get<bool>();
}

inline bool Present(const Json& j, std::initializer_list<std::string_view> path) {
  const Json* n = At(j, path);
  return n && !n->is_null();
}

// Parses without exceptions; a discarded value on error.
inline Json Parse(std::string_view body) {
  return Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
}

}  // namespace schemabot::webhooks::json_util
