// The Pool's PostgreSQL backend: slot databases owned by a NOLOGIN owner role, NOINHERIT
// login roles that may connect only to their own database, template-database snapshots.
#include <string>

#include "engine/devdb/pool_backend.h"

namespace schemabot::devdb {
namespace {

std::string Id(const std::string& s) { return QuoteIdent(Engine::kPostgres, s); }
std::string Lit(const std::string& s) { return QuoteLiteral(Engine::kPostgres, s); }
std::string Ms(std::chrono::milliseconds d) { return std::to_string(d.count()); }

class PostgresBackend final : public Backend {
 public:
  explicit PostgresBackend(BackendConfig c) : c_(std::move(c)) {}

  Result<void> Connect() {
    SB_TRY_ASSIGN(admin_, devdb::Connect(c_.options.admin_url));
    version_ = admin_->version();
    return Ok();
  }

  Result<void> Cleanup() override {
    std::string like = Lit(c_.LikePrefix());
    SB_TRY_ASSIGN(Rows dbs, admin_->Query("SELECT datname FROM pg_database WHERE datname LIKE " +
                                          like + " ORDER BY 1"));
    for (const auto& r : dbs.rows) SB_TRY(DropDb(r[0].value_or("")));
    SB_TRY_ASSIGN(Rows roles, admin_->Query("SELECT rolname FROM pg_roles WHERE rolname LIKE " +
                                            like + " ORDER BY rolcanlogin DESC, 1"));
    for (const auto& r : roles.rows) SB_TRY(admin_->Exec("DROP ROLE IF EXISTS " + Id(*r[0])));
    return admin_->Exec("CREATE ROLE " + Id(c_.OwnerRole()) + " NOLOGIN");
  }

  Result<void> SetupSlot(int i) override {
    return admin_->Exec("CREATE ROLE " + Id(c_.SlotRole(i)) +
                        " LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                        "NOBYPASSRLS CONNECTION LIMIT 4 PASSWORD " +
                        Lit(c_.passwords[i]) + " IN ROLE " + Id(c_.OwnerRole()));
  }

  Result<void> ResetSlot(int i, const SnapshotData* from) override {
    const std::string db = c_.SlotDb(i), role = c_.SlotRole(i);
    SB_TRY(Terminate(db, role));
    SB_TRY(DropDb(db));
    SB_TRY(admin_->Exec("CREATE DATABASE " + Id(db) + " OWNER " + Id(c_.OwnerRole()) +
                        " TEMPLATE " + Id(from ? from->db : "template0")));
    const Limits& l = c_.options.limits;
    // A session may have changed its own role's (or the owner role's) defaults.
    return admin_->ExecScript(
        "REVOKE ALL ON DATABASE " + Id(db) + " FROM PUBLIC;" +
        "GRANT CONNECT, TEMPORARY ON DATABASE " + Id(db) + " TO " + Id(role) + ";" + "ALTER ROLE " +
        Id(role) + " RESET ALL;" + "ALTER ROLE " + Id(c_.OwnerRole()) + " RESET ALL;" +
        "ALTER ROLE " + Id(role) + " SET role = " + Lit(c_.OwnerRole()) + ";" + "ALTER ROLE " +
        Id(role) + " SET statement_timeout = " + Ms(l.statement_timeout) + ";" + "ALTER ROLE " +
        Id(role) + " SET lock_timeout = " + Ms(l.lock_timeout) + ";" + "ALTER ROLE " + Id(role) +
        " SET idle_in_transaction_session_timeout = " + Ms(l.idle_timeout) + ";");
  }

  Result<std::unique_ptr<Driver>> ConnectSlot(int i) override {
    Url u = c_.options.admin_url.With(c_.SlotRole(i), c_.passwords[i], c_.SlotDb(i));
    return devdb::Connect(u, c_.SlotConnectOptions());
  }

  Result<SnapshotData> Save(int i, const std::string& key) override {
    SnapshotData s;
    s.key = key;
    s.db = c_.SnapshotDb(key);
    SB_TRY(Terminate(c_.SlotDb(i), c_.SlotRole(i)));
    SB_TRY(DropDb(s.db));
    SB_TRY(admin_->Exec("CREATE DATABASE " + Id(s.db) + " OWNER " + Id(c_.OwnerRole()) +
                        " TEMPLATE " + Id(c_.SlotDb(i))));
    SB_TRY(admin_->Exec("REVOKE ALL ON DATABASE " + Id(s.db) + " FROM PUBLIC"));
    SB_TRY_ASSIGN(Rows size, admin_->Query("SELECT pg_database_size(" + Lit(s.db) + ")"));
    s.bytes = std::stoull(size.rows.at(0).at(0).value_or("0"));
    return s;
  }

  void Drop(const SnapshotData& s) override { (void)DropDb(s.db); }

  void Teardown(int slots) override {
    if (!admin_ || !admin_->Ping()) return;
    (void)Cleanup();
    (void)admin_->Exec("DROP ROLE IF EXISTS " + Id(c_.OwnerRole()));
    (void)slots;
  }

  Result<void> Ping() override {
    if (admin_ && admin_->Ping()) return Ok();
    admin_.reset();
    return Connect();
  }

  const ServerVersion& version() const override { return version_; }

 private:
  Result<void> Terminate(const std::string& db, const std::string& role) {
    return admin_->Exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
        "AND (datname = " +
        Lit(db) + " OR usename = " + Lit(role) + ")");
  }

  Result<void> DropDb(const std::string& db) {
    return admin_->Exec("DROP DATABASE IF EXISTS " + Id(db) + " WITH (FORCE)");
  }

  BackendConfig c_;
  std::unique_ptr<Driver> admin_;
  ServerVersion version_;
};

}  // namespace

Result<std::unique_ptr<Backend>> NewPostgresBackend(const BackendConfig& config) {
  auto b = std::make_unique<PostgresBackend>(config);
  SB_TRY(b->Connect());
  if (b->version().major < 13) {
    return InvalidArgument("dev-database needs PostgreSQL 13 or later, server is " +
                           b->version().text);
  }
  return std::unique_ptr<Backend>(std::move(b));
}

}  // namespace schemabot::devdb
