// Resources: the forges, mirrors and dev-database pools of `schemabot serve`.
#include <unistd.h>

#include "base/log.h"
#include "bot/flows/flows.h"
#include "config/server_config.h"
#include "engine/devdb/managed.h"
#include "engine/lint/replay.h"

namespace schemabot::flows {

Result<std::unique_ptr<Resources>> Resources::Build(const config::ServerConfig& cfg) {
  std::unique_ptr<Resources> r(new Resources());
  if (cfg.github.enabled && (!cfg.github.token.empty() || cfg.github.app_id != 0)) {
    SB_TRY_ASSIGN(r->github_, forge::BuildGitHubForge(cfg.github));
  }
  if (cfg.gitlab.enabled && !cfg.gitlab.token.empty()) {
    SB_TRY_ASSIGN(r->gitlab_, forge::BuildGitLabForge(cfg.gitlab));
  }
  auto mirrors = git::MirrorCache::Open(cfg.cache_dir);
  if (!mirrors) return std::move(mirrors).error().Wrap("cache_dir");
  r->mirrors_ = std::move(*mirrors);

  auto setting = [](const config::DevDbConfig& d) {
    return PoolSetting{d.managed, d.admin_url.empty() ? d.url : d.admin_url, d.pool_size,
                       d.configured};
  };
  r->settings_[sql::Dialect::kPostgres] = setting(cfg.devdb_postgres);
  r->settings_[sql::Dialect::kMySQL] = setting(cfg.devdb_mysql);
  if (!cfg.devdb_postgres.configured && !cfg.devdb_mysql.configured) {
    r->settings_[sql::Dialect::kPostgres].managed = true;  // the embedded default
  }

  r->deps_.github = r->github_.get();
  r->deps_.gitlab = r->gitlab_.get();
  r->deps_.mirrors = r->mirrors_.get();
  Resources* self = r.get();
  r->deps_.pool = [self](sql::Dialect d) { return self->Pool(d); };
  r->deps_.options.docs_url = cfg.docs_url;
  r->deps_.options.max_inline = cfg.max_inline;
  r->deps_.options.status_context = cfg.status_context;
  r->deps_.options.repo_config_enabled = cfg.repo_config_enabled;
  r->deps_.options.repo_config_locked = cfg.repo_config_locked;
  return r;
}

Resources::~Resources() = default;

Result<devdb::Pool*> Resources::Pool(sql::Dialect dialect) {
  std::lock_guard lock(mu_);
  if (auto it = pools_.find(dialect); it != pools_.end()) return it->second.get();
  const PoolSetting& s = settings_[dialect];
  devdb::Engine engine =
      dialect == sql::Dialect::kPostgres ? devdb::Engine::kPostgres : devdb::Engine::kMySQL;
  std::string admin = s.admin_url;
  if (s.managed) {
    devdb::ManagedOptions mo;
    mo.engine = engine;
    SB_TRY_ASSIGN(devdb::ManagedServer server, devdb::StartManagedServer(mo));
    admin = server.url.String();
  }
  if (admin.empty()) return static_cast<devdb::Pool*>(nullptr);  // static lint
  SB_TRY_ASSIGN(devdb::Url url, devdb::ParseUrl(admin));
  devdb::PoolOptions po;
  po.admin_url = url;
  po.size = s.size > 0 ? s.size : 2;
  po.name = "schemabot_serve";
  po.warm_up = lint::WarmUpForReplay;  // plans built off the hot path
  SB_TRY_ASSIGN(auto pool, devdb::Pool::Open(po));
  log::Info("devdb pool", {{"engine", dialect == sql::Dialect::kPostgres ? "postgres" : "mysql"},
                           {"url", url.Redacted()},
                           {"size", std::to_string(po.size)}});
  devdb::Pool* out = pool.get();
  pools_[dialect] = std::move(pool);
  return out;
}

}  // namespace schemabot::flows
