// The MySQL / MariaDB Driver: the only file that includes mysql-connector-c++. Every
// connector call is wrapped so that sql::SQLException never leaves this file.
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>

#include "engine/devdb/devdb.h"
#include "engine/devdb/internal.h"

namespace schemabot::devdb {
namespace {

// get_driver_instance() and the first connect initialise the client library: not
// thread-safe, so every connect goes through this lock.
std::mutex& ConnectMutex() {
  static std::mutex mu;
  return mu;
}

// Client-side error numbers meaning the connection is gone (CR_SERVER_GONE_ERROR,
// CR_SERVER_LOST, CR_CONNECTION_ERROR, CR_CONN_HOST_ERROR) and the server's "connection
// was killed" (ER_CONNECTION_KILLED 1927 on MariaDB).
bool IsConnectionLoss(int code) {
  return code == 2006 || code == 2013 || code == 2002 || code == 2003 || code == 2055 ||
         code == 1927 || code == 4031;
}

// ER_QUERY_INTERRUPTED 1317, ER_STATEMENT_TIMEOUT (MariaDB 1969, MySQL 3024),
// ER_LOCK_WAIT_TIMEOUT 1205.
bool IsTimeout(int code) { return code == 1317 || code == 1969 || code == 3024 || code == 1205; }

struct Opened {
  sql::Connection* conn = nullptr;
  std::string error;
  int code = 0;
};

Opened Open(const Url& url, const ConnectOptions& o) {
  Opened out;
  sql::ConnectOptionsMap opts;
  if (!url.socket.empty()) {
    opts["hostName"] = sql::SQLString("localhost");
    opts["socket"] = sql::SQLString(url.socket);
  } else {
    opts["hostName"] = sql::SQLString(url.host.empty() ? "127.0.0.1" : url.host);
    opts["port"] = url.port ? url.port : 3306;
  }
  opts["userName"] = sql::SQLString(url.user);
  opts["password"] = sql::SQLString(url.password);
  if (!url.database.empty()) opts["schema"] = sql::SQLString(url.database);
  opts["CLIENT_MULTI_STATEMENTS"] = true;
  opts["OPT_LOCAL_INFILE"] = 0;
  opts["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  opts["OPT_CONNECT_TIMEOUT"] =
      static_cast<int>(std::max<long>(1, o.connect_timeout.count() / 1000));
  std::lock_guard<std::mutex> lock(ConnectMutex());
  try {
    sql::Driver* driver = get_driver_instance();
    out.conn = driver->connect(opts);
  } catch (const sql::SQLException& e) {
    out.error = e.what();
    out.code = e.getErrorCode();
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

class MySQLDriver final : public Driver {
 public:
  MySQLDriver(sql::Connection* conn, Url url, ConnectOptions options)
      : conn_(conn), url_(std::move(url)), options_(options) {}
  ~MySQLDriver() override {
    try {
      conn_->close();
    } catch (...) {
    }
    delete conn_;
  }

  // Reads the server version and connection id; applies the session limits.
  Result<void> Init() {
    SB_TRY_ASSIGN(Rows r, Query("SELECT VERSION(), CONNECTION_ID(), DATABASE()"));
    if (r.rows.empty()) return Internal("mysql: no version row");
    version_.text = r.rows[0][0].value_or("");
    id_ = r.rows[0][1].value_or("0");
    database_ = r.rows[0][2].value_or("");
    version_.flavor =
        version_.text.find("MariaDB") != std::string::npos ? Flavor::kMariaDB : Flavor::kMySQL;
    std::sscanf(version_.text.c_str(), "%d.%d.%d", &version_.major, &version_.minor,
                &version_.patch);
    std::string set;
    auto add = [&](std::string kv) { set += (set.empty() ? "SET SESSION " : ", ") + kv; };
    if (options_.statement_timeout.count()) {
      if (version_.flavor == Flavor::kMariaDB) {
        add("max_statement_time = " + std::to_string(options_.statement_timeout.count() / 1000.0));
      } else {
        add("max_execution_time = " + std::to_string(options_.statement_timeout.count()));
      }
    }
    if (options_.lock_timeout.count()) {
      add("lock_wait_timeout = " +
          std::to_string(std::max<long>(1, options_.lock_timeout.count() / 1000)));
      add("innodb_lock_wait_timeout = " +
          std::to_string(std::max<long>(1, options_.lock_timeout.count() / 1000)));
    }
    if (options_.idle_timeout.count()) {
      add("wait_timeout = " +
          std::to_string(std::max<long>(1, options_.idle_timeout.count() / 1000)));
    }
    if (!set.empty()) SB_TRY(Exec(set));
    return Ok();
  }

  Result<void> Exec(std::string_view statement) override { return Run(statement, nullptr); }
  Result<void> ExecScript(std::string_view script) override {
    if (LastCodeChar(script) == 0) return Ok();  // only comments: nothing to run
    return Run(script, nullptr, true);
  }
  Result<Rows> Query(std::string_view sql) override {
    Rows rows;
    SB_TRY(Run(sql, &rows));
    return rows;
  }
  Result<void> Begin() override { return Exec("START TRANSACTION"); }
  Result<void> Commit() override { return Exec("COMMIT"); }
  Result<void> Rollback() override { return Exec("ROLLBACK"); }

  // A user may kill its own queries: open a second connection and KILL QUERY ours.
  void Cancel() override {
    cancelled_ = true;
    ConnectOptions quick;
    quick.connect_timeout = std::chrono::milliseconds(2000);
    Opened o = Open(url_, quick);
    if (!o.conn) return;
    try {
      std::unique_ptr<sql::Statement> st(o.conn->createStatement());
      st->execute("KILL QUERY " + id_);
    } catch (...) {
    }
    try {
      o.conn->close();
    } catch (...) {
    }
    delete o.conn;
  }

  Result<void> Ping() override { return Exec("SELECT 1"); }
  const ServerVersion& version() const override { return version_; }
  const ServerError& last_error() const override { return last_error_; }
  const std::string& database() const override { return database_; }
  const std::string& connection_id() const { return id_; }

 private:
  // Runs `sql`, draining every result; the rows of the first result set go to `rows`
  // when given. The connector cannot tell "no more results" from "next result has no
  // rows", so a script ends with a sentinel SELECT and we advance until we see it.
  Result<void> Run(std::string_view sql, Rows* rows, bool script = false) {
    bool got_rows = false;
    std::string text(sql);
    if (script) text = WithSentinel(sql);
    try {
      std::unique_ptr<sql::Statement> st(conn_->createStatement());
      bool is_rs = st->execute(sql::SQLString(text));
      // A bound on empty advances, in case the sentinel was swallowed (e.g. by an
      // unclosed comment): each statement yields at most a few results.
      size_t budget = 16 + 4 * static_cast<size_t>(std::count(text.begin(), text.end(), ';'));
      while (true) {
        if (is_rs) {
          std::unique_ptr<sql::ResultSet> rs(st->getResultSet());
          if (script && rs && IsSentinel(rs.get())) break;
          if (rows && !got_rows && rs) {
            Fill(rs.get(), rows);
            got_rows = true;
          }
        } else if (!script || budget-- == 0) {
          break;
        }
        is_rs = st->getMoreResults();
      }
      cancelled_ = false;
      return Ok();
    } catch (const sql::SQLException& e) {
      last_error_ = ServerError{};
      last_error_.message = e.what();
      last_error_.code = e.getErrorCode();
      last_error_.sqlstate = e.getSQLState();
      last_error_.offset = MySQLErrorOffset(last_error_.message, sql);
      bool cancelled = cancelled_.exchange(false);
      if (IsConnectionLoss(last_error_.code) || !conn_->isValid()) {
        return Unavailable("mysql connection lost: " + last_error_.message);
      }
      if (cancelled || IsTimeout(last_error_.code)) return Timeout(last_error_.message);
      return InvalidArgument(last_error_.message);
    } catch (const std::exception& e) {
      last_error_ = ServerError{};
      last_error_.message = e.what();
      return Internal("mysql: " + last_error_.message);
    }
  }

  static constexpr std::string_view kSentinel = "schemabot_end_of_script";

  // Whether the last character outside comments and whitespace is ';' (a trailing
  // comment-only statement is a syntax error for the server).
  static char LastCodeChar(std::string_view s) {
    char last = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (c == '\'' || c == '"' || c == '`') {
        for (++i; i < s.size() && s[i] != c; ++i) {
          if (s[i] == '\\' && c != '`') ++i;
        }
        last = c;
      } else if (c == '#' || (c == '-' && i + 2 < s.size() && s[i + 1] == '-' &&
                              (s[i + 2] == ' ' || s[i + 2] == '\t'))) {
        while (i < s.size() && s[i] != '\n') ++i;
      } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
        size_t end = s.find("*/", i + 2);
        i = end == std::string_view::npos ? s.size() : end + 1;
      } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        last = c;
      }
    }
    return last;
  }

  static std::string WithSentinel(std::string_view sql) {
    bool terminated = LastCodeChar(sql) == ';';
    std::string out(sql);
    out += terminated ? "\nSELECT '" : "\n;SELECT '";
    out += kSentinel;
    out += "'";
    return out;
  }

  static bool IsSentinel(sql::ResultSet* rs) {
    sql::ResultSetMetaData* md = rs->getMetaData();
    return md->getColumnCount() == 1 && md->getColumnLabel(1).asStdString() == kSentinel;
  }

  static void Fill(sql::ResultSet* rs, Rows* rows) {
    sql::ResultSetMetaData* md = rs->getMetaData();
    unsigned n = md->getColumnCount();
    for (unsigned i = 1; i <= n; ++i)
      rows->columns.emplace_back(md->getColumnLabel(i).asStdString());
    while (rs->next()) {
      auto& row = rows->rows.emplace_back();
      row.reserve(n);
      for (unsigned i = 1; i <= n; ++i) {
        if (rs->isNull(i)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(rs->getString(i).asStdString());
        }
      }
    }
  }

  sql::Connection* conn_;
  Url url_;
  ConnectOptions options_;
  std::string id_, database_;
  std::atomic<bool> cancelled_{false};
  ServerVersion version_;
  ServerError last_error_;
};

}  // namespace

Result<std::unique_ptr<Driver>> ConnectMySQL(const Url& url, const ConnectOptions& options) {
  Opened o = Open(url, options);
  if (!o.conn) {
    std::string where = "connecting to " + url.Redacted() + ": " + o.error;
    if (o.code == 1045 || o.code == 1044 || o.code == 1698) return PermissionDenied(where);
    if (o.code == 1049) return NotFound(where);
    return Unavailable(where);
  }
  auto d = std::make_unique<MySQLDriver>(o.conn, url, options);
  if (auto r = d->Init(); !r) return std::move(r).error().Wrap("connecting to " + url.Redacted());
  return std::unique_ptr<Driver>(std::move(d));
}

}  // namespace schemabot::devdb
