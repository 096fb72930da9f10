// The Pool's MySQL / MariaDB backend: one schema and one user per slot (ALL on that
// schema only), snapshots as DDL + rows re-executed by the slot's own user.
#include <regex>
#include <string>

#include "engine/devdb/pool_backend.h"

namespace schemabot::devdb {
namespace {

std::string Id(const std::string& s) { return QuoteIdent(Engine::kMySQL, s); }
std::string Lit(const std::string& s) { return QuoteLiteral(Engine::kMySQL, s); }

// Rows beyond this make a schema too big to snapshot as INSERTs.
constexpr uint64_t kMaxSnapshotData = uint64_t{64} << 20;

const char* kHosts[] = {"localhost", "%"};

class MySQLBackend final : public Backend {
 public:
  explicit MySQLBackend(BackendConfig c) : c_(std::move(c)) {}

  Result<void> Connect() {
    SB_TRY_ASSIGN(admin_, devdb::Connect(c_.options.admin_url));
    version_ = admin_->version();
    return Ok();
  }

  Result<void> Cleanup() override {
    std::string like = Lit(c_.LikePrefix());
    SB_TRY_ASSIGN(Rows dbs, admin_->Query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA "
                                          "WHERE SCHEMA_NAME LIKE " +
                                          like));
    for (const auto& r : dbs.rows) SB_TRY(admin_->Exec("DROP DATABASE IF EXISTS " + Id(*r[0])));
    SB_TRY_ASSIGN(Rows users,
                  admin_->Query("SELECT User, Host FROM mysql.user WHERE User LIKE " + like));
    for (const auto& r : users.rows) {
      SB_TRY(admin_->Exec("DROP USER IF EXISTS " + Lit(*r[0]) + "@" + Lit(*r[1])));
    }
    return Ok();
  }

  Result<void> SetupSlot(int i) override {
    for (const char* host : kHosts) {
      std::string user = Lit(c_.SlotRole(i)) + "@" + Lit(host);
      SB_TRY(admin_->Exec("CREATE USER " + user + " IDENTIFIED BY " + Lit(c_.passwords[i])));
      SB_TRY(admin_->Exec("GRANT ALL PRIVILEGES ON " + Id(c_.SlotDb(i)) + ".* TO " + user));
    }
    return Ok();
  }

  Result<void> ResetSlot(int i, const SnapshotData* from) override {
    SB_TRY(KillSessions(c_.SlotRole(i)));
    SB_TRY(admin_->Exec("DROP DATABASE IF EXISTS " + Id(c_.SlotDb(i))));
    SB_TRY(admin_->Exec("CREATE DATABASE " + Id(c_.SlotDb(i)) +
                        " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"));
    if (!from) return Ok();
    // Re-executed as the slot's own user: DEFINER clauses were removed, so routines and
    // views belong to it, never to the admin.
    SB_TRY_ASSIGN(auto conn, ConnectSlot(i));
    SB_TRY(conn->Exec("SET SESSION foreign_key_checks = 0, unique_checks = 0"));
    for (const auto& stmt : from->ddl) {
      if (auto r = conn->Exec(stmt); !r) {
        return std::move(r).error().Wrap("restoring snapshot into " + Id(c_.SlotDb(i)));
      }
    }
    return Ok();
  }

  Result<std::unique_ptr<Driver>> ConnectSlot(int i) override {
    Url u = c_.options.admin_url.With(c_.SlotRole(i), c_.passwords[i], c_.SlotDb(i));
    return devdb::Connect(u, c_.SlotConnectOptions());
  }

  Result<SnapshotData> Save(int i, const std::string& key) override {
    const std::string db = c_.SlotDb(i);
    SnapshotData s;
    s.key = key;
    SB_TRY_ASSIGN(Rows objects, admin_->Query("SHOW FULL TABLES FROM " + Id(db)));
    std::vector<std::string> views;
    uint64_t data = 0;
    for (const auto& r : objects.rows) {
      const std::string name = r[0].value_or(""), type = r[1].value_or("");
      if (type == "VIEW") {
        views.push_back(name);
        continue;
      }
      if (type != "BASE TABLE") continue;  // MariaDB sequences: not kept
      SB_TRY_ASSIGN(Rows ct, admin_->Query("SHOW CREATE TABLE " + Id(db) + "." + Id(name)));
      s.ddl.push_back(ct.rows.at(0).at(1).value_or(""));
      SB_TRY(Rows_(db, name, &s.ddl, &data));
      if (data > kMaxSnapshotData) {
        return InvalidArgument("schema " + Id(db) + " holds too many rows to snapshot");
      }
    }
    // Views may use views: order them by retrying at restore time is not possible, so
    // keep the server's dependency-free order by emitting views that use no other view
    // first (a fixpoint over the names they mention).
    std::vector<std::pair<std::string, std::string>> view_ddl;
    for (const auto& v : views) {
      SB_TRY_ASSIGN(Rows cv, admin_->Query("SHOW CREATE VIEW " + Id(db) + "." + Id(v)));
      view_ddl.emplace_back(v, Clean(cv.rows.at(0).at(1).value_or(""), db));
    }
    OrderViews(&view_ddl);
    for (auto& [name, ddl] : view_ddl) s.ddl.push_back(std::move(ddl));
    SB_TRY_ASSIGN(Rows routines, admin_->Query("SELECT ROUTINE_TYPE, ROUTINE_NAME FROM "
                                               "information_schema.ROUTINES WHERE "
                                               "ROUTINE_SCHEMA = " +
                                               Lit(db)));
    for (const auto& r : routines.rows) {
      SB_TRY_ASSIGN(Rows cr, admin_->Query("SHOW CREATE " + r[0].value_or("PROCEDURE") + " " +
                                           Id(db) + "." + Id(r[1].value_or(""))));
      s.ddl.push_back(Clean(cr.rows.at(0).at(2).value_or(""), db));
    }
    SB_TRY_ASSIGN(Rows triggers, admin_->Query("SHOW TRIGGERS FROM " + Id(db)));
    for (const auto& r : triggers.rows) {
      SB_TRY_ASSIGN(Rows ct,
                    admin_->Query("SHOW CREATE TRIGGER " + Id(db) + "." + Id(r[0].value_or(""))));
      s.ddl.push_back(Clean(ct.rows.at(0).at(2).value_or(""), db));
    }
    for (const auto& d : s.ddl) s.bytes += d.size();
    return s;
  }

  void Drop(const SnapshotData&) override {}  // kept in memory only

  void Teardown(int) override {
    if (!admin_ || !admin_->Ping()) return;
    (void)Cleanup();
  }

  Result<void> Ping() override {
    if (admin_ && admin_->Ping()) return Ok();
    admin_.reset();
    return Connect();
  }

  const ServerVersion& version() const override { return version_; }

 private:
  Result<void> KillSessions(const std::string& user) {
    SB_TRY_ASSIGN(Rows ids, admin_->Query("SELECT ID FROM information_schema.PROCESSLIST WHERE "
                                          "USER = " +
                                          Lit(user)));
    for (const auto& r : ids.rows) (void)admin_->Exec("KILL " + r[0].value_or("0"));
    return Ok();
  }

  // Appends INSERTs holding the rows of `db`.`table` (generated columns left out).
  Result<void> Rows_(const std::string& db, const std::string& table, std::vector<std::string>* out,
                     uint64_t* bytes) {
    SB_TRY_ASSIGN(Rows cols,
                  admin_->Query("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE "
                                "TABLE_SCHEMA = " +
                                Lit(db) + " AND TABLE_NAME = " + Lit(table) +
                                " AND (GENERATION_EXPRESSION IS NULL OR GENERATION_EXPRESSION "
                                "= '') ORDER BY ORDINAL_POSITION"));
    std::string list;
    for (const auto& c : cols.rows) list += (list.empty() ? "" : ", ") + Id(c[0].value_or(""));
    if (list.empty()) return Ok();
    SB_TRY_ASSIGN(Rows rows, admin_->Query("SELECT " + list + " FROM " + Id(db) + "." + Id(table)));
    std::string stmt;
    for (const auto& row : rows.rows) {
      std::string values;
      for (const auto& v : row) values += (values.empty() ? "" : ", ") + (v ? Lit(*v) : "NULL");
      if (stmt.empty())
        stmt = "INSERT INTO " + Id(table) + " (" + list + ") VALUES ";
      else
        stmt += ", ";
      stmt += "(" + values + ")";
      if (stmt.size() > (1 << 20)) {
        *bytes += stmt.size();
        out->push_back(std::move(stmt));
        stmt.clear();
      }
    }
    if (!stmt.empty()) {
      *bytes += stmt.size();
      out->push_back(std::move(stmt));
    }
    return Ok();
  }

  // Removes DEFINER=`u`@`h` and references to the slot's own schema name.
  static std::string Clean(const std::string& ddl, const std::string& db) {
    static const std::regex kDefiner("DEFINER=`(?:[^`]|``)*`@`(?:[^`]|``)*`\\s*");
    std::string out = std::regex_replace(ddl, kDefiner, "");
    std::string qualified = Id(db) + ".";
    for (size_t p = out.find(qualified); p != std::string::npos; p = out.find(qualified, p)) {
      out.erase(p, qualified.size());
    }
    return out;
  }

  static void OrderViews(std::vector<std::pair<std::string, std::string>>* views) {
    std::vector<std::pair<std::string, std::string>> done, left = std::move(*views);
    while (!left.empty()) {
      size_t before = left.size();
      for (auto it = left.begin(); it != left.end();) {
        bool uses_pending = false;
        for (const auto& other : left) {
          if (&other != &*it && it->second.find(Id(other.first)) != std::string::npos) {
            uses_pending = true;
          }
        }
        if (uses_pending) {
          ++it;
        } else {
          done.push_back(std::move(*it));
          it = left.erase(it);
        }
      }
      if (left.size() == before) {  // a cycle cannot exist; keep whatever remains
        for (auto& v : left) done.push_back(std::move(v));
        break;
      }
    }
    *views = std::move(done);
  }

  BackendConfig c_;
  std::unique_ptr<Driver> admin_;
  ServerVersion version_;
};

}  // namespace

Result<std::unique_ptr<Backend>> NewMySQLBackend(const BackendConfig& config) {
  auto b = std::make_unique<MySQLBackend>(config);
  SB_TRY(b->Connect());
  return std::unique_ptr<Backend>(std::move(b));
}

}  // namespace schemabot::devdb
