// The PostgreSQL Driver: the only file that includes libpq.
#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

#include "engine/devdb/devdb.h"
#include "engine/devdb/internal.h"

namespace schemabot::devdb {
namespace {

// PostgreSQL reports positions in characters (1-based); we report bytes (0-based).
size_t CharPositionToByteOffset(std::string_view text, long chars) {
  size_t i = 0;
  for (long n = 1; n < chars && i < text.size(); ++n) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    i += len;
  }
  return std::min(i, text.size());
}

void IgnoreNotice(void*, const char*) {}

std::string Ms(std::chrono::milliseconds d) { return std::to_string(d.count()); }

class PgDriver final : public Driver {
 public:
  PgDriver(PGconn* conn, std::string database) : conn_(conn), database_(std::move(database)) {
    cancel_ = PQgetCancel(conn_);
    int v = PQserverVersion(conn_);
    version_.flavor = Flavor::kPostgres;
    version_.major = v / 10000;
    version_.minor = v % 10000;
    const char* text = PQparameterStatus(conn_, "server_version");
    version_.text = text ? text : "";
  }
  ~PgDriver() override {
    if (cancel_) PQfreeCancel(cancel_);
    PQfinish(conn_);
  }

  Result<void> Exec(std::string_view statement) override {
    std::string sql(statement);
    return Check(PQexecParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0), sql,
                 nullptr);
  }

  Result<void> ExecScript(std::string_view script) override {
    std::string sql(script);
    return Check(PQexec(conn_, sql.c_str()), sql, nullptr);
  }

  Result<Rows> Query(std::string_view query) override {
    std::string sql(query);
    Rows rows;
    SB_TRY(Check(PQexecParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0), sql,
                 &rows));
    return rows;
  }

  Result<Rows> QueryPrepared(std::string_view query) override { return QueryParams(query, {}); }

  Result<Rows> QueryParams(std::string_view query,
                           const std::vector<std::string>& params) override {
    std::string sql(query);
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
      std::string name = "sb_q" + std::to_string(prepared_.size());
      SB_TRY(Check(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), sql, nullptr));
      it = prepared_.emplace(sql, name).first;
    }
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    Rows rows;
    SB_TRY(Check(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                                values.empty() ? nullptr : values.data(), nullptr, nullptr, 0),
                 sql, &rows));
    return rows;
  }

  Result<void> Begin() override { return Exec("BEGIN"); }
  Result<void> Commit() override { return Exec("COMMIT"); }
  Result<void> Rollback() override { return Exec("ROLLBACK"); }

  void Cancel() override {
    std::lock_guard<std::mutex> lock(cancel_mu_);
    if (!cancel_) return;
    cancelled_ = true;
    char err[256];
    PQcancel(cancel_, err, sizeof err);
  }

  Result<void> Ping() override { return Exec("SELECT 1"); }
  const ServerVersion& version() const override { return version_; }
  const ServerError& last_error() const override { return last_error_; }
  const std::string& database() const override { return database_; }

 private:
  // Consumes `res` (and any further results of the query), filling `rows` when given.
  Result<void> Check(PGresult* res, std::string_view sql, Rows* rows) {
    bool cancelled = cancelled_.exchange(false);
    if (!res) return Lost();
    ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_COPY_IN) {
      PQputCopyEnd(conn_, "COPY FROM STDIN is not supported by schemabot");
    }
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
      if (rows && status == PGRES_TUPLES_OK) Fill(res, rows);
      PQclear(res);
      return Ok();
    }
    if (status == PGRES_COPY_OUT) {
      char* buf = nullptr;
      while (PQgetCopyData(conn_, &buf, 0) > 0) PQfreemem(buf);
      PQclear(res);
      while ((res = PQgetResult(conn_)) != nullptr) PQclear(res);
      return Ok();
    }
    if (status == PGRES_COPY_IN) {
      PQclear(res);
      res = PQgetResult(conn_);
      if (!res) return Lost();
    }
    last_error_ = ServerError{};
    const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char* pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
    last_error_.message = primary ? primary : Trim(PQerrorMessage(conn_));
    last_error_.sqlstate = state ? state : "";
    if (pos) last_error_.offset = CharPositionToByteOffset(sql, std::atol(pos));
    PQclear(res);
    while ((res = PQgetResult(conn_)) != nullptr) PQclear(res);
    if (PQstatus(conn_) == CONNECTION_BAD) return Lost();
    // 57014 query_canceled (statement_timeout, Cancel), 55P03 lock_not_available.
    if (cancelled || last_error_.sqlstate == "57014" || last_error_.sqlstate == "55P03") {
      return Timeout(last_error_.message);
    }
    return InvalidArgument(last_error_.message);
  }

  Result<void> Lost() {
    last_error_ = ServerError{};
    last_error_.message = Trim(PQerrorMessage(conn_));
    if (last_error_.message.empty()) last_error_.message = "connection lost";
    return Unavailable("postgres connection lost: " + last_error_.message);
  }

  static void Fill(PGresult* res, Rows* rows) {
    int nf = PQnfields(res), nt = PQntuples(res);
    rows->columns.reserve(nf);
    for (int f = 0; f < nf; ++f) rows->columns.emplace_back(PQfname(res, f));
    rows->rows.resize(nt);
    for (int t = 0; t < nt; ++t) {
      auto& row = rows->rows[t];
      row.reserve(nf);
      for (int f = 0; f < nf; ++f) {
        if (PQgetisnull(res, t, f)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(std::string(PQgetvalue(res, t, f), PQgetlength(res, t, f)));
        }
      }
    }
  }

  static std::string Trim(const char* s) {
    std::string out = s ? s : "";
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
  }

  PGconn* conn_;
  std::string database_;
  std::mutex cancel_mu_;
  PGcancel* cancel_ = nullptr;
  std::atomic<bool> cancelled_{false};
  ServerVersion version_;
  ServerError last_error_;
  std::map<std::string, std::string> prepared_;  // sql -> statement name
};

}  // namespace

Result<std::unique_ptr<Driver>> ConnectPostgres(const Url& url, const ConnectOptions& o) {
  std::vector<std::pair<std::string, std::string>> kv;
  if (!url.socket.empty()) {
    kv.emplace_back("host", url.socket);
  } else if (!url.host.empty()) {
    std::string h = url.host;
    if (h.size() > 2 && h.front() == '[') h = h.substr(1, h.size() - 2);
    kv.emplace_back("host", h);
  }
  if (url.port) kv.emplace_back("port", std::to_string(url.port));
  if (!url.user.empty()) kv.emplace_back("user", url.user);
  if (!url.password.empty()) kv.emplace_back("password", url.password);
  kv.emplace_back("dbname", url.database.empty() ? "postgres" : url.database);
  auto secs = std::max<long>(1, static_cast<long>((o.connect_timeout.count() + 999) / 1000));
  kv.emplace_back("connect_timeout", std::to_string(secs));
  kv.emplace_back("client_encoding", "UTF8");
  kv.emplace_back("application_name", "schemabot");
  std::string options;
  if (o.statement_timeout.count()) options += " -c statement_timeout=" + Ms(o.statement_timeout);
  if (o.lock_timeout.count()) options += " -c lock_timeout=" + Ms(o.lock_timeout);
  if (o.idle_timeout.count()) {
    options += " -c idle_in_transaction_session_timeout=" + Ms(o.idle_timeout);
  }
  static const char* kPassThrough[] = {"sslmode",     "sslrootcert", "sslcert",
                                       "sslkey",      "options",     "target_session_attrs",
                                       "sslpassword", "gssencmode"};
  for (const auto& [k, v] : url.params) {
    if (k == "search_path") {
      options += " -c search_path=" + v;
      continue;
    }
    for (const char* p : kPassThrough) {
      if (k == p) {
        if (k == "options") {
          options += " " + v;
        } else {
          kv.emplace_back(k, v);
        }
      }
    }
  }
  if (!options.empty()) kv.emplace_back("options", options);
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : kv) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 0);
  if (!conn) return Internal("libpq: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    // Never echo the password: libpq's messages do not contain it, the URL is redacted.
    std::string where = "connecting to " + url.Redacted() + ": " + msg;
    if (msg.find("authentication") != std::string::npos ||
        msg.find("password") != std::string::npos || msg.find("permission") != std::string::npos) {
      return PermissionDenied(where);
    }
    if (msg.find("does not exist") != std::string::npos) return NotFound(where);
    return Unavailable(where);
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return std::unique_ptr<Driver>(
      new PgDriver(conn, url.database.empty() ? "postgres" : url.database));
}

}  // namespace schemabot::devdb
