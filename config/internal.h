// Helpers shared by the config machinery's .cc files. Not part of the public API.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace schemabot::config {

// "dirs[3].path" -> "dirs[].path".
std::string NormalizePath(std::string_view path);
const Key* FindKey(KeyTable table, std::string_view normalized);
bool HasPrefix(KeyTable table, std::string_view prefix);
// The closest key name within a small edit distance, or "".
std::string Suggest(KeyTable table, std::string_view normalized);
// Checks one scalar against the key's type ("must be an integer", …).
Result<void> CheckScalar(const Key& key, const std::string& value);
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);
std::vector<std::string> ParseDefaultList(std::string_view text);

}  // namespace schemabot::config
