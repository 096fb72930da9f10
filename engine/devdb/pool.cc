// The Pool: slot bookkeeping, leases, the snapshot LRU, background preparation and the
// health loop. Engine-specific work is in pool_postgres.cc / pool_mysql.cc.
//
// Locking: `mu_` guards slots, the LRU and stats; `admin_mu_` serialises Backend calls.
// Never take admin_mu_ while holding mu_.
#include "engine/devdb/pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>

#include "base/crypto.h"
#include "engine/devdb/internal.h"
#include "engine/devdb/pool_backend.h"
#include "engine/devdb/watchdog.h"

namespace schemabot::devdb {

std::string BackendConfig::SnapshotDb(const std::string& key) const {
  return options.name + "_s" + HexEncode(Sha256(key)).substr(0, 20);
}

std::string BackendConfig::LikePrefix() const {
  std::string p;
  for (char ch : options.name) {
    if (ch == '_' || ch == '%' || ch == '\\') p += '\\';
    p += ch;
  }
  return p + "\\_%";
}

ConnectOptions BackendConfig::SlotConnectOptions() const {
  ConnectOptions o;
  o.statement_timeout = options.limits.statement_timeout;
  o.lock_timeout = options.limits.lock_timeout;
  o.idle_timeout = options.limits.idle_timeout;
  return o;
}

namespace {

enum class SlotState { kReady, kLeased, kDirty, kResetting };

struct Slot {
  SlotState state = SlotState::kDirty;
  std::string content;           // snapshot key the database holds ("" = empty)
  std::unique_ptr<Driver> conn;  // pre-opened (and warmed) lint connection, if any
};

using SnapshotPtr = std::shared_ptr<const SnapshotData>;

class PoolImpl;

class LeaseImpl final : public Lease {
 public:
  LeaseImpl(PoolImpl* pool, int slot, std::string db, std::string snapshot,
            std::unique_ptr<GuardedDriver> driver)
      : pool_(pool),
        slot_(slot),
        db_(std::move(db)),
        snapshot_(std::move(snapshot)),
        driver_(std::move(driver)) {}
  ~LeaseImpl() override;
  Driver& driver() override { return *driver_; }
  const std::string& database() const override { return db_; }
  const std::string& snapshot() const override { return snapshot_; }
  Result<void> SaveSnapshot(std::string_view key) override;

 private:
  PoolImpl* pool_;
  int slot_;
  std::string db_, snapshot_;
  std::unique_ptr<GuardedDriver> driver_;
};

class PoolImpl final : public Pool {
 public:
  PoolImpl(PoolOptions o, BackendConfig c, std::unique_ptr<Backend> b)
      : o_(std::move(o)), c_(std::move(c)), backend_(std::move(b)), slots_(o_.size) {}

  Result<void> Init() {
    SB_TRY(backend_->Cleanup());
    for (int i = 0; i < o_.size; ++i) {
      SB_TRY(backend_->SetupSlot(i));
      SB_TRY(backend_->ResetSlot(i, nullptr));
      slots_[i].state = SlotState::kReady;
    }
    worker_ = std::thread([this] { Work(); });
    return Ok();
  }

  ~PoolImpl() override {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
    for (auto& s : slots_) s.conn.reset();
    std::lock_guard<std::mutex> a(admin_mu_);
    for (auto& s : lru_) backend_->Drop(*s);
    backend_->Teardown(o_.size);
  }

  int FindSnapshot(const std::vector<std::string>& keys) override {
    std::lock_guard<std::mutex> lk(mu_);
    for (int i = static_cast<int>(keys.size()) - 1; i >= 0; --i) {
      if (FindLocked(keys[i])) return i;
    }
    return -1;
  }

  Result<std::unique_ptr<Lease>> Acquire(std::string_view key_view) override {
    std::string key(key_view);
    int slot = -1;
    SnapshotPtr snap;
    bool need_reset = false;
    {
      std::unique_lock<std::mutex> lk(mu_);
      auto deadline = std::chrono::steady_clock::now() + o_.lease_timeout;
      while (true) {
        if (!healthy_) return UnavailableError();
        snap = key.empty() ? nullptr : FindLocked(key);
        std::string want = snap ? key : "";
        for (int i = 0; i < o_.size && slot < 0; ++i) {
          if (slots_[i].state == SlotState::kReady && slots_[i].content == want) slot = i;
        }
        for (int i = 0; i < o_.size && slot < 0; ++i) {
          if (slots_[i].state == SlotState::kReady) slot = i;
        }
        if (slot >= 0) {
          need_reset = slots_[slot].content != want;
          if (need_reset) {
            ++stats_.sync_clones;
          } else if (!want.empty()) {
            ++stats_.prepared_hits;
          }
          slots_[slot].state = SlotState::kLeased;
          Touch(key);
          ++stats_.leases;
          break;
        }
        if (cv_.wait_until(lk, deadline) == std::cv_status::timeout && !HasReadyLocked()) {
          return Timeout("no dev-database free within " + std::to_string(o_.lease_timeout.count()) +
                         " ms (pool of " + std::to_string(o_.size) + " on " +
                         o_.admin_url.Redacted() + ")");
        }
      }
    }
    auto fail = [&](Error e) -> Error {
      std::lock_guard<std::mutex> lk(mu_);
      slots_[slot].state = SlotState::kDirty;
      if (e.code == ErrorCode::kUnavailable) healthy_ = false;
      cv_.notify_all();
      return std::move(e).Wrap("leasing a dev-database on " + o_.admin_url.Redacted());
    };
    std::unique_ptr<Driver> ready;
    {
      std::lock_guard<std::mutex> lk(mu_);
      ready = std::move(slots_[slot].conn);
    }
    if (need_reset) {
      ready.reset();
      std::lock_guard<std::mutex> a(admin_mu_);
      if (auto r = backend_->ResetSlot(slot, snap.get()); !r) return fail(std::move(r).error());
    }
    // The pre-opened connection may have idled out (MySQL wait_timeout).
    if (ready && !ready->Ping()) ready.reset();
    Result<std::unique_ptr<Driver>> conn =
        ready ? Result<std::unique_ptr<Driver>>(std::move(ready)) : backend_->ConnectSlot(slot);
    if (!conn) return fail(std::move(conn).error());
    {
      std::lock_guard<std::mutex> lk(mu_);
      slots_[slot].content = snap ? key : "";
    }
    auto guarded = std::make_unique<GuardedDriver>(
        std::move(*conn), &watchdog_, o_.limits.statement_timeout + o_.limits.watchdog_grace);
    return std::unique_ptr<Lease>(
        new LeaseImpl(this, slot, c_.SlotDb(slot), snap ? key : "", std::move(guarded)));
  }

  PoolStats stats() const override {
    std::lock_guard<std::mutex> lk(mu_);
    PoolStats s = stats_;
    s.snapshots = lru_.size();
    s.snapshot_bytes = 0;
    for (const auto& x : lru_) s.snapshot_bytes += x->bytes;
    s.healthy = healthy_;
    return s;
  }
  Engine engine() const override { return o_.admin_url.engine; }
  const ServerVersion& version() const override { return backend_->version(); }

  // Called by a lease: saves slot `slot` as `key`. `driver` is closed around the save on
  // PostgreSQL (a template database must have no sessions).
  Result<void> Save(int slot, const std::string& key, GuardedDriver* driver) {
    bool pg = engine() == Engine::kPostgres;
    if (pg) driver->Reset(nullptr);
    Result<SnapshotData> saved = [&] {
      std::lock_guard<std::mutex> a(admin_mu_);
      return backend_->Save(slot, key);
    }();
    if (pg) {
      auto conn = backend_->ConnectSlot(slot);
      if (!conn) return std::move(conn).error().Wrap("reconnecting after a snapshot");
      driver->Reset(std::move(*conn));
    }
    if (!saved) return std::move(saved).error().Wrap("saving a snapshot");
    std::vector<SnapshotPtr> evicted;
    {
      std::lock_guard<std::mutex> lk(mu_);
      auto snap = std::make_shared<const SnapshotData>(std::move(*saved));
      lru_.remove_if([&](const SnapshotPtr& s) {
        if (s->key != key) return false;
        if (s->db != snap->db) evicted.push_back(s);
        return true;
      });
      lru_.push_front(snap);
      ++stats_.snapshots_saved;
      uint64_t bytes = 0;
      for (const auto& s : lru_) bytes += s->bytes;
      while (lru_.size() > 1 && (lru_.size() > o_.max_snapshots || bytes > o_.max_snapshot_bytes)) {
        bytes -= lru_.back()->bytes;
        evicted.push_back(lru_.back());
        lru_.pop_back();
        ++stats_.snapshots_evicted;
      }
      slots_[slot].content = key;
      // Idle slots holding something else are re-cloned from the new most recent
      // snapshot by the worker, so the next lint of this directory finds one ready.
      if (o_.prepare_in_background) {
        for (auto& s : slots_) {
          if (s.state == SlotState::kReady && s.content != key) s.state = SlotState::kDirty;
        }
      }
    }
    cv_.notify_all();
    std::lock_guard<std::mutex> a(admin_mu_);
    for (const auto& s : evicted) backend_->Drop(*s);
    return Ok();
  }

  void Release(int slot) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      slots_[slot].state = SlotState::kDirty;
    }
    if (!o_.prepare_in_background) {
      PrepareOne(slot);
    }
    cv_.notify_all();
  }

 private:
  Error UnavailableError() const {
    return Unavailable("dev-database server " + o_.admin_url.Redacted() +
                       " is unreachable; leases resume when it is back");
  }

  SnapshotPtr FindLocked(const std::string& key) const {
    for (const auto& s : lru_) {
      if (s->key == key) return s;
    }
    return nullptr;
  }

  bool HasReadyLocked() const {
    return std::any_of(slots_.begin(), slots_.end(),
                       [](const Slot& s) { return s.state == SlotState::kReady; });
  }

  void Touch(const std::string& key) {
    auto it = std::find_if(lru_.begin(), lru_.end(), [&](auto& s) { return s->key == key; });
    if (it != lru_.end()) lru_.splice(lru_.begin(), lru_, it);
  }

  // Resets a dirty slot to a clone of the most recently used snapshot.
  void PrepareOne(int slot) {
    SnapshotPtr target;
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (slots_[slot].state != SlotState::kDirty || !healthy_) return;
      slots_[slot].state = SlotState::kResetting;
      if (!lru_.empty()) target = lru_.front();
      slots_[slot].conn.reset();
    }
    Result<void> r = [&] {
      std::lock_guard<std::mutex> a(admin_mu_);
      return backend_->ResetSlot(slot, target.get());
    }();
    std::unique_ptr<Driver> conn;
    if (r && o_.prepare_in_background) {
      if (auto c = backend_->ConnectSlot(slot)) {
        conn = std::move(*c);
        if (o_.warm_up) o_.warm_up(*conn);
      }
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (r) {
        slots_[slot].conn = std::move(conn);
        slots_[slot].state = SlotState::kReady;
        slots_[slot].content = target ? target->key : "";
      } else {
        slots_[slot].state = SlotState::kDirty;
        if (r.error().code == ErrorCode::kUnavailable) healthy_ = false;
      }
    }
    cv_.notify_all();
  }

  void Work() {
    auto next_ping = std::chrono::steady_clock::now();
    while (true) {
      std::vector<int> dirty;
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait_until(lk, next_ping, [&] {
          if (stop_) return true;
          if (!healthy_) return false;
          for (const auto& s : slots_) {
            if (s.state == SlotState::kDirty) return true;
          }
          return false;
        });
        if (stop_) return;
        for (int i = 0; i < o_.size; ++i) {
          if (slots_[i].state == SlotState::kDirty) dirty.push_back(i);
        }
      }
      if (std::chrono::steady_clock::now() >= next_ping) {
        next_ping = std::chrono::steady_clock::now() + o_.health_interval;
        CheckHealth();
      }
      for (int i : dirty) PrepareOne(i);
    }
  }

  void CheckHealth() {
    Result<void> r = [&] {
      std::lock_guard<std::mutex> a(admin_mu_);
      return backend_->Ping();
    }();
    std::lock_guard<std::mutex> lk(mu_);
    if (!r) {
      healthy_ = false;
      return;
    }
    if (!healthy_) {
      // Back after an outage: what the slots hold is unknown; rebuild the idle ones.
      healthy_ = true;
      for (auto& s : slots_) {
        if (s.state == SlotState::kReady) s.state = SlotState::kDirty;
      }
      cv_.notify_all();
    }
  }

  PoolOptions o_;
  BackendConfig c_;
  std::unique_ptr<Backend> backend_;
  mutable std::mutex mu_;
  std::mutex admin_mu_;
  std::condition_variable cv_;
  std::vector<Slot> slots_;
  std::list<SnapshotPtr> lru_;  // front = most recently used
  PoolStats stats_;
  bool healthy_ = true;
  bool stop_ = false;
  Watchdog watchdog_;
  std::thread worker_;
};

LeaseImpl::~LeaseImpl() {
  driver_.reset();
  pool_->Release(slot_);
}

Result<void> LeaseImpl::SaveSnapshot(std::string_view key) {
  return pool_->Save(slot_, std::string(key), driver_.get());
}

bool ValidName(const std::string& n) {
  if (n.empty() || n.size() > 40) return false;
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<Pool>> Pool::Open(const PoolOptions& options) {
  if (!ValidName(options.name)) {
    return InvalidArgument("pool name \"" + options.name + "\": want 1-40 of [a-z0-9_]");
  }
  if (options.size < 1 || options.size > 64) {
    return InvalidArgument("pool size " + std::to_string(options.size) + ": want 1-64");
  }
  BackendConfig c;
  c.options = options;
  for (int i = 0; i < options.size; ++i) c.passwords.push_back(RandomHex(16));
  auto backend =
      options.admin_url.engine == Engine::kPostgres ? NewPostgresBackend(c) : NewMySQLBackend(c);
  if (!backend) return std::move(backend).error().Wrap("opening the dev-database pool");
  auto pool = std::make_unique<PoolImpl>(options, c, std::move(*backend));
  if (auto r = pool->Init(); !r) {
    return std::move(r).error().Wrap("opening the dev-database pool on " +
                                     options.admin_url.Redacted());
  }
  return std::unique_ptr<Pool>(std::move(pool));
}

// ---------------------------------------------------------------------------------------
// Watchdog

Watchdog::Watchdog() : thread_([this] { Run(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

uint64_t Watchdog::Arm(Driver* d, Clock::time_point deadline) {
  std::lock_guard<std::mutex> lk(mu_);
  uint64_t id = next_++;
  entries_[id] = Entry{d, deadline};
  cv_.notify_all();
  return id;
}

bool Watchdog::Disarm(uint64_t id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = entries_.find(id);
  bool fired = it != entries_.end() && it->second.fired;
  if (it != entries_.end()) entries_.erase(it);
  return fired;
}

void Watchdog::Run() {
  std::unique_lock<std::mutex> lk(mu_);
  while (!stop_) {
    auto next = Clock::time_point::max();
    auto now = Clock::now();
    for (auto& [id, e] : entries_) {
      if (e.fired) continue;
      if (e.deadline <= now) {
        e.fired = true;
        // Cancel under the lock: Disarm waits, so the driver cannot go away meanwhile.
        e.driver->Cancel();
      } else {
        next = std::min(next, e.deadline);
      }
    }
    if (next == Clock::time_point::max()) {
      cv_.wait(lk);
    } else {
      cv_.wait_until(lk, next);
    }
  }
}

}  // namespace schemabot::devdb
