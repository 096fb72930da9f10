// A Replayer on one dev-database connection: base files as whole transactions, new files
// statement by statement with an inspection after each. The pool and snapshot cache
// (engine/devdb) decide which database the connection points at; this file only runs
// statements and turns inspections into changes.
#include "engine/lint/dev_replay.h"

#include "engine/lint/replay.h"

namespace schemabot::lint {
namespace {

class DriverReplayer final : public Replayer {
 public:
  DriverReplayer(devdb::Driver& db, sql::Dialect dialect, dir::DirFormat format,
                 DriverReplayOptions options)
      : db_(db),
        dialect_(dialect),
        format_(format),
        tracker_(db, dialect, {}, options.scoped_inspection) {
    if (options.state) tracker_.Reset(std::move(*options.state));
  }

  Result<void> ReplayBase(const std::vector<dir::Migration>& base) override {
    if (!base.empty()) tracker_.Invalidate();
    for (const auto& m : base) {
      // PostgreSQL takes a transactional file as one script: one round trip, like psql -f.
      if (dialect_ == sql::Dialect::kPostgres && m.tx == dir::TxMode::kFile &&
          format_ != dir::DirFormat::kGoose) {
        SB_TRY(db_.Begin());
        auto r = db_.ExecScript(m.up.text);
        if (!r) {
          (void)db_.Rollback();
          if (r.error().code != ErrorCode::kInvalidArgument) return std::move(r).error();
          auto pos = sql::PositionAt(m.content, m.up.offset + db_.last_error().offset.value_or(0));
          return InvalidArgument("replaying " + m.file + ":" + std::to_string(pos.line) + ":" +
                                 std::to_string(pos.column) + ": " + r.error().message);
        }
        SB_TRY(db_.Commit());
        continue;
      }
      auto stmts = SplitMigration(m, format_, dialect_);
      if (!stmts) return std::move(stmts).error().Wrap("splitting " + m.file);
      bool tx = m.tx == dir::TxMode::kFile;
      if (tx) SB_TRY(db_.Begin());
      for (const auto& s : *stmts) {
        auto r = db_.Exec(s.text);
        if (!r) {
          if (tx) (void)db_.Rollback();
          if (r.error().code != ErrorCode::kInvalidArgument) return std::move(r).error();
          return InvalidArgument("replaying " + m.file + ": statement at line " +
                                 std::to_string(s.line) + ": " + r.error().message);
        }
      }
      if (tx) SB_TRY(db_.Commit());
    }
    return Ok();
  }

  Result<ReplayedFile> ReplayFile(const dir::Migration&, const std::vector<sql::Statement>& stmts,
                                  bool in_transaction) override {
    ReplayedFile out;
    SB_TRY_ASSIGN(const schema::Realm* first, tracker_.Current());
    out.states.push_back(*first);
    if (in_transaction) SB_TRY(db_.Begin());
    for (size_t i = 0; i < stmts.size(); ++i) {
      auto r = db_.Exec(stmts[i].text);
      if (!r) {
        tracker_.Invalidate();
        if (r.error().code == ErrorCode::kUnavailable) return std::move(r).error();
        const auto& se = db_.last_error();
        out.failure = StatementFailure{i, se.message.empty() ? r.error().message : se.message,
                                       stmts[i].offset + se.offset.value_or(0)};
        if (in_transaction) (void)db_.Rollback();
        return out;
      }
      SB_TRY_ASSIGN(const schema::Realm* now, tracker_.After(stmts[i].text));
      schema::DiffOptions opts;
      opts.statement = stmts[i].text;
      out.changes.push_back(schema::Diff(out.states.back(), *now, opts));
      out.states.push_back(*now);
    }
    if (in_transaction) {
      auto c = db_.Commit();
      if (!c) {
        tracker_.Invalidate();
        out.failure = StatementFailure{stmts.empty() ? 0 : stmts.size() - 1,
                                       "committing the file: " + c.error().message,
                                       stmts.empty() ? 0 : stmts.back().offset};
      }
    }
    return out;
  }

  devdb::ServerVersion Server() const override { return db_.version(); }

 private:
  devdb::Driver& db_;
  sql::Dialect dialect_;
  dir::DirFormat format_;
  SchemaTracker tracker_;
};

}  // namespace

std::unique_ptr<Replayer> NewDriverReplayer(devdb::Driver& db, sql::Dialect dialect,
                                            dir::DirFormat format) {
  return NewDriverReplayer(db, dialect, format, DriverReplayOptions{});
}

std::unique_ptr<Replayer> NewDriverReplayer(devdb::Driver& db, sql::Dialect dialect,
                                            dir::DirFormat format, DriverReplayOptions options) {
  return std::make_unique<DriverReplayer>(db, dialect, format, std::move(options));
}

}  // namespace schemabot::lint
