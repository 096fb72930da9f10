// post-receive: spool, then send the spool in order (see hooks.h).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "config/config.h"
#include "hooks/hooks.h"
#include "webhooks/notify.h"

namespace schemabot::hooks {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// One notification: on disk in the spool (`path` set) or, when the spool could not be
// written, only in memory.
struct Item {
  fs::path path;
  std::string delivery, body;
};

std::string NewDelivery() {
  std::random_device rd;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x%08x%08x%08x", rd(), rd(), rd(), rd());
  return buf;
}

// "<unix ms>-<seq>-<delivery>.json": names sort in the order the notifications were made.
std::string SpoolName(int seq, const std::string& delivery) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  char buf[48];
  std::snprintf(buf, sizeof buf, "%013lld-%04d-", static_cast<long long>(ms), seq % 10000);
  return buf + delivery + ".json";
}

std::string DeliveryOf(const fs::path& p) {
  std::string stem = p.stem().string();
  size_t dash = stem.find('-', stem.find('-') + 1);
  return dash == std::string::npos ? stem : stem.substr(dash + 1);
}

// Writes `body` to `path` so that a crash leaves either nothing or the whole file.
Result<void> WriteDurably(const fs::path& path, const std::string& body) {
  fs::path tmp = path;
  tmp += ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("writing \"" + tmp.string() + "\": cannot create");
  bool ok = write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size());
  ok = fsync(fd) == 0 && ok;
  close(fd);
  std::error_code ec;
  if (ok) fs::rename(tmp, path, ec);
  if (!ok || ec) {
    fs::remove(tmp, ec);
    return Unavailable("writing \"" + path.string() + "\": write error");
  }
  if (int dir = open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return Ok();
}

std::vector<Item> ReadSpool(const fs::path& dir) {
  std::vector<Item> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out.push_back({e.path(), DeliveryOf(e.path()), ss.str()});
  }
  std::sort(out.begin(), out.end(),
            [](const Item& a, const Item& b) { return a.path.filename() < b.path.filename(); });
  return out;
}

std::string RefOf(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("ref") || !j["ref"].is_string()) return "?";
  return j["ref"].get<std::string>();
}

// "queued, job 17" / "ignored: repository … not in the allowlist" / the server's error.
std::string Describe(const std::string& reply) {
  auto j = nlohmann::json::parse(reply, nullptr, false);
  if (!j.is_object()) return "";
  auto str = [&](const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  std::string out = str("outcome");
  if (j.contains("job") && j["job"].is_number_integer()) {
    out += ", job " + std::to_string(j["job"].get<int64_t>());
  }
  if (!str("error").empty()) out += (out.empty() ? "" : ": ") + str("error");
  return out;
}

class Sender {
 public:
  Sender(const PostReceiveOptions& o, PostReceiveResult& r)
      : o_(o), r_(r), deadline_(Clock::now() + o.budget) {}

  // Sends items in order until one cannot be delivered; the rest stay pending.
  void Run(std::vector<Item>& items) {
    std::string where = config::RedactUrl(o_.url);
    for (size_t i = 0; i < items.size(); ++i) {
      if (!SendOne(items[i], where)) {
        r_.pending += static_cast<int>(items.size() - i);
        return;
      }
    }
  }

 private:
  bool SendOne(Item& item, const std::string& where) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (left.count() <= 0) {
      r_.lines.push_back("schemabot: time budget of " + std::to_string(o_.budget.count()) +
                         " ms used up; not sending the rest now");
      return false;
    }
    webhooks::NotifyOptions no{std::min(o_.timeout, left)};
    auto reply = webhooks::PostGitNotification(o_.url, o_.secret, item.delivery, item.body, no);
    std::string ref = RefOf(item.body);
    if (!reply) {
      r_.lines.push_back("schemabot: cannot notify the server: " + reply.error().message);
      return false;
    }
    int status = reply->status;
    std::string what = Describe(reply->body);
    if (status >= 200 && status < 300) {
      std::error_code ec;
      if (!item.path.empty()) fs::remove(item.path, ec);
      ++r_.sent;
      r_.lines.push_back("schemabot: " + ref + ": " + (what.empty() ? "sent" : what));
      return true;
    }
    if (status == 400 || status == 413 || status == 415) {
      Reject(item);
      r_.lines.push_back("schemabot: " + ref + ": the server rejected the notification (" +
                         std::to_string(status) + (what.empty() ? "" : " " + what) + "); kept in " +
                         (o_.spool_dir + "/rejected"));
      return true;
    }
    if (status == 401 || status == 403) {
      r_.lines.push_back("schemabot: \"" + where + "\" refused the signature (" +
                         std::to_string(status) +
                         "): the hook's secret does not match git.webhook_secret_file on the "
                         "server");
    } else if (status == 404) {
      r_.lines.push_back("schemabot: \"" + where +
                         "\" answered 404: is the git receiver enabled (a `git:` section with "
                         "webhook_secret_file in the server config)?");
    } else {
      r_.lines.push_back("schemabot: \"" + where + "\" answered " + std::to_string(status) +
                         (what.empty() ? "" : " (" + what + ")"));
    }
    return false;
  }

  void Reject(const Item& item) {
    ++r_.rejected;
    fs::path dir = fs::path(o_.spool_dir) / "rejected";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!item.path.empty()) {
      fs::rename(item.path, dir / item.path.filename(), ec);
    } else {
      (void)WriteDurably(dir / SpoolName(0, item.delivery), item.body);
    }
  }

  const PostReceiveOptions& o_;
  PostReceiveResult& r_;
  Clock::time_point deadline_;
};

}  // namespace

Result<std::vector<RefUpdate>> ParseRefUpdates(std::string_view text) {
  std::vector<RefUpdate> out;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::istringstream fields(line);
    RefUpdate u;
    std::string extra;
    if (!(fields >> u.before >> u.after >> u.ref) || (fields >> extra)) {
      return InvalidArgument("line " + std::to_string(n) + ": expected \"<old> <new> <ref>\"");
    }
    out.push_back(std::move(u));
  }
  return out;
}

PostReceiveResult PostReceive(const std::vector<RefUpdate>& updates, const PostReceiveOptions& o) {
  PostReceiveResult r;
  fs::path spool = o.spool_dir;
  std::error_code ec;
  fs::create_directories(spool, ec);
  bool spool_ok = !ec && fs::is_directory(spool, ec);
  if (!spool_ok) {
    r.lines.push_back("schemabot: spool \"" + o.spool_dir +
                      "\" cannot be created; sending without it");
  }
  // Write-ahead: a notification is on disk before anything is sent.
  std::vector<Item> unspooled;
  int seq = 0;
  for (const RefUpdate& u : o.flush_only ? std::vector<RefUpdate>{} : updates) {
    if (u.before == u.after) continue;
    webhooks::GitNotification n{o.repo,   u.ref,       u.before,        u.after,
                                o.pusher, o.clone_url, o.default_branch};
    Item item{{}, NewDelivery(), webhooks::GitNotificationJson(n)};
    if (spool_ok) {
      fs::path p = spool / SpoolName(seq++, item.delivery);
      if (Result<void> w = WriteDurably(p, item.body); w) {
        continue;  // read back below, in order with older ones
      } else {
        r.lines.push_back("schemabot: " + w.error().message + "; sending without the spool");
      }
    }
    unspooled.push_back(std::move(item));
  }
  std::vector<Item> items = spool_ok ? ReadSpool(spool) : std::vector<Item>{};
  for (Item& i : unspooled) items.push_back(std::move(i));
  if (items.empty()) return r;
  if (o.url.empty() || o.secret.empty()) {
    r.lines.push_back(std::string("schemabot: no ") +
                      (o.url.empty() ? "server URL (--url or SCHEMABOT_URL)"
                                     : "secret (--secret-file or SCHEMABOT_HOOK_SECRET_FILE)") +
                      " configured; nothing sent");
    r.pending = static_cast<int>(items.size());
  } else {
    Sender(o, r).Run(items);
  }
  if (r.pending > 0) {
    r.lines.push_back("schemabot: " + std::to_string(r.pending) + " notification" +
                      (r.pending == 1 ? "" : "s") + " kept in \"" + o.spool_dir +
                      "\"; sent on the next push, or run `schemabot hook post-receive --flush`");
  }
  return r;
}

}  // namespace schemabot::hooks
