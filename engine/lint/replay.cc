// Replay of base and new migrations on a pooled dev database.
#include "engine/lint/replay.h"

#include <cctype>
#include <chrono>

#include "base/crypto.h"

namespace schemabot::lint {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

bool StartsWithCI(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// Whether a MySQL file uses the client's DELIMITER command (the server cannot run it).
bool HasClientDelimiter(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
    size_t i = line.find_first_not_of(" \t");
    if (i != std::string_view::npos && StartsWithCI(line.substr(i), "delimiter ")) return true;
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return false;
}

bool HasCode(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") != std::string_view::npos;
}

class Replayer {
 public:
  Replayer(devdb::Lease& lease, const ReplayOptions& o, ReplayResult* out)
      : d_(lease.driver()),
        o_(o),
        out_(out),
        tracker_(d_, o.dialect, o.inspect, o.scoped_inspection) {}

  SchemaTracker& tracker() { return tracker_; }

  // Copies the tracker's inspection figures into the result.
  void Account() {
    out_->inspect_ms = tracker_.inspect_ms();
    out_->full_inspections = tracker_.full_inspections();
    out_->scoped_inspections = tracker_.scoped_inspections();
  }

  // Builds the error record for a failure at `offset` in `file` (file-relative).
  StatementError ErrorAt(const dir::Migration& m, size_t fallback, size_t base, const Error& e) {
    StatementError err;
    err.file = m.file;
    const devdb::ServerError& se = d_.last_error();
    err.message = se.message.empty() ? e.message : se.message;
    err.sqlstate = se.sqlstate;
    err.code = se.code;
    err.timeout = e.code == ErrorCode::kTimeout;
    if (e.code == ErrorCode::kTimeout) err.message = e.message;
    err.offset = se.offset ? base + *se.offset : fallback;
    sql::Position p = sql::PositionAt(m.content, err.offset);
    err.line = p.line;
    err.column = p.column;
    return err;
  }

  Result<sql::SplitResult> SplitUp(const dir::Migration& m, sql::SplitError* serr) {
    sql::SplitOptions so;
    so.base = sql::Position{m.up.offset, m.up.line, m.up.column};
    so.goose = o_.goose;
    return sql::Split(m.up.text, o_.dialect, so, serr);
  }

  // Runs a base file as fast as the server allows. nullopt on success.
  Result<std::optional<StatementError>> RunBase(const dir::Migration& m) {
    const bool tx = m.tx == dir::TxMode::kFile;
    const bool pg = o_.dialect == sql::Dialect::kPostgres;
    if (!HasCode(m.up.text)) return std::optional<StatementError>();
    if (pg && tx) return Script(m, true);
    if (!pg && !HasClientDelimiter(m.up.text) && !o_.goose) return Script(m, tx);
    sql::SplitError serr;
    auto split = SplitUp(m, &serr);
    if (!split) {
      StatementError e;
      e.file = m.file;
      e.message = serr.message.empty() ? split.error().message : serr.message;
      e.line = serr.pos.line;
      e.column = serr.pos.column;
      e.offset = serr.pos.offset;
      return std::optional<StatementError>(e);
    }
    if (tx) SB_TRY(Unlost(d_.Begin()));
    for (const auto& st : split->statements) {
      if (st.empty) continue;
      auto r = d_.Exec(st.text);
      if (!r) {
        if (r.error().code == ErrorCode::kUnavailable) return std::move(r).error();
        StatementError e = ErrorAt(m, st.offset, st.offset, r.error());
        if (tx) (void)d_.Rollback();
        return std::optional<StatementError>(e);
      }
    }
    if (tx) {
      if (auto r = d_.Commit(); !r) {
        if (r.error().code == ErrorCode::kUnavailable) return std::move(r).error();
        return std::optional<StatementError>(ErrorAt(m, m.up.offset, m.up.offset, r.error()));
      }
    }
    return std::optional<StatementError>();
  }

  Result<std::optional<StatementError>> Script(const dir::Migration& m, bool tx) {
    if (tx) SB_TRY(Unlost(d_.Begin()));
    auto r = d_.ExecScript(m.up.text);
    if (!r) {
      if (r.error().code == ErrorCode::kUnavailable) return std::move(r).error();
      StatementError e = ErrorAt(m, m.up.offset, m.up.offset, r.error());
      if (tx) (void)d_.Rollback();
      return std::optional<StatementError>(e);
    }
    if (tx) {
      if (auto c = d_.Commit(); !c) {
        if (c.error().code == ErrorCode::kUnavailable) return std::move(c).error();
        return std::optional<StatementError>(ErrorAt(m, m.up.offset, m.up.offset, c.error()));
      }
    }
    return std::optional<StatementError>();
  }

  // The schema now (a full inspection unless the tracker knows it).
  Result<schema::Realm> Inspect() {
    SB_TRY_ASSIGN(const schema::Realm* r, tracker_.Current());
    return *r;
  }

  // Executes one new file statement by statement. Returns false when it failed.
  Result<bool> RunNew(const dir::Migration& m, FileReplay* f) {
    f->file = m.file;
    f->tx = m.tx;
    f->executed = true;
    SB_TRY_ASSIGN(f->before, Inspect());
    schema::Realm current = f->before;
    sql::SplitError serr;
    auto split = SplitUp(m, &serr);
    if (!split) {
      f->split_error = split.error().message;
      f->after = current;
      return false;
    }
    const bool tx = f->tx == dir::TxMode::kFile;
    if (tx) SB_TRY(Unlost(d_.Begin()));
    bool ok = true;
    for (const auto& st : split->statements) {
      if (st.empty) continue;
      StatementReplay& sr = f->statements.emplace_back();
      sr.statement = st;
      auto t = Clock::now();
      auto r = d_.Exec(st.text);
      sr.millis = MsSince(t);
      if (!r) {
        if (r.error().code == ErrorCode::kUnavailable) return std::move(r).error();
        sr.error = ErrorAt(m, st.offset, st.offset, r.error());
        tracker_.Invalidate();  // a MySQL statement may fail half-way
        ok = false;
        break;
      }
      SB_TRY_ASSIGN(const schema::Realm* after, tracker_.After(st.text));
      sr.changes = schema::Diff(current, *after, {.statement = st.text});
      current = *after;
    }
    if (tx) {
      if (!ok) {
        (void)d_.Rollback();
        tracker_.Invalidate();  // the file's changes are gone
        SB_TRY_ASSIGN(current, Inspect());
      } else if (auto c = d_.Commit(); !c) {
        if (c.error().code == ErrorCode::kUnavailable) return std::move(c).error();
        if (!f->statements.empty()) {
          f->statements.back().error = ErrorAt(m, f->statements.back().statement.offset,
                                               f->statements.back().statement.offset, c.error());
        }
        ok = false;
        tracker_.Invalidate();
        SB_TRY_ASSIGN(current, Inspect());
      }
    } else if (!ok) {
      SB_TRY_ASSIGN(current, Inspect());
    }
    f->after = std::move(current);
    return ok;
  }

 private:
  static Result<void> Unlost(Result<void> r) {
    if (!r) return std::move(r).error().Wrap("starting a transaction");
    return r;
  }

  devdb::Driver& d_;
  const ReplayOptions& o_;
  ReplayResult* out_;
  SchemaTracker tracker_;
};

}  // namespace

bool FileReplay::failed() const {
  if (split_error) return true;
  for (const auto& s : statements) {
    if (s.error) return true;
  }
  return false;
}

void WarmUpForReplay(devdb::Driver& driver) {
  // Plans both the full and the scoped catalog queries.
  UseGenericPlans(driver);
  auto realm = schema::Inspect(driver);
  if (realm) (void)schema::InspectChanged(driver, *realm, {});
}

std::vector<std::string> PrefixKeys(const std::vector<dir::Migration>& base) {
  std::vector<std::string> keys;
  Sha256Hasher h;
  for (const auto& m : base) {
    h.Update(m.file);
    h.Update(m.content);
    keys.push_back(Base64Encode(h.Digest()));
  }
  return keys;
}

Result<ReplayResult> Replay(devdb::Pool& pool, const std::vector<dir::Migration>& base,
                            const std::vector<dir::Migration>& added,
                            const ReplayOptions& options) {
  ReplayResult out;
  out.base_files = static_cast<int>(base.size());
  std::vector<std::string> keys = PrefixKeys(base);
  int hit = options.use_snapshots ? pool.FindSnapshot(keys) : -1;
  auto t = Clock::now();
  SB_TRY_ASSIGN(auto lease, pool.Acquire(hit >= 0 ? keys[hit] : ""));
  out.lease_ms = MsSince(t);
  // The snapshot may have been evicted between FindSnapshot and Acquire.
  if (hit >= 0 && lease->snapshot() != keys[hit]) hit = -1;
  out.base_files_from_snapshot = hit + 1;
  out.server = lease->driver().version();
  Replayer r(*lease, options, &out);

  t = Clock::now();
  for (size_t i = hit + 1; i < base.size(); ++i) {
    SB_TRY_ASSIGN(auto err, r.RunBase(base[i]));
    ++out.base_files_replayed;
    if (err) {
      out.base_error = std::move(err);
      out.base_ms = MsSince(t);
      SB_TRY_ASSIGN(out.base_schema, r.Inspect());
      r.Account();
      return out;
    }
  }
  out.base_ms = MsSince(t);
  if (options.use_snapshots && out.base_files_replayed > 0) {
    t = Clock::now();
    // A failed save only costs the next lint a full replay.
    out.snapshot_saved = static_cast<bool>(lease->SaveSnapshot(keys.back()));
    out.snapshot_ms = MsSince(t);
  }
  std::optional<schema::Realm> cached;
  const bool keyed = options.use_snapshots && !keys.empty() &&
                     (out.snapshot_saved || (out.base_files_replayed == 0 && hit >= 0));
  if (keyed && options.inspect.schemas.empty())
    cached = CachedSnapshotSchema(out.server, keys.back());
  if (cached) {
    out.base_schema = std::move(*cached);
    r.tracker().Reset(out.base_schema);
  } else {
    SB_TRY_ASSIGN(out.base_schema, r.Inspect());
    if (keyed && options.inspect.schemas.empty()) {
      CacheSnapshotSchema(out.server, keys.back(), out.base_schema);
    }
  }

  t = Clock::now();
  bool stopped = false;
  for (const auto& m : added) {
    FileReplay& f = out.files.emplace_back();
    if (stopped) {
      f.file = m.file;
      f.tx = m.tx;
      continue;
    }
    SB_TRY_ASSIGN(bool ok, r.RunNew(m, &f));
    if (!ok) stopped = true;
  }
  out.new_ms = MsSince(t);
  r.Account();
  return out;
}

}  // namespace schemabot::lint
