// A Replayer on a leased pool database with the snapshot cache: the base is restored from
// the snapshot of its longest cached prefix and only the rest is replayed; the state after
// the base is saved for the next lint. Keys are atlas.sum's cumulative line hashes, so a
// prefix of one directory's history is recognised in every later lint of it.
#include <chrono>

#include "engine/lint/dev_replay.h"
#include "engine/lint/replay.h"
#include "engine/sum/sum.h"

namespace schemabot::lint {
namespace {

class PoolReplayer final : public Replayer {
 public:
  PoolReplayer(devdb::Pool& pool, sql::Dialect dialect, dir::DirFormat format, ReplayStats* stats,
               DriverReplayOptions options)
      : pool_(pool), dialect_(dialect), format_(format), stats_(stats), options_(options) {}

  Result<void> ReplayBase(const std::vector<dir::Migration>& base) override {
    std::vector<sum::NamedContent> files;
    for (const auto& m : base) files.push_back({m.file, m.content});
    auto sums = sum::ComputeSum(files);
    std::vector<std::string> keys;
    for (const auto& e : sums.entries) keys.push_back(e.hash);
    int cached = keys.empty() ? -1 : pool_.FindSnapshot(keys);
    using Clock = std::chrono::steady_clock;
    auto ms = [](Clock::time_point t) {
      return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
    };
    auto t0 = Clock::now();
    SB_TRY_ASSIGN(lease_, pool_.Acquire(cached >= 0 ? keys[cached] : ""));
    if (stats_) stats_->lease_ms = ms(t0);
    // The snapshot may have been evicted between FindSnapshot and Acquire.
    if (cached >= 0 && lease_->snapshot() != keys[cached]) cached = -1;
    inner_ = NewDriverReplayer(lease_->driver(), dialect_, format_, options_);
    std::vector<dir::Migration> rest(base.begin() + (cached + 1), base.end());
    if (stats_) {
      stats_->base_files = static_cast<int>(base.size());
      stats_->from_snapshot = cached + 1;
    }
    auto t1 = Clock::now();
    SB_TRY(inner_->ReplayBase(rest));
    if (stats_) stats_->base_ms = ms(t1);
    auto t2 = Clock::now();
    if (!rest.empty() && !keys.empty()) {
      // A failure to save only costs the next lint time; the lint goes on.
      if (auto saved = lease_->SaveSnapshot(keys.back()); saved) {
        saved_ = true;
        if (stats_) stats_->saved = true;
      }
    }
    if (stats_) stats_->snapshot_ms = ms(t2);
    // The base's schema: cached with the snapshot key, or inspected once and cached.
    if (keys.empty() || (!rest.empty() && !saved_)) {
      return Ok();  // no snapshot holds this state: the first file inspects it
    }
    const devdb::ServerVersion& server = lease_->driver().version();
    std::optional<schema::Realm> state = CachedSnapshotSchema(server, keys.back());
    if (stats_) stats_->base_schema_cached = state.has_value();
    if (!state) {
      auto inspected = schema::Inspect(lease_->driver());
      if (!inspected) return std::move(inspected).error().Wrap("inspecting the base schema");
      CacheSnapshotSchema(server, keys.back(), *inspected);
      state = std::move(*inspected);
    }
    DriverReplayOptions o = options_;
    o.state = std::move(state);
    inner_ = NewDriverReplayer(lease_->driver(), dialect_, format_, std::move(o));
    return Ok();
  }

  Result<ReplayedFile> ReplayFile(const dir::Migration& file,
                                  const std::vector<sql::Statement>& statements,
                                  bool in_transaction) override {
    if (!inner_) return Internal("ReplayFile before ReplayBase");
    return inner_->ReplayFile(file, statements, in_transaction);
  }

  devdb::ServerVersion Server() const override { return pool_.version(); }

 private:
  devdb::Pool& pool_;
  sql::Dialect dialect_;
  dir::DirFormat format_;
  ReplayStats* stats_;
  DriverReplayOptions options_;
  bool saved_ = false;
  std::unique_ptr<devdb::Lease> lease_;
  std::unique_ptr<Replayer> inner_;
};

}  // namespace

std::unique_ptr<Replayer> NewPoolReplayer(devdb::Pool& pool, sql::Dialect dialect,
                                          dir::DirFormat format, ReplayStats* stats,
                                          DriverReplayOptions options) {
  return std::make_unique<PoolReplayer>(pool, dialect, format, stats, std::move(options));
}

}  // namespace schemabot::lint
