// Text encodings shared across modules.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace schemabot {

// Appends `s` as a JSON string literal: quotes, backslash escapes for '"', '\\' and
// control characters, and U+FFFD for each byte that is not part of valid UTF-8 (so any
// input, header values included, gives valid JSON).
void AppendJsonString(std::string& out, std::string_view s);

// The first index at or after `p` whose byte may not stand in a JSON string as it is
// ('"', '\\', a control character or non-ASCII); s.size() when there is none.
size_t JsonPlainRun(std::string_view s, size_t p);

// Length of the well-formed UTF-8 sequence starting at s[0] (a byte >= 0x80), or 0.
size_t Utf8Length(std::string_view s);

// Percent-encodes everything but RFC 3986 unreserved characters (so "a/b" -> "a%2Fb").
std::string PercentEncode(std::string_view s);

}  // namespace schemabot
