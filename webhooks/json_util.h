// Non-throwing access to untrusted JSON for the webhook parsers, on the fast tape reader of
// json_scan.h. Internal to webhooks/.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "webhooks/json_scan.h"

namespace schemabot::webhooks::json_util {

using Json = json::Value;

// The node at `path` (object keys), or a missing Value. A key also matches with one trailing
// space ("iid " in some GitLab payloads).
inline Json At(Json j, std::initializer_list<std::string_view> path) {
  for (std::string_view k : path) {
    Json next = j.Find(k);
    if (!next) next = j.Find(std::string(k) + " ");
    if (!next) return {};
    j = next;
  }
  return j;
}

// Strings as they are; integers as decimal text (ids); anything else "".
inline std::string Str(Json j, std::initializer_list<std::string_view> path) {
  Json n = At(j, path);
  if (n.is_string()) return n.String();
  if (auto u = n.UInt64()) return std::to_string(*u);
  if (auto i = n.Int64()) return std::to_string(*i);
  return "";
}

// Integers, or integer strings; 0 otherwise.
inline int64_t Int(Json j, std::initializer_list<std::string_view> path) {
  Json n = At(j, path);
  if (auto i = n.Int64()) return *i;
  if (auto u = n.UInt64()) return static_cast<int64_t>(*u);
  if (n.is_string()) {
    std::string s = n.String();
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
      return 0;
    }
    return std::stoll(s);
  }
  return 0;
}

inline bool Bool(Json j, std::initializer_list<std::string_view> path) {
  return At(j, path).True();
}

inline bool Present(Json j, std::initializer_list<std::string_view> path) {
  Json n = At(j, path);
  return n && !n.is_null();
}

}  // namespace schemabot::webhooks::json_util
