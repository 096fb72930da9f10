#include "base/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

#include "base/text.h"

namespace schemabot::log {
namespace {

std::atomic<Format> g_format{Format::kText};
std::atomic<Level> g_level{Level::kInfo};

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("schemabot",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

const char* LevelName(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (unsigned char c : v) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) return true;
  }
  return false;
}

std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = ms / 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string Line(Format format, Level level, std::string_view msg, const Fields& fields,
                 const std::string& ts) {
  std::string out;
  if (format == Format::kJson) {
    out += '{';
    if (!ts.empty()) {
      out += "\"ts\":";
      AppendJsonString(out, ts);
      out += ',';
    }
    out += "\"level\":";
    AppendJsonString(out, LevelName(level));
    out += ",\"msg\":";
    AppendJsonString(out, msg);
    for (const auto& [k, v] : fields) {
      out += ',';
      AppendJsonString(out, k);
      out += ':';
      AppendJsonString(out, v);
    }
    out += '}';
    return out;
  }
  if (!ts.empty()) out += ts + " ";
  out += LevelName(level);
  out += ' ';
  out += msg;
  for (const auto& [k, v] : fields) {
    out += ' ' + k + '=';
    if (NeedsQuotes(v)) {
      AppendJsonString(out, v);
    } else {
      out += v;
    }
  }
  return out;
}

void Write(Level level, std::string_view msg, const Fields& fields) {
  if (level < g_level.load()) return;
  Logger().info(Line(g_format.load(), level, msg, fields, Timestamp()));
}

}  // namespace

void Configure(Format format, Level min_level) {
  g_format = format;
  g_level = min_level;
}

void Debug(std::string_view msg, const Fields& fields) { Write(Level::kDebug, msg, fields); }
void Info(std::string_view msg, const Fields& fields) { Write(Level::kInfo, msg, fields); }
void Warn(std::string_view msg, const Fields& fields) { Write(Level::kWarn, msg, fields); }
void Error(std::string_view msg, const Fields& fields) { Write(Level::kError, msg, fields); }

std::string FormatForTest(Format format, Level level, std::string_view msg, const Fields& fields) {
  return Line(format, level, msg, fields, "");
}

}  // namespace schemabot::log
