// Git for the bot: a cache of bare mirrors, one per repository, fetched with libgit2.
//
// A lint job needs the PR's base and head commits, not a work tree. MirrorCache keeps one
// bare repository per clone URL under a cache directory and fetches only the refs a job
// names — "refs/pull/7/head", "refs/merge-requests/7/head", a branch, or a commit sha —
// then hands out trees at commits as engine `Dir`s (engine/dir's git-tree Dir) and the
// files a commit range changed below a directory.
//
// Clone URLs come from the caller (a webhook's `repository.clone_url`, GitLab's
// `project.git_http_url`, `file://` or a plain path in local tests) and must not carry
// credentials: those are given separately and passed to libgit2's credential callback in
// memory, so they never appear in a URL, a remote config or a log line.
//
// Errors: kInvalidArgument (a URL with credentials, a malformed want), kPermissionDenied
// (the server refused the credentials, or asked for some and none were given), kNotFound
// (a ref or commit the remote/mirror does not have, a missing path), kUnavailable (network
// or server failure: the job may retry), kInternal (a broken mirror on disk).
//
// Thread-safety: MirrorCache may be used from several threads and processes at once.
// Fetches of one mirror are serialised (an in-process mutex plus an flock on
// "<mirror>.lock"); reading trees needs no lock (objects are immutable once written).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/dir/dir.h"

namespace schemabot::git {

// HTTP Basic credentials: GitHub `x-access-token` + token, GitLab `oauth2` + token.
struct Credentials {
  std::string username;
  std::string password;
};

struct FetchRequest {
  std::string clone_url;
  // What to bring into the mirror: full ref names ("refs/pull/7/head"), branch names
  // ("main" = refs/heads/main), or 40-hex commit shas (skipped when already present;
  // fetched by id otherwise, which the server must allow).
  std::vector<std::string> wants;
  std::optional<Credentials> credentials;
};

enum class ChangeKind { kAdded, kModified, kDeleted, kRenamed };

// One file changed between two commits. Paths are relative to the repository root.
struct ChangedPath {
  std::string path;      // new path (for deletions: the old path)
  std::string old_path;  // for renames, else ""
  ChangeKind kind = ChangeKind::kModified;
};

class MirrorCache {
 public:
  // Uses (and creates) `cache_dir`. kInternal if it cannot be created.
  static Result<std::unique_ptr<MirrorCache>> Open(const std::string& cache_dir);
  ~MirrorCache();

  // Creates the mirror of req.clone_url if needed and fetches req.wants into it. Returns
  // the commit sha of each want, in order.
  Result<std::vector<std::string>> Fetch(const FetchRequest& req);

  // The bare repository of `clone_url` on disk (exists after a successful Fetch).
  std::string MirrorPath(const std::string& clone_url) const;

  // The tree of `commit` (a sha or a ref in the mirror) below `subdir` ("" = root), as a
  // read-only Dir. kNotFound for an unknown commit or subdir.
  Result<std::unique_ptr<dir::Dir>> OpenTree(const std::string& clone_url,
                                             const std::string& commit,
                                             const std::string& subdir) const;

  // The bytes of `path` at `commit`; kNotFound if absent.
  Result<std::string> ReadFile(const std::string& clone_url, const std::string& commit,
                               const std::string& path) const;

  // Files changed from `from` to `to` (shas or refs) whose path (or old path) lies under
  // `subdir` ("" = everywhere), with rename detection; sorted by path.
  Result<std::vector<ChangedPath>> ChangedFiles(const std::string& clone_url,
                                                const std::string& from, const std::string& to,
                                                const std::string& subdir) const;

  // The merge base of two commits in the mirror.
  Result<std::string> MergeBase(const std::string& clone_url, const std::string& a,
                                const std::string& b) const;

 private:
  explicit MirrorCache(std::string dir) : dir_(std::move(dir)) {}
  std::mutex& MirrorMutex(const std::string& path);

  std::string dir_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<std::mutex>> mirror_mu_;
};

// `url` without user information ("https://user:pw@h/x" -> "https://h/x"), for messages.
std::string RedactUrl(const std::string& url);

}  // namespace schemabot::git
