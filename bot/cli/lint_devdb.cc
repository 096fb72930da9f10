#include "bot/cli/lint_devdb.h"

#include <unistd.h>

#include <random>

#include "engine/devdb/devdb.h"
#include "engine/lint/dev_replay.h"
#include "engine/schema/schema.h"

namespace schemabot::cli {
namespace {

devdb::Engine EngineOf(sql::Dialect d) {
  return d == sql::Dialect::kPostgres ? devdb::Engine::kPostgres : devdb::Engine::kMySQL;
}

class ScratchDevDb final : public LintDevDb {
 public:
  ScratchDevDb(devdb::Url admin, std::string scratch, std::unique_ptr<devdb::Driver> db,
               sql::Dialect dialect, dir::DirFormat format)
      : admin_(std::move(admin)),
        scratch_(std::move(scratch)),
        db_(std::move(db)),
        dialect_(dialect),
        format_(format) {}

  ~ScratchDevDb() override {
    db_.reset();
    if (scratch_.empty()) return;
    if (auto a = devdb::Connect(admin_)) {
      (void)(*a)->Exec("DROP DATABASE IF EXISTS " +
                       devdb::QuoteIdent(EngineOf(dialect_), scratch_) +
                       (dialect_ == sql::Dialect::kPostgres ? " WITH (FORCE)" : ""));
    }
  }

  std::unique_ptr<lint::Replayer> NewReplayer() override {
    return lint::NewDriverReplayer(*db_, dialect_, format_);
  }

 private:
  devdb::Url admin_;
  std::string scratch_;  // "" when linting in the URL's own database
  std::unique_ptr<devdb::Driver> db_;
  sql::Dialect dialect_;
  dir::DirFormat format_;
};

std::string ScratchName() {
  std::random_device rd;
  return "schemabot_lint_" + std::to_string(getpid()) + "_" + std::to_string(rd() % 100000);
}

}  // namespace

Result<std::unique_ptr<LintDevDb>> OpenLintDevDb(const std::string& url_text, sql::Dialect dialect,
                                                 dir::DirFormat format) {
  std::string text = url_text;
  if (text.empty()) {
    SB_TRY_ASSIGN(text, ManagedDevUrl(dialect));
  }
  SB_TRY_ASSIGN(devdb::Url url, devdb::ParseUrl(text));
  if ((url.engine == devdb::Engine::kPostgres) != (dialect == sql::Dialect::kPostgres)) {
    return InvalidArgument("--dev-url " + url.Redacted() + " does not match dialect \"" +
                           std::string(sql::DialectName(dialect)) + "\"");
  }
  SB_TRY_ASSIGN(auto admin, devdb::Connect(url));
  std::string name = ScratchName();
  auto created = admin->Exec("CREATE DATABASE " + devdb::QuoteIdent(url.engine, name));
  if (created) {
    auto db = devdb::Connect(url.With(url.user, url.password, name));
    if (!db) return std::move(db).error().Wrap("connecting to the scratch database");
    return std::unique_ptr<LintDevDb>(new ScratchDevDb(url, name, std::move(*db), dialect, format));
  }
  // No CREATE DATABASE privilege: lint in the URL's database when it is empty.
  SB_TRY_ASSIGN(schema::Realm realm, schema::Inspect(*admin));
  if (realm.TableCount() > 0) {
    return InvalidArgument("dev database " + url.Redacted() +
                           " is not clean: it has tables, and the role may not create a "
                           "scratch database (" +
                           created.error().message + ")");
  }
  return std::unique_ptr<LintDevDb>(new ScratchDevDb(url, "", std::move(admin), dialect, format));
}

}  // namespace schemabot::cli
