// The only file of bot/ that uses libgit2.
#include "bot/git/git.h"

#include <fcntl.h>
#include <git2.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "base/crypto.h"

namespace schemabot::git {
namespace fs = std::filesystem;
namespace {

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

std::string LastError() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

template <typename T, void (*Free)(T*)>
struct Owned {
  T* p = nullptr;
  ~Owned() {
    if (p) Free(p);
  }
};
using Repo = Owned<git_repository, git_repository_free>;
using Remote = Owned<git_remote, git_remote_free>;
using Object = Owned<git_object, git_object_free>;
using Commit = Owned<git_commit, git_commit_free>;
using Tree = Owned<git_tree, git_tree_free>;
using Diff = Owned<git_diff, git_diff_free>;

bool IsSha(const std::string& s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The local ref a want is stored under, and the refspec that fetches it.
std::string LocalRef(const std::string& want) {
  if (want.rfind("refs/", 0) == 0) return want;
  return "refs/heads/" + want;
}

struct CredPayload {
  const std::optional<Credentials>* creds;
  int calls = 0;
  bool refused = false;
};

int CredentialCallback(git_credential** out, const char*, const char*, unsigned int allowed,
                       void* payload) {
  auto* p = static_cast<CredPayload*>(payload);
  ++p->calls;
  // Called again after the server rejected what we gave: stop instead of looping.
  if (!p->creds->has_value() || p->calls > 1 || !(allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT)) {
    p->refused = true;
    git_error_set_str(GIT_ERROR_NET, "authentication refused");
    return GIT_EAUTH;
  }
  return git_credential_userpass_plaintext_new(out, (*p->creds)->username.c_str(),
                                               (*p->creds)->password.c_str());
}

Result<void> Check(int rc, const std::string& what) {
  if (rc == 0) return Ok();
  std::string msg = what + ": " + LastError();
  if (rc == GIT_ENOTFOUND) return NotFound(msg);
  return Internal(msg);
}

Result<void> OpenRepo(Repo& repo, const std::string& path) {
  if (git_repository_open_bare(&repo.p, path.c_str()) != 0) {
    return NotFound("mirror \"" + path + "\" not found: fetch first");
  }
  return Ok();
}

Result<git_oid> Resolve(git_repository* repo, const std::string& rev) {
  Object obj;
  if (git_revparse_single(&obj.p, repo, (rev + "^{commit}").c_str()) != 0) {
    return NotFound("commit \"" + rev + "\" not found: " + LastError());
  }
  return *git_object_id(obj.p);
}

std::string OidHex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

// An flock on "<mirror>.lock" for the scope (other processes share the cache dir).
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    fd_ = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }

 private:
  int fd_ = -1;
};

}  // namespace

std::string RedactUrl(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t at = url.find('@', scheme + 3);
  size_t slash = url.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && at > slash)) return url;
  return url.substr(0, scheme + 3) + url.substr(at + 1);
}

Result<std::unique_ptr<MirrorCache>> MirrorCache::Open(const std::string& cache_dir) {
  InitOnce();
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  if (ec) return Internal("git cache \"" + cache_dir + "\": " + ec.message());
  return std::unique_ptr<MirrorCache>(new MirrorCache(cache_dir));
}

MirrorCache::~MirrorCache() = default;

std::string MirrorCache::MirrorPath(const std::string& clone_url) const {
  // A readable slug of host and path plus a hash of the whole URL (no collisions).
  std::string shown = RedactUrl(clone_url);
  size_t scheme = shown.find("://");
  if (scheme != std::string::npos) shown = shown.substr(scheme + 3);
  std::string slug;
  for (char c : shown) {
    slug += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_';
  }
  if (slug.size() > 80) slug = slug.substr(slug.size() - 80);
  return dir_ + "/" + slug + "-" + HexEncode(Sha256(clone_url)).substr(0, 12) + ".git";
}

std::mutex& MirrorCache::MirrorMutex(const std::string& path) {
  std::lock_guard lock(mu_);
  auto& m = mirror_mu_[path];
  if (!m) m = std::make_unique<std::mutex>();
  return *m;
}

Result<std::vector<std::string>> MirrorCache::Fetch(const FetchRequest& req) {
  if (RedactUrl(req.clone_url) != req.clone_url) {
    return InvalidArgument("clone url must not carry credentials: pass them separately");
  }
  std::string shown = "fetching " + req.clone_url;
  std::string path = MirrorPath(req.clone_url);
  std::lock_guard in_process(MirrorMutex(path));
  FileLock across_processes(path + ".lock");

  Repo repo;
  if (git_repository_open_bare(&repo.p, path.c_str()) != 0) {
    SB_TRY(Check(git_repository_init(&repo.p, path.c_str(), /*is_bare=*/1), shown + ": init"));
  }
  std::vector<std::string> specs;
  for (const std::string& want : req.wants) {
    if (want.empty() || want.find_first_of(" :~^") != std::string::npos) {
      return InvalidArgument(shown + ": bad want \"" + want + "\"");
    }
    if (IsSha(want)) {
      git_oid oid;
      git_oid_fromstr(&oid, want.c_str());
      Commit c;
      if (git_commit_lookup(&c.p, repo.p, &oid) == 0) continue;  // already here
      specs.push_back(want + ":refs/schemabot/commits/" + want);
    } else {
      specs.push_back("+" + LocalRef(want) + ":" + LocalRef(want));
    }
  }
  if (!specs.empty()) {
    Remote remote;
    SB_TRY(Check(git_remote_create_anonymous(&remote.p, repo.p, req.clone_url.c_str()), shown));
    std::vector<char*> raw;
    for (auto& s : specs) raw.push_back(s.data());
    git_strarray refspecs{raw.data(), raw.size()};
    git_fetch_options opts;
    git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
    CredPayload payload{&req.credentials};
    opts.callbacks.credentials = CredentialCallback;
    opts.callbacks.payload = &payload;
    opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    opts.update_fetchhead = 0;
    if (git_remote_fetch(remote.p, &refspecs, &opts, nullptr) != 0) {
      std::string msg = shown + ": " + LastError();
      if (payload.refused) {
        return PermissionDenied(shown + ": the server refused the credentials" +
                                (req.credentials ? "" : " (none were given)"));
      }
      if (msg.find("not found") != std::string::npos ||
          msg.find("not our ref") != std::string::npos ||
          msg.find("couldn't find remote ref") != std::string::npos) {
        return NotFound(msg);
      }
      return Unavailable(msg);
    }
  }
  std::vector<std::string> shas;
  for (const std::string& want : req.wants) {
    auto oid = Resolve(repo.p, IsSha(want) ? want : LocalRef(want));
    if (!oid) return NotFound(shown + ": \"" + want + "\" is not on the remote");
    shas.push_back(OidHex(*oid));
  }
  return shas;
}

Result<std::unique_ptr<dir::Dir>> MirrorCache::OpenTree(const std::string& clone_url,
                                                        const std::string& commit,
                                                        const std::string& subdir) const {
  return dir::OpenGitTreeDir(MirrorPath(clone_url), commit, subdir);
}

Result<std::string> MirrorCache::ReadFile(const std::string& clone_url, const std::string& commit,
                                          const std::string& path) const {
  Repo repo;
  SB_TRY(OpenRepo(repo, MirrorPath(clone_url)));
  Object obj;
  std::string spec = commit + ":" + path;
  if (git_revparse_single(&obj.p, repo.p, spec.c_str()) != 0 ||
      git_object_type(obj.p) != GIT_OBJECT_BLOB) {
    return NotFound("\"" + path + "\" not found at " + commit);
  }
  auto* blob = reinterpret_cast<git_blob*>(obj.p);
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob)),
                     static_cast<size_t>(git_blob_rawsize(blob)));
}

Result<std::vector<ChangedPath>> MirrorCache::ChangedFiles(const std::string& clone_url,
                                                           const std::string& from,
                                                           const std::string& to,
                                                           const std::string& subdir) const {
  Repo repo;
  SB_TRY(OpenRepo(repo, MirrorPath(clone_url)));
  Tree trees[2];
  const std::string* revs[2] = {&from, &to};
  for (int i = 0; i < 2; ++i) {
    SB_TRY_ASSIGN(git_oid oid, Resolve(repo.p, *revs[i]));
    Commit c;
    SB_TRY(Check(git_commit_lookup(&c.p, repo.p, &oid), "commit " + *revs[i]));
    SB_TRY(Check(git_commit_tree(&trees[i].p, c.p), "tree of " + *revs[i]));
  }
  Diff diff;
  git_diff_options opts;
  git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
  SB_TRY(Check(git_diff_tree_to_tree(&diff.p, repo.p, trees[0].p, trees[1].p, &opts), "diff"));
  git_diff_find_options find;
  git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
  find.flags = GIT_DIFF_FIND_RENAMES;
  SB_TRY(Check(git_diff_find_similar(diff.p, &find), "rename detection"));
  std::string prefix = subdir;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (prefix == ".") prefix.clear();
  auto under = [&](const char* p) {
    if (!p) return false;
    std::string s(p);
    return prefix.empty() || s.rfind(prefix + "/", 0) == 0;
  };
  std::vector<ChangedPath> out;
  for (size_t i = 0; i < git_diff_num_deltas(diff.p); ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.p, i);
    if (!under(d->new_file.path) && !under(d->old_file.path)) continue;
    ChangedPath c;
    switch (d->status) {
      case GIT_DELTA_ADDED:
        c.kind = ChangeKind::kAdded;
        break;
      case GIT_DELTA_DELETED:
        c.kind = ChangeKind::kDeleted;
        break;
      case GIT_DELTA_RENAMED:
        c.kind = ChangeKind::kRenamed;
        break;
      default:
        c.kind = ChangeKind::kModified;
    }
    c.path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
    if (c.kind == ChangeKind::kRenamed) c.old_path = d->old_file.path;
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const ChangedPath& a, const ChangedPath& b) { return a.path < b.path; });
  return out;
}

Result<std::string> MirrorCache::MergeBase(const std::string& clone_url, const std::string& a,
                                           const std::string& b) const {
  Repo repo;
  SB_TRY(OpenRepo(repo, MirrorPath(clone_url)));
  SB_TRY_ASSIGN(git_oid oa, Resolve(repo.p, a));
  SB_TRY_ASSIGN(git_oid ob, Resolve(repo.p, b));
  git_oid base;
  if (git_merge_base(&base, repo.p, &oa, &ob) != 0) {
    return NotFound("no merge base of " + a + " and " + b);
  }
  return OidHex(base);
}

}  // namespace schemabot::git
