// The managed local server: initdb/pg_ctl or mariadb-install-db/mariadbd, run as an
// unprivileged user when we are root.
#include "engine/devdb/managed.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace schemabot::devdb {
namespace fs = std::filesystem;
namespace {

struct RunUser {
  bool drop = false;  // we are root: switch to uid/gid in the child
  uid_t uid = 0;
  gid_t gid = 0;
};

Result<RunUser> UserFor(Engine e) {
  RunUser u;
  if (geteuid() != 0) return u;
  const char* name = e == Engine::kPostgres ? "postgres" : "mysql";
  struct passwd* pw = getpwnam(name);
  if (!pw) {
    return PermissionDenied(std::string("running as root, the managed server needs the \"") + name +
                            "\" system user (created by the " +
                            (e == Engine::kPostgres ? "postgresql" : "mariadb-server") +
                            " package)");
  }
  u.drop = true;
  u.uid = pw->pw_uid;
  u.gid = pw->pw_gid;
  return u;
}

// Runs argv (argv[0] a path) as `user`, output appended to `log`. `detach` starts a
// daemon: the call returns at once with 0 and the child is not waited for.
Result<int> Run(const std::vector<std::string>& argv, const RunUser& user, const std::string& log,
                bool detach = false) {
  pid_t pid = fork();
  if (pid < 0) return Internal("fork: " + std::string(std::strerror(errno)));
  if (pid == 0) {
    if (detach) {
      setsid();
      if (fork() != 0) _exit(0);
    }
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    if (user.drop) {
      if (setgroups(0, nullptr) != 0 || setgid(user.gid) != 0 || setuid(user.uid) != 0) _exit(126);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0)
    return Internal("waitpid: " + std::string(std::strerror(errno)));
  if (detach) return 0;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string Tail(const std::string& path, size_t lines = 8) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string l; std::getline(in, l);) all.push_back(l);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    out += "\n  " + all[i];
  }
  return out;
}

bool Executable(const fs::path& p) { return access(p.c_str(), X_OK) == 0; }

std::string FromPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "/usr/bin:/bin");
  for (std::string d; std::getline(ss, d, ':');) {
    if (!d.empty() && Executable(fs::path(d) / name)) return d;
  }
  return "";
}

// The directory holding `tool`, per the rules in ManagedOptions::bin_dir.
Result<std::string> FindBin(const ManagedOptions& o, const std::string& tool) {
  const bool pg = o.engine == Engine::kPostgres;
  const std::string package = pg ? "postgresql-15" : "mariadb-server";
  std::vector<std::string> looked;
  if (!o.bin_dir.empty()) {
    if (Executable(fs::path(o.bin_dir) / tool)) return o.bin_dir;
    looked.push_back(o.bin_dir);
  } else {
    std::vector<std::string> candidates;
    if (pg) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        candidates.push_back((e.path() / "bin").string());
      }
      std::sort(candidates.begin(), candidates.end(),
                [](const std::string& a, const std::string& b) {
                  return std::atoi(fs::path(a).parent_path().filename().c_str()) >
                         std::atoi(fs::path(b).parent_path().filename().c_str());
                });
    } else {
      candidates = {"/usr/sbin", "/usr/bin"};
    }
    for (const auto& c : candidates) {
      if (Executable(fs::path(c) / tool)) return c;
    }
    looked = pg ? std::vector<std::string>{"/usr/lib/postgresql/*/bin"} : candidates;
    if (std::string p = FromPath(tool); !p.empty()) return p;
    looked.push_back("PATH");
  }
  std::string where;
  for (const auto& l : looked) where += (where.empty() ? "" : ", ") + l;
  return NotFound("managed " + std::string(pg ? "postgres" : "mariadb") + ": \"" + tool +
                  "\" not found (looked in " + where + "); install the Debian package " + package +
                  " (apt-get install " + package + ")");
}

Result<void> PrepareDir(const std::string& dir, const RunUser& user) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InvalidArgument("creating \"" + dir + "\": " + ec.message());
  chmod(dir.c_str(), 0700);
  if (user.drop && chown(dir.c_str(), user.uid, user.gid) != 0) {
    return PermissionDenied("chown \"" + dir + "\": " + std::strerror(errno));
  }
  return Ok();
}

// Polls until a connection to `url` works.
Result<void> WaitUp(const Url& url, std::chrono::milliseconds timeout, const std::string& log) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  ConnectOptions o;
  o.connect_timeout = std::chrono::milliseconds(1000);
  while (true) {
    auto c = Connect(url, o);
    if (c) return Ok();
    if (std::chrono::steady_clock::now() > deadline) {
      return Unavailable("managed server did not come up: " + c.error().message + Tail(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Url PgUrl(const std::string& dir) {
  Url u;
  u.engine = Engine::kPostgres;
  u.user = "postgres";
  u.database = "postgres";
  u.socket = dir;
  return u;
}

Url MariaUrl(const std::string& dir) {
  Url u;
  u.engine = Engine::kMySQL;
  u.user = "root";
  u.socket = dir + "/mysqld.sock";
  return u;
}

Result<ManagedServer> StartPostgres(const ManagedOptions& o, const std::string& dir) {
  SB_TRY_ASSIGN(std::string bin, FindBin(o, "initdb"));
  SB_TRY_ASSIGN(RunUser user, UserFor(Engine::kPostgres));
  SB_TRY(PrepareDir(dir, user));
  ManagedServer s{PgUrl(dir), dir, false};
  const std::string data = dir + "/data", log = dir + "/server.log";
  const std::string pg_ctl = bin + "/pg_ctl";
  SB_TRY_ASSIGN(int status, Run({pg_ctl, "status", "-D", data}, user, "/dev/null"));
  if (status == 0) {
    s.already_running = true;
    return s;
  }
  if (!fs::exists(data + "/PG_VERSION")) {
    std::error_code ec;
    fs::remove_all(data, ec);
    SB_TRY_ASSIGN(int rc, Run({bin + "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E",
                               "UTF8", "--locale=C.UTF-8", "--no-sync"},
                              user, dir + "/initdb.log"));
    if (rc != 0) {
      return Unavailable("managed postgres: initdb exited with " + std::to_string(rc) +
                         Tail(dir + "/initdb.log"));
    }
  }
  std::string opts = "-c listen_addresses='' -c unix_socket_directories='" + dir +
                     "' -c port=5432 -c fsync=off -c synchronous_commit=off "
                     "-c full_page_writes=off -c max_connections=200";
  auto secs = std::to_string(std::max<long>(1, o.start_timeout.count() / 1000));
  SB_TRY_ASSIGN(int rc, Run({pg_ctl, "start", "-w", "-t", secs, "-D", data, "-l", log, "-o", opts},
                            user, dir + "/pg_ctl.log"));
  if (rc != 0) {
    return Unavailable("managed postgres: pg_ctl start exited with " + std::to_string(rc) +
                       Tail(log));
  }
  SB_TRY(WaitUp(s.url, o.start_timeout, log));
  return s;
}

pid_t ReadPid(const std::string& file) {
  std::ifstream in(file);
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

Result<ManagedServer> StartMariaDB(const ManagedOptions& o, const std::string& dir) {
  SB_TRY_ASSIGN(std::string bin, FindBin(o, "mariadbd"));
  SB_TRY_ASSIGN(RunUser user, UserFor(Engine::kMySQL));
  SB_TRY(PrepareDir(dir, user));
  ManagedServer s{MariaUrl(dir), dir, false};
  const std::string data = dir + "/data", log = dir + "/server.log";
  pid_t pid = ReadPid(dir + "/mysqld.pid");
  ConnectOptions quick;
  quick.connect_timeout = std::chrono::milliseconds(1000);
  if (pid > 0 && kill(pid, 0) == 0 && Connect(s.url, quick)) {
    s.already_running = true;
    return s;
  }
  if (!fs::exists(data + "/mysql")) {
    std::string install = bin + "/mariadb-install-db";
    if (!Executable(install)) {
      SB_TRY_ASSIGN(std::string b2, FindBin(o, "mariadb-install-db"));
      install = b2 + "/mariadb-install-db";
    }
    // mariadb-install-db drops to --user itself when started as root.
    std::vector<std::string> argv = {install, "--no-defaults", "--datadir=" + data,
                                     "--auth-root-authentication-method=normal", "--skip-test-db"};
    if (user.drop) argv.push_back("--user=mysql");
    SB_TRY_ASSIGN(int rc, Run(argv, RunUser{}, dir + "/install.log"));
    if (rc != 0) {
      return Unavailable("managed mariadb: mariadb-install-db exited with " + std::to_string(rc) +
                         Tail(dir + "/install.log"));
    }
  }
  std::vector<std::string> argv = {bin + "/mariadbd",        "--no-defaults",
                                   "--datadir=" + data,      "--socket=" + s.url.socket,
                                   "--skip-networking",      "--pid-file=" + dir + "/mysqld.pid",
                                   "--log-error=" + log,     "--innodb-flush-log-at-trx-commit=0",
                                   "--innodb-doublewrite=0", "--max-connections=300"};
  argv.push_back(user.drop ? "--user=mysql"
                           : "--user=" + std::string(getpwuid(geteuid())->pw_name));
  SB_TRY(Run(argv, RunUser{}, dir + "/mariadbd.out", /*detach=*/true));
  SB_TRY(WaitUp(s.url, o.start_timeout, log));
  return s;
}

}  // namespace

std::string DefaultManagedDir(Engine engine) {
  std::string leaf = engine == Engine::kPostgres ? "postgres" : "mariadb";
  if (const char* d = std::getenv("SCHEMABOT_DEVDB_DIR"); d && *d)
    return std::string(d) + "/" + leaf;
  // Root's home is closed to the unprivileged server user.
  if (geteuid() == 0) return "/var/lib/schemabot/devdb-" + leaf;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) {
    return std::string(x) + "/schemabot/devdb-" + leaf;
  }
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "/tmp") + "/.local/state/schemabot/devdb-" + leaf;
}

Result<ManagedServer> StartManagedServer(const ManagedOptions& options) {
  std::string dir = options.dir.empty() ? DefaultManagedDir(options.engine) : options.dir;
  dir = fs::absolute(dir).lexically_normal().string();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (dir.size() + 20 > 107) {
    return InvalidArgument("managed dev-database dir \"" + dir +
                           "\" is too long for a unix socket path (keep it under 85 bytes)");
  }
  auto r = options.engine == Engine::kPostgres ? StartPostgres(options, dir)
                                               : StartMariaDB(options, dir);
  if (!r) return std::move(r).error();
  return r;
}

Result<void> StopManagedServer(const ManagedOptions& options) {
  std::string dir = options.dir.empty() ? DefaultManagedDir(options.engine) : options.dir;
  dir = fs::absolute(dir).lexically_normal().string();
  if (options.engine == Engine::kPostgres) {
    if (!fs::exists(dir + "/data/postmaster.pid")) return Ok();
    SB_TRY_ASSIGN(std::string bin, FindBin(options, "pg_ctl"));
    SB_TRY_ASSIGN(RunUser user, UserFor(Engine::kPostgres));
    SB_TRY_ASSIGN(int rc, Run({bin + "/pg_ctl", "stop", "-w", "-m", "fast", "-D", dir + "/data"},
                              user, dir + "/pg_ctl.log"));
    if (rc != 0 && fs::exists(dir + "/data/postmaster.pid")) {
      return Unavailable("managed postgres: pg_ctl stop exited with " + std::to_string(rc) +
                         Tail(dir + "/pg_ctl.log"));
    }
    return Ok();
  }
  pid_t pid = ReadPid(dir + "/mysqld.pid");
  if (pid <= 0 || kill(pid, SIGTERM) != 0) return Ok();
  auto deadline = std::chrono::steady_clock::now() + options.start_timeout;
  while (kill(pid, 0) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      return Unavailable("managed mariadb (pid " + std::to_string(pid) + ") did not stop");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Ok();
}

}  // namespace schemabot::devdb
