#include "engine/devdb/managed.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "engine/devdb/pool.h"
#include "engine/devdb/test_util.h"

namespace schemabot::devdb {
namespace {

using namespace std::chrono_literals;

// A private server in a temp dir, stopped and removed at the end of the test.
class PrivateServer {
 public:
  explicit PrivateServer(Engine e) {
    char tmpl[] = "/tmp/sb-managed-XXXXXX";
    dir_ = mkdtemp(tmpl);
    chmod(dir_.c_str(), 0755);
    options_.engine = e;
    options_.dir = dir_ + "/srv";
  }
  ~PrivateServer() {
    (void)StopManagedServer(options_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  const ManagedOptions& options() const { return options_; }

 private:
  std::string dir_;
  ManagedOptions options_;
};

bool HaveBinaries(Engine e) {
  namespace fs = std::filesystem;
  if (e == Engine::kMySQL) return access("/usr/sbin/mariadbd", X_OK) == 0;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (access((d.path() / "bin/initdb").c_str(), X_OK) == 0) return true;
  }
  return false;
}

TEST(Managed, MissingBinariesNameThePackage) {
  ManagedOptions o;
  o.bin_dir = "/nonexistent-bin";
  o.dir = "/tmp/sb-never-created";
  auto r = StartManagedServer(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("postgresql-15"), std::string::npos) << r.error().message;
  o.engine = Engine::kMySQL;
  r = StartManagedServer(o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("mariadb-server"), std::string::npos) << r.error().message;
}

// Starts a private PostgreSQL, leases from a pool on it, restarts it underneath the pool:
// leases fail fast while it is down and the pool heals when it is back.
TEST(Managed, PostgresStartRestartAndPoolHealing) {
  if (!HaveBinaries(Engine::kPostgres)) GTEST_SKIP() << "postgres server binaries not installed";
  PrivateServer srv(Engine::kPostgres);
  auto s = StartManagedServer(srv.options());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->already_running);
  auto again = StartManagedServer(srv.options());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->already_running);

  PoolOptions po;
  po.admin_url = s->url;
  po.size = 1;
  po.name = "sbheal";
  po.health_interval = 100ms;
  po.lease_timeout = 2s;
  auto pool = Pool::Open(po);
  ASSERT_TRUE(pool) << pool.error().message;
  {
    auto lease = (*pool)->Acquire();
    ASSERT_TRUE(lease) << lease.error().message;
    ASSERT_TRUE((*lease)->driver().Exec("CREATE TABLE t (x int)"));
  }
  ASSERT_TRUE(StopManagedServer(srv.options()));
  auto start = std::chrono::steady_clock::now();
  auto down = (*pool)->Acquire();
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable) << down.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms) << "lease did not fail fast";
  ASSERT_TRUE(StartManagedServer(srv.options()));
  Result<std::unique_ptr<Lease>> healed = Unavailable("not yet");
  for (int i = 0; i < 100 && !healed; ++i) {
    std::this_thread::sleep_for(100ms);
    healed = (*pool)->Acquire();
  }
  ASSERT_TRUE(healed) << healed.error().message;
  EXPECT_TRUE((*healed)->driver().Exec("SELECT 1"));
  EXPECT_TRUE((*pool)->stats().healthy);
  healed->reset();
  pool->reset();
}

TEST(Managed, MariaDBStartStop) {
  if (!HaveBinaries(Engine::kMySQL)) GTEST_SKIP() << "mariadb server binaries not installed";
  PrivateServer srv(Engine::kMySQL);
  auto s = StartManagedServer(srv.options());
  ASSERT_TRUE(s) << s.error().message;
  auto d = Connect(s->url);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ((*d)->version().flavor, Flavor::kMariaDB);
  d->reset();
  EXPECT_TRUE(StartManagedServer(srv.options())->already_running);
  ASSERT_TRUE(StopManagedServer(srv.options()));
  EXPECT_FALSE(Connect(s->url));
}

}  // namespace
}  // namespace schemabot::devdb
