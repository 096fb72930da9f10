// Dev-database URL parsing and printing.
#include <cctype>
#include <string>

#include "base/text.h"
#include "engine/devdb/devdb.h"

namespace schemabot::devdb {
namespace {

constexpr std::string_view kRedacted = "xxxxx";

Result<std::string> PercentDecode(std::string_view s, std::string_view what) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return InvalidArgument("bad percent-escape in " + std::string(what));
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return InvalidArgument("bad percent-escape in " + std::string(what));
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// The URL with its password masked, built from the raw text so that even an unparsable
// URL can be quoted in an error.
std::string RedactRaw(std::string_view text) {
  std::string s(text);
  size_t scheme = s.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t at = s.find('@', start);
  size_t slash = s.find('/', start);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    size_t colon = s.find(':', start);
    if (colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, kRedacted);
  }
  size_t p = s.find("password=");
  if (p != std::string::npos) {
    size_t end = s.find('&', p);
    s.replace(p + 9, (end == std::string::npos ? s.size() : end) - p - 9, kRedacted);
  }
  return s;
}

std::string Build(const Url& u, bool redact) {
  std::string out = u.engine == Engine::kPostgres ? "postgres://" : "mysql://";
  if (!u.user.empty() || !u.password.empty()) {
    out += PercentEncode(u.user);
    if (!u.password.empty())
      out += ":" + (redact ? std::string(kRedacted) : PercentEncode(u.password));
    out += "@";
  }
  out += u.host;
  if (u.port) out += ":" + std::to_string(u.port);
  out += "/" + PercentEncode(u.database);
  std::vector<std::pair<std::string, std::string>> params;
  if (!u.socket.empty())
    params.emplace_back(u.engine == Engine::kPostgres ? "host" : "socket", u.socket);
  for (const auto& p : u.params) params.push_back(p);
  char sep = '?';
  for (const auto& [k, v] : params) {
    out += sep;
    sep = '&';
    bool secret = k == "password";
    // Socket paths stay readable: '/' needs no escaping in a query.
    std::string value = secret && redact ? std::string(kRedacted) : v;
    std::string enc;
    for (char c : value) {
      if (c == '&' || c == '=' || c == '%' || c == '#' || c == ' ') {
        enc += PercentEncode(std::string_view(&c, 1));
      } else {
        enc += c;
      }
    }
    out += k + "=" + enc;
  }
  return out;
}

}  // namespace

std::string Url::String() const { return Build(*this, false); }
std::string Url::Redacted() const { return Build(*this, true); }

Url Url::With(std::string_view u, std::string_view p, std::string_view db) const {
  Url copy = *this;
  copy.user = u;
  copy.password = p;
  copy.database = db;
  return copy;
}

std::string Url::Param(std::string_view key) const {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "";
}

Result<Url> ParseUrl(std::string_view text) {
  auto fail = [&](std::string why) {
    return InvalidArgument("dev-database url \"" + RedactRaw(text) + "\": " + why);
  };
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) return fail("missing scheme (postgres:// or mysql://)");
  std::string scheme(text.substr(0, sep));
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Url url;
  if (scheme == "postgres" || scheme == "postgresql") {
    url.engine = Engine::kPostgres;
  } else if (scheme == "mysql" || scheme == "maria" || scheme == "mariadb") {
    url.engine = Engine::kMySQL;
  } else {
    return fail("unknown scheme \"" + scheme + "\" (want postgres or mysql)");
  }
  std::string_view rest = text.substr(sep + 3);
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view authority = rest, path;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    std::string_view user = userinfo, pass;
    if (size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      pass = userinfo.substr(colon + 1);
    }
    auto u = PercentDecode(user, "user");
    auto p = PercentDecode(pass, "password");
    if (!u) return fail(u.error().message);
    if (!p) return fail(p.error().message);
    url.user = *u;
    url.password = *p;
  }
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:5432
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail("unclosed '[' in host");
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return fail("junk after host");
    if (!after.empty()) port = after.substr(1);
    if (after.size() == 1) return fail("empty port");
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return fail("empty port");
  }
  if (!port.empty()) {
    int n = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || n > 65535) return fail("bad port \"" + std::string(port) + "\"");
      n = n * 10 + (c - '0');
    }
    if (n == 0 || n > 65535) return fail("bad port \"" + std::string(port) + "\"");
    url.port = n;
  }
  url.host = host;
  auto db = PercentDecode(path, "database");
  if (!db) return fail(db.error().message);
  url.database = *db;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view kv = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (kv.empty()) continue;
    size_t eq = kv.find('=');
    std::string key(kv.substr(0, eq));
    auto value = PercentDecode(eq == std::string_view::npos ? "" : kv.substr(eq + 1), key);
    if (!value) return fail(value.error().message);
    if (url.engine == Engine::kPostgres && key == "host") {
      url.socket = *value;
    } else if (url.engine == Engine::kMySQL && key == "socket") {
      url.socket = *value;
    } else if (key == "password" && url.password.empty()) {
      url.password = *value;
    } else if (key == "user" && url.user.empty()) {
      url.user = *value;
    } else {
      url.params.emplace_back(key, *value);
    }
  }
  if (url.engine == Engine::kPostgres && !url.host.empty() && url.host.front() == '/') {
    url.socket = url.host;
    url.host.clear();
  }
  return url;
}

std::string QuoteIdent(Engine engine, std::string_view name) {
  char q = engine == Engine::kPostgres ? '"' : '`';
  std::string out(1, q);
  for (char c : name) {
    if (c == q) out += q;
    out += c;
  }
  out += q;
  return out;
}

std::string QuoteLiteral(Engine engine, std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    if (c == '\\' && engine == Engine::kMySQL) out += '\\';
    out += c;
  }
  out += "'";
  return out;
}

std::string_view FlavorName(Flavor f) {
  switch (f) {
    case Flavor::kPostgres:
      return "postgres";
    case Flavor::kMySQL:
      return "mysql";
    case Flavor::kMariaDB:
      return "mariadb";
  }
  return "?";
}

}  // namespace schemabot::devdb
