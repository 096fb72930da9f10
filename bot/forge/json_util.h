// Small helpers shared by the GitHub and GitLab clients (internal to bot/forge): reading
// host JSON without exceptions, base64, times. Untrusted replies never throw: a missing
// or mistyped field reads as empty / zero.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/crypto.h"
#include "base/result.h"

namespace schemabot::forge {

using Json = nlohmann::json;

// Parses `body`; kInternal naming `what` if it is not JSON.
Result<Json> ParseJson(const std::string& body, std::string_view what);

// j[key] as a string / integer / bool, or "" / 0 / false.
std::string JStr(const Json& j, const char* key);
int64_t JInt(const Json& j, const char* key);
bool JBool(const Json& j, const char* key);
// j[key] if it is an object or array, else a null value.
const Json& JObj(const Json& j, const char* key);

// Lenient base64 for what hosts send (GitHub wraps contents in newlines): standard or URL
// alphabet, whitespace and padding ignored. kInvalidArgument on bad input. Encoding:
// base/crypto.h (Base64Encode, Base64UrlEncode).
Result<std::string> Base64Decode(std::string_view data);

// "2016-07-11T22:14:10Z" -> time point; nullopt if not in that form.
std::optional<std::chrono::system_clock::time_point> ParseIsoTime(const std::string& s);

}  // namespace schemabot::forge
