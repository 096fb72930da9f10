// Internal to engine/devdb: the watchdog that cancels statements running past their
// deadline, and the Driver decorator that arms it around every call.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "engine/devdb/devdb.h"

namespace schemabot::devdb {

// One thread for any number of drivers. Thread-safe.
class Watchdog {
 public:
  Watchdog();
  ~Watchdog();
  using Clock = std::chrono::steady_clock;
  // Cancels `d` at `deadline` unless Disarm(id) comes first.
  uint64_t Arm(Driver* d, Clock::time_point deadline);
  // True when the watchdog fired for `id`. After Disarm the watchdog no longer touches d.
  bool Disarm(uint64_t id);

 private:
  void Run();
  struct Entry {
    Driver* driver;
    Clock::time_point deadline;
    bool fired = false;
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, Entry> entries_;
  uint64_t next_ = 1;
  bool stop_ = false;
  std::thread thread_;
};

// Wraps a Driver: every Exec/ExecScript/Query is cancelled by `watchdog` after `limit`
// (an ordinary statement_timeout the session cannot switch off).
class GuardedDriver final : public Driver {
 public:
  GuardedDriver(std::unique_ptr<Driver> inner, Watchdog* watchdog, std::chrono::milliseconds limit)
      : inner_(std::move(inner)), watchdog_(watchdog), limit_(limit) {}
  void Reset(std::unique_ptr<Driver> inner) { inner_ = std::move(inner); }
  Driver* inner() { return inner_.get(); }

  Result<void> Exec(std::string_view s) override {
    return Guard([&] { return inner_->Exec(s); });
  }
  Result<void> ExecScript(std::string_view s) override {
    return Guard([&] { return inner_->ExecScript(s); });
  }
  Result<Rows> Query(std::string_view s) override {
    return Guard([&] { return inner_->Query(s); });
  }
  Result<Rows> QueryPrepared(std::string_view s) override {
    return Guard([&] { return inner_->QueryPrepared(s); });
  }
  Result<Rows> QueryParams(std::string_view s, const std::vector<std::string>& params) override {
    return Guard([&] { return inner_->QueryParams(s, params); });
  }
  Result<void> Begin() override {
    return Guard([&] { return inner_->Begin(); });
  }
  Result<void> Commit() override {
    return Guard([&] { return inner_->Commit(); });
  }
  Result<void> Rollback() override {
    return Guard([&] { return inner_->Rollback(); });
  }
  void Cancel() override { inner_->Cancel(); }
  Result<void> Ping() override { return inner_->Ping(); }
  const ServerVersion& version() const override { return inner_->version(); }
  const ServerError& last_error() const override { return inner_->last_error(); }
  const std::string& database() const override { return inner_->database(); }

 private:
  template <typename F>
  auto Guard(F&& f) -> decltype(f()) {
    if (!inner_) return Unavailable("dev-database connection is closed");
    uint64_t id = watchdog_->Arm(inner_.get(), Watchdog::Clock::now() + limit_);
    auto r = f();
    bool fired = watchdog_->Disarm(id);
    if (fired) {
      return Timeout("statement cancelled after " + std::to_string(limit_.count()) +
                     " ms (dev-database statement limit)");
    }
    return r;
  }

  std::unique_ptr<Driver> inner_;
  Watchdog* watchdog_;
  std::chrono::milliseconds limit_;
};

}  // namespace schemabot::devdb
