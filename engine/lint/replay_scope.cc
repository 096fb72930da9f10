// Scoped inspection for replay: which tables a statement can change, the tracker that
// re-inspects only those, and the cache of snapshot schemas.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <list>
#include <mutex>
#include <set>

#include "engine/lint/replay.h"

namespace schemabot::lint {
namespace {

using Clock = std::chrono::steady_clock;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsName(const sql::Token& t) {
  return t.kind == sql::TokenKind::kKeyword || t.kind == sql::TokenKind::kIdentifier ||
         t.kind == sql::TokenKind::kQuotedIdentifier;
}

// The object kind a CREATE / ALTER / DROP statement is about: the first of these words
// after the verb (modifiers such as OR REPLACE, UNIQUE, UNLOGGED, IF EXISTS, MySQL's
// ALGORITHM=… DEFINER=… are skipped over). "" when none is found near the start.
std::string ObjectKind(const std::vector<sql::Token>& t) {
  static const std::set<std::string> kinds = {
      "table",        "index",        "view",       "sequence",  "schema",    "database", "type",
      "trigger",      "policy",       "function",   "procedure", "extension", "domain",   "rule",
      "materialized", "event",        "aggregate",  "operator",  "collation", "role",     "user",
      "publication",  "subscription", "statistics", "server",    "language",  "cast"};
  for (size_t i = 1; i < t.size() && i < 12; ++i) {
    if (t[i].kind != sql::TokenKind::kKeyword && t[i].kind != sql::TokenKind::kIdentifier) {
      continue;
    }
    std::string w = Lower(t[i].text);
    if (kinds.count(w)) return w;
  }
  return "";
}

bool Has(const std::vector<sql::Token>& t, std::string_view words) {
  return sql::FindWords(t, words) != std::string_view::npos;
}

// Whether the tables named in the statement (plus index owners and FK referencers) are
// all it can change.
bool Scopable(std::string_view text, sql::Dialect dialect, const std::vector<sql::Token>& t) {
  if (t.empty()) return true;
  std::string verb = Lower(t[0].text);
  if (dialect == sql::Dialect::kMySQL) {
    // Dynamic SQL around an EXECUTE: assigning user variables (a stored function cannot
    // run DDL), preparing and deallocating change nothing; the EXECUTE is inspected in full.
    if (verb == "prepare" || verb == "deallocate") return true;
    if (verb == "set" && t.size() > 1) {
      std::string_view rest = text.substr(t[1].offset);
      return rest.size() > 1 && rest[0] == '@' && rest[1] != '@';
    }
  }
  static const std::set<std::string> data = {
      "insert",  "update",  "delete",  "replace", "truncate", "grant",    "revoke", "analyze",
      "vacuum",  "refresh", "lock",    "begin",   "commit",   "end",      "start",  "savepoint",
      "release", "reindex", "cluster", "rename",  "comment",  "optimize", "flush"};
  if (data.count(verb)) return true;
  std::string kind = ObjectKind(t);
  if (verb == "create") {
    static const std::set<std::string> ok = {"table",  "index",        "view",       "sequence",
                                             "schema", "database",     "type",       "trigger",
                                             "policy", "materialized", "statistics", "event"};
    return ok.count(kind) > 0;
  }
  if (verb == "alter") {
    if (kind == "table" || kind == "index" || kind == "view" || kind == "materialized" ||
        kind == "trigger" || kind == "policy" || kind == "database" || kind == "statistics") {
      return true;
    }
    // Renaming a sequence changes the nextval('…') defaults that name it.
    if (kind == "sequence") return !Has(t, "RENAME") && !Has(t, "SET SCHEMA");
    // A new enum label changes no table; a renamed type or label changes column types
    // and defaults everywhere.
    if (kind == "type") return Has(t, "ADD VALUE") && !Has(t, "RENAME");
    return false;
  }
  if (verb == "drop") {
    // Without CASCADE a drop fails when something else depends on the object; with it
    // only table, index and view drops stay within the tables named, their referencers
    // and the views (which are always read again).
    if (!Has(t, "CASCADE")) return !kind.empty() && kind != "role" && kind != "user";
    return kind == "table" || kind == "index" || kind == "view" || kind == "materialized";
  }
  return false;
}

}  // namespace

void UseGenericPlans(devdb::Driver& driver) {
  const devdb::ServerVersion& v = driver.version();
  if (v.flavor != devdb::Flavor::kPostgres || v.major < 12) return;
  // Only a plan choice; a migration that resets it only makes inspections slower.
  (void)driver.Exec("SET plan_cache_mode = force_generic_plan");
}

std::optional<std::vector<std::string>> TouchedTables(std::string_view statement,
                                                      sql::Dialect dialect,
                                                      const schema::Realm& before) {
  std::vector<sql::Token> tokens = sql::Tokenize(statement, dialect);
  if (!Scopable(statement, dialect, tokens)) return std::nullopt;
  std::set<std::string> names;  // lower case
  for (const auto& tok : tokens) {
    if (IsName(tok)) names.insert(Lower(sql::Unquote(tok)));
  }
  std::set<std::string> out = names;
  for (const auto& s : before.schemas) {
    for (const auto& tab : s.tables) {
      bool add = false;
      if (tab.primary_key && names.count(Lower(tab.primary_key->name))) add = true;
      for (const auto& ix : tab.indexes) add = add || names.count(Lower(ix.name)) > 0;
      if (add) out.insert(Lower(tab.name));
    }
  }
  // Tables referencing a touched one: renamed or dropped columns and tables, dropped
  // unique indexes, moved tables and attached or detached partitions change or drop their
  // foreign keys. Other statements (ADD …, CREATE INDEX, ALTER COLUMN … TYPE) leave them.
  static const std::set<std::string> reach = {"rename",    "drop",   "change", "schema",
                                              "partition", "attach", "detach"};
  bool referencers = false;
  for (const auto& tok : tokens) {
    if (tok.kind == sql::TokenKind::kKeyword || tok.kind == sql::TokenKind::kIdentifier) {
      referencers = referencers || reach.count(Lower(tok.text)) > 0;
    }
  }
  if (!referencers) return std::vector<std::string>(out.begin(), out.end());
  const std::set<std::string> touched = out;
  for (const auto& s : before.schemas) {
    for (const auto& tab : s.tables) {
      for (const auto& fk : tab.foreign_keys) {
        if (touched.count(Lower(fk.ref_table))) out.insert(Lower(tab.name));
      }
    }
  }
  return std::vector<std::string>(out.begin(), out.end());
}

SchemaTracker::SchemaTracker(devdb::Driver& driver, sql::Dialect dialect,
                             schema::InspectOptions options, bool scoped)
    : driver_(driver), dialect_(dialect), options_(std::move(options)), scoped_mode_(scoped) {}

void SchemaTracker::Reset(schema::Realm state) { state_ = std::move(state); }

void SchemaTracker::Invalidate() { state_.reset(); }

Result<const schema::Realm*> SchemaTracker::Full() {
  auto t = Clock::now();
  auto r = schema::Inspect(driver_, options_);
  inspect_ms_ += std::chrono::duration<double, std::milli>(Clock::now() - t).count();
  ++full_;
  if (!r) {
    state_.reset();
    return std::move(r).error();
  }
  state_ = std::move(*r);
  return &*state_;
}

Result<const schema::Realm*> SchemaTracker::Current() {
  if (state_) return &*state_;
  return Full();
}

Result<const schema::Realm*> SchemaTracker::After(std::string_view statement) {
  if (!state_ || !scoped_mode_) return Full();
  auto tables = TouchedTables(statement, dialect_, *state_);
  if (!tables) return Full();
  if (!generic_plans_) {
    generic_plans_ = true;
    UseGenericPlans(driver_);
  }
  auto t = Clock::now();
  auto r = schema::InspectChanged(driver_, *state_, *tables, options_);
  inspect_ms_ += std::chrono::duration<double, std::milli>(Clock::now() - t).count();
  ++scoped_;
  if (!r) {
    state_.reset();
    return std::move(r).error();
  }
  state_ = std::move(*r);
  return &*state_;
}

namespace {

class SnapshotSchemas {
 public:
  std::optional<schema::Realm> Get(const std::string& key) {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first == key) {
        entries_.splice(entries_.begin(), entries_, it);
        return entries_.front().second;
      }
    }
    return std::nullopt;
  }
  void Put(const std::string& key, const schema::Realm& realm) {
    std::lock_guard<std::mutex> lk(mu_);
    entries_.remove_if([&](const auto& e) { return e.first == key; });
    entries_.emplace_front(key, realm);
    if (entries_.size() > 8) entries_.pop_back();
  }

 private:
  std::mutex mu_;
  std::list<std::pair<std::string, schema::Realm>> entries_;
};

SnapshotSchemas& Schemas() {
  static SnapshotSchemas* cache = new SnapshotSchemas;
  return *cache;
}

std::string CacheKey(const devdb::ServerVersion& server, const std::string& key) {
  return std::string(devdb::FlavorName(server.flavor)) + " " + server.text + "\n" + key;
}

}  // namespace

std::optional<schema::Realm> CachedSnapshotSchema(const devdb::ServerVersion& server,
                                                  const std::string& key) {
  return Schemas().Get(CacheKey(server, key));
}

void CacheSnapshotSchema(const devdb::ServerVersion& server, const std::string& key,
                         const schema::Realm& realm) {
  Schemas().Put(CacheKey(server, key), realm);
}

}  // namespace schemabot::lint
