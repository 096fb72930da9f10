// PostgreSQL backend: a small pool of libpq connections, one transaction per Transact.
// libpq appears in this file only.
#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "bot/store/internal.h"

namespace schemabot::store {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

class PgTx : public Tx {
 public:
  explicit PgTx(PGconn* conn) : conn_(conn) {}

  Result<Rows> Query(std::string_view sql, const Params& params) override {
    SB_TRY_ASSIGN(PGresult * res, Run(sql, params));
    std::unique_ptr<PGresult, void (*)(PGresult*)> guard(res, PQclear);
    Rows rows;
    int n = PQntuples(res), m = PQnfields(res);
    rows.reserve(static_cast<size_t>(n));
    for (int r = 0; r < n; ++r) {
      std::vector<std::optional<std::string>> cols(static_cast<size_t>(m));
      for (int c = 0; c < m; ++c) {
        if (!PQgetisnull(res, r, c)) {
          cols[static_cast<size_t>(c)] =
              std::string(PQgetvalue(res, r, c), static_cast<size_t>(PQgetlength(res, r, c)));
        }
      }
      rows.emplace_back(std::move(cols));
    }
    return rows;
  }

  Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    SB_TRY_ASSIGN(PGresult * res, Run(sql, params));
    std::string n = PQcmdTuples(res);
    PQclear(res);
    return n.empty() ? int64_t{0} : std::stoll(n);
  }

  Result<void> ExecScript(std::string_view sql) override {
    PGresult* res = PQexec(conn_, std::string(sql).c_str());
    Result<void> r = Check(res);
    PQclear(res);
    return r;
  }

  // The SQLSTATE of the last error ("40001" …), for the retry decision.
  std::string last_state;

 private:
  Result<void> Check(PGresult* res) {
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Ok();
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    last_state = state ? state : "";
    std::string msg = Trim(PQerrorMessage(conn_));
    if (PQstatus(conn_) != CONNECTION_OK) return Unavailable("postgres: " + msg);
    if (last_state == "23505") return Conflict("postgres: " + msg);
    return Internal("postgres: " + msg);
  }

  Result<PGresult*> Run(std::string_view sql, const Params& params) {
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      if (const int64_t* n = std::get_if<int64_t>(&params[i])) {
        text[i] = std::to_string(*n);
        values[i] = text[i].c_str();
      } else if (const std::string* s = std::get_if<std::string>(&params[i])) {
        values[i] = s->c_str();
      }
    }
    PGresult* res = PQexecParams(conn_, std::string(sql).c_str(), static_cast<int>(params.size()),
                                 nullptr, values.data(), nullptr, nullptr, 0);
    if (Result<void> r = Check(res); !r) {
      PQclear(res);
      return r.error();
    }
    return res;
  }

  PGconn* conn_;
};

class PgStore : public Store {
 public:
  PgStore(std::string url, int pool_size) : url_(std::move(url)), max_(pool_size) {}
  ~PgStore() override {
    for (PGconn* c : idle_) PQfinish(c);
  }

  Dialect dialect() const override { return Dialect::kPostgres; }
  bool shared() const override { return true; }

  Result<void> Transact(const std::function<Result<void>(Tx&)>& fn) override {
    for (int attempt = 0;; ++attempt) {
      SB_TRY_ASSIGN(PGconn * conn, Acquire());
      PgTx tx(conn);
      Result<void> r = tx.ExecScript("BEGIN");
      if (r) r = fn(tx);
      if (r) r = tx.ExecScript("COMMIT");
      if (!r && PQstatus(conn) == CONNECTION_OK) PQclear(PQexec(conn, "ROLLBACK"));
      Release(conn);
      bool retry = !r && (tx.last_state == "40001" || tx.last_state == "40P01");
      if (!retry || attempt >= 5) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(5 << attempt));
    }
  }

  Result<void> Ping() override {
    return Transact([](Tx& tx) -> Result<void> {
      SB_TRY(tx.Query("SELECT 1"));
      return Ok();
    });
  }

  Result<void> Connect() {
    SB_TRY_ASSIGN(PGconn * c, NewConnection());
    Release(c);
    return Ok();
  }

 private:
  Result<PGconn*> NewConnection() {
    PGconn* c = PQconnectdb(url_.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      std::string msg = Trim(PQerrorMessage(c));
      PQfinish(c);
      return Unavailable("connecting to postgres: " + msg);
    }
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    return c;
  }

  Result<PGconn*> Acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
    if (!idle_.empty()) {
      PGconn* c = idle_.back();
      idle_.pop_back();
      if (PQstatus(c) == CONNECTION_OK) return c;
      PQfinish(c);
      --open_;
    }
    ++open_;
    lock.unlock();
    Result<PGconn*> c = NewConnection();
    if (!c) {
      std::lock_guard relock(mu_);
      --open_;
      cv_.notify_one();
    }
    return c;
  }

  void Release(PGconn* c) {
    std::lock_guard lock(mu_);
    if (PQstatus(c) == CONNECTION_OK) {
      idle_.push_back(c);
    } else {
      PQfinish(c);
      --open_;
    }
    cv_.notify_one();
  }

  std::string url_;
  int max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<PGconn*> idle_;
  int open_ = 0;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgres(const std::string& url, const StoreOptions& options) {
  auto store = std::make_unique<PgStore>(url, std::max(1, options.pool_size));
  SB_TRY(store->Connect());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace schemabot::store
