// Structured logging on spdlog: one line per event, with key=value fields.
//
//   log::Info("delivery", {{"delivery", id}, {"host", "github"}, {"outcome", "queued"}});
//
// Text format:  2026-12-01T09:00:00.123Z info delivery delivery=abc host=github outcome=queued
// JSON format: {"ts":"2026-12-01T09:00:00.123Z","level":"info","msg":"delivery","delivery":"abc",…}
//
// Values containing spaces, quotes or `=` are quoted in text form. Never pass secrets: the
// logger does not know which values are secret. Output goes to stderr.
//
// Thread-safety: all functions may be called from any thread; Configure() before starting
// threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace schemabot::log {

enum class Format { kText, kJson };
enum class Level { kDebug, kInfo, kWarn, kError };

using Fields = std::vector<std::pair<std::string, std::string>>;

// Sets the output format and the minimum level (default: text, info).
void Configure(Format format, Level min_level);

void Debug(std::string_view msg, const Fields& fields = {});
void Info(std::string_view msg, const Fields& fields = {});
void Warn(std::string_view msg, const Fields& fields = {});
void Error(std::string_view msg, const Fields& fields = {});

// The line that would be written (without timestamp), for tests.
std::string FormatForTest(Format format, Level level, std::string_view msg, const Fields& fields);

}  // namespace schemabot::log
