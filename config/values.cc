#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "config/config.h"
#include "config/internal.h"

namespace schemabot::config {

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kString:
      return "string";
    case KeyType::kInt:
      return "integer";
    case KeyType::kBool:
      return "bool";
    case KeyType::kDuration:
      return "duration";
    case KeyType::kEnum:
      return "enum";
    case KeyType::kStringList:
      return "list of strings";
    case KeyType::kSecretFile:
      return "secret file(s)";
  }
  return "string";
}

std::string Location::ToString() const {
  if (line == 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(col);
}

std::string NormalizePath(std::string_view path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    out += path[i];
    if (path[i] == '[') {
      while (i + 1 < path.size() && path[i + 1] != ']') ++i;
    }
  }
  return out;
}

const Key* FindKey(KeyTable table, std::string_view normalized) {
  for (const Key& k : table) {
    if (k.name == normalized) return &k;
  }
  return nullptr;
}

bool HasPrefix(KeyTable table, std::string_view prefix) {
  for (const Key& k : table) {
    if (k.name.starts_with(prefix)) return true;
  }
  return false;
}

static size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string Suggest(KeyTable table, std::string_view normalized) {
  std::string best;
  size_t best_d = 4;  // suggest only close names
  for (const Key& k : table) {
    size_t d = EditDistance(k.name, normalized);
    if (d < best_d) {
      best_d = d;
      best = std::string(k.name);
    }
  }
  return best;
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0 || i > 12) return InvalidArgument("\"" + std::string(text) + "\" is not a duration");
  int64_t n = std::stoll(std::string(text.substr(0, i)));
  std::string_view unit = text.substr(i);
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit == "s" || unit.empty()) return std::chrono::milliseconds(n * 1000);
  if (unit == "m") return std::chrono::milliseconds(n * 60'000);
  if (unit == "h") return std::chrono::milliseconds(n * 3'600'000);
  return InvalidArgument("\"" + std::string(text) + "\" is not a duration (use ms, s, m or h)");
}

Result<void> CheckScalar(const Key& key, const std::string& v) {
  switch (key.type) {
    case KeyType::kInt: {
      size_t i = (!v.empty() && v[0] == '-') ? 1 : 0;
      if (v.size() == i || v.size() > 18) return InvalidArgument("\"" + v + "\" is not an integer");
      for (; i < v.size(); ++i) {
        if (v[i] < '0' || v[i] > '9') return InvalidArgument("\"" + v + "\" is not an integer");
      }
      return Ok();
    }
    case KeyType::kBool:
      if (v == "true" || v == "false") return Ok();
      return InvalidArgument("\"" + v + "\" is not true or false");
    case KeyType::kDuration:
      if (auto d = ParseDuration(v); !d) return d.error();
      return Ok();
    case KeyType::kEnum: {
      std::string_view c = key.choices;
      while (!c.empty()) {
        size_t bar = c.find('|');
        if (c.substr(0, bar) == v) return Ok();
        if (bar == std::string_view::npos) break;
        c.remove_prefix(bar + 1);
      }
      return InvalidArgument("\"" + v + "\" is not one of " + std::string(key.choices));
    }
    default:
      return Ok();
  }
}

const Key* Values::Find(std::string_view path) const {
  const Key* k = FindKey(table_, NormalizePath(path));
  assert(k && "config key not in the table");
  return k;
}

const Values::Entry* Values::Get(std::string_view path) const {
  auto it = entries_.find(path);
  return it == entries_.end() ? nullptr : &it->second;
}

static std::string Scalar(const Key* k, const std::vector<std::string>* items) {
  if (items && !items->empty()) return items->front();
  if (!k) return "";
  return std::string(k->default_value);
}

std::string Values::String(std::string_view path) const {
  const Entry* e = Get(path);
  return Scalar(Find(path), e ? &e->items : nullptr);
}

int64_t Values::Int(std::string_view path) const {
  std::string s = String(path);
  return s.empty() ? 0 : std::strtoll(s.c_str(), nullptr, 10);
}

bool Values::Bool(std::string_view path) const { return String(path) == "true"; }

std::chrono::milliseconds Values::Duration(std::string_view path) const {
  auto d = ParseDuration(String(path));
  return d ? *d : std::chrono::milliseconds(0);
}

std::vector<std::string> Values::List(std::string_view path) const {
  if (const Entry* e = Get(path)) return e->items;
  const Key* k = Find(path);
  return k ? ParseDefaultList(k->default_value) : std::vector<std::string>{};
}

bool Values::IsSet(std::string_view path) const { return Get(path) != nullptr; }

bool Values::FromEnv(std::string_view path) const {
  const Entry* e = Get(path);
  return e && e->from_env;
}

bool Values::AnySet(std::string_view prefix) const {
  std::string p = std::string(prefix) + ".";
  auto it = entries_.lower_bound(p);
  return it != entries_.end() && it->first.starts_with(p);
}

size_t Values::Count(std::string_view list_path) const {
  auto it = counts_.find(list_path);
  return it == counts_.end() ? 0 : it->second;
}

Location Values::Where(std::string_view path) const {
  if (const Entry* e = Get(path)) return e->where;
  if (auto it = entries_.find(std::string(path) + "."); it != entries_.end()) {
    return it->second.where;
  }
  return Location{file_, 0, 0};
}

Error Values::ErrorAt(std::string_view path, std::string_view message) const {
  std::string display(path);
  if (const Entry* e = Get(path); e && e->from_env) {
    display = display.substr(0, display.size() - 5) + "_env";
  }
  return InvalidArgument(Where(path).ToString() + ": " + display + ": " + std::string(message));
}

static Result<std::vector<std::string>> SecretLines(const std::string& text,
                                                    const std::string& what) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
    if (!line.empty()) out.push_back(line);
  }
  if (out.empty()) return InvalidArgument(what + " holds no secret");
  return out;
}

Result<std::vector<std::string>> Values::Secrets(std::string_view path) const {
  std::vector<std::string> out;
  const Entry* e = Get(path);
  if (!e) return out;
  for (const std::string& item : e->items) {
    std::string text, what;
    if (e->from_env) {
      what = "environment variable \"" + item + "\"";
      const char* v = std::getenv(item.c_str());
      if (!v) {
        Error err = ErrorAt(path, what + " is not set");
        err.code = ErrorCode::kNotFound;
        return err;
      }
      text = v;
    } else {
      what = "file \"" + item + "\"";
      std::ifstream in(item, std::ios::binary);
      if (!in) {
        Error err = ErrorAt(path, "cannot read " + what);
        err.code = ErrorCode::kNotFound;
        return err;
      }
      std::stringstream ss;
      ss << in.rdbuf();
      text = ss.str();
    }
    auto lines = SecretLines(text, what);
    if (!lines) return ErrorAt(path, lines.error().message);
    out.insert(out.end(), lines->begin(), lines->end());
  }
  return out;
}

std::string RedactUrl(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? end : end - start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  size_t colon = authority.find(':');
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  std::string out(url.substr(0, start + colon + 1));
  out += "REDACTED";
  out += url.substr(start + at);
  return out;
}

}  // namespace schemabot::config
