// Dir over a tree at a commit of a git repository (libgit2; the only file that uses it in
// engine/). Works on bare repositories: only objects are read, never a work tree.
#include <git2.h>

#include <algorithm>
#include <mutex>

#include "engine/dir/dir.h"
#include "engine/dir/internal.h"

namespace schemabot::dir {
namespace {

void InitLibgit2Once() {
  // Never shut down: other modules (bot/git) may use libgit2 for the life of the process,
  // and git_libgit2_init is reference counted, so their own init/shutdown pairs stay valid.
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

std::string GitErrorText() {
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

class GitTreeDir final : public Dir {
 public:
  GitTreeDir(git_repository* repo, git_tree* tree, std::string describe)
      : repo_(repo), tree_(tree), describe_(std::move(describe)) {}
  ~GitTreeDir() override {
    git_tree_free(tree_);
    git_repository_free(repo_);
  }

  Result<std::vector<std::string>> List(bool recursive) const override {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    SB_TRY(Walk(tree_, "", recursive, out));
    std::sort(out.begin(), out.end());
    return out;
  }

  Result<std::string> Read(std::string_view name) const override {
    SB_TRY(internal::CheckName(name));
    std::lock_guard lock(mu_);
    Owned<git_tree_entry, git_tree_entry_free> entry;
    std::string path(name);
    if (git_tree_entry_bypath(&entry.p, tree_, path.c_str()) != 0) {
      return NotFound("file " + internal::Quote(name) + " not found in " + describe_);
    }
    if (git_tree_entry_type(entry.p) != GIT_OBJECT_BLOB) {
      return InvalidArgument(internal::Quote(name) + " is not a file");
    }
    Owned<git_blob, git_blob_free> blob;
    if (git_blob_lookup(&blob.p, repo_, git_tree_entry_id(entry.p)) != 0) {
      return Unavailable("reading " + internal::Quote(name) + ": " + GitErrorText());
    }
    auto size = static_cast<size_t>(git_blob_rawsize(blob.p));
    if (size > kMaxFileSize) {
      return InvalidArgument("file " + internal::Quote(name) + " is too large");
    }
    return std::string(static_cast<const char*>(git_blob_rawcontent(blob.p)), size);
  }

  Result<void> Write(std::string_view name, std::string_view) override {
    return PermissionDenied("cannot write " + internal::Quote(name) + ": " + describe_ +
                            " is a git tree (read-only)");
  }

  std::string Describe() const override { return describe_; }

 private:
  Result<void> Walk(const git_tree* tree, const std::string& prefix, bool recursive,
                    std::vector<std::string>& out) const {
    size_t n = git_tree_entrycount(tree);
    for (size_t i = 0; i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree, i);
      std::string name = git_tree_entry_name(e);
      git_filemode_t mode = git_tree_entry_filemode(e);
      if (mode == GIT_FILEMODE_TREE) {
        if (!recursive || name.empty() || name[0] == '.') continue;
        Owned<git_tree, git_tree_free> sub;
        if (git_tree_lookup(&sub.p, repo_, git_tree_entry_id(e)) != 0) {
          return Unavailable("listing " + internal::Quote(prefix + name) + ": " + GitErrorText());
        }
        SB_TRY(Walk(sub.p, prefix + name + "/", recursive, out));
      } else if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
        out.push_back(prefix + name);
      }
      // Symlinks and submodules are not migration files.
    }
    return Ok();
  }

  mutable std::mutex mu_;  // libgit2 objects of one repository are not thread-safe
  git_repository* repo_;
  git_tree* tree_;
  std::string describe_;
};

}  // namespace

Result<std::unique_ptr<Dir>> OpenGitTreeDir(const std::string& repo_path,
                                            const std::string& commit_or_ref,
                                            const std::string& subdir) {
  InitLibgit2Once();
  std::string where = repo_path + "@" + commit_or_ref + ":" + (subdir.empty() ? "." : subdir);
  git_repository* repo = nullptr;
  // "" = the repository git's environment names (GIT_DIR, GIT_OBJECT_DIRECTORY, and the
  // quarantine's GIT_ALTERNATE_OBJECT_DIRECTORIES inside a pre-receive hook).
  int rc = repo_path.empty()
               ? git_repository_open_ext(&repo, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr)
               : git_repository_open_ext(&repo, repo_path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH,
                                         nullptr);
  if (rc != 0) {
    return NotFound("opening git repository " + internal::Quote(repo_path) + ": " + GitErrorText());
  }
  Owned<git_repository, git_repository_free> repo_owner{repo};
  Owned<git_object, git_object_free> obj;
  if (git_revparse_single(&obj.p, repo, commit_or_ref.c_str()) != 0) {
    return NotFound("revision " + internal::Quote(commit_or_ref) + " not found in " +
                    internal::Quote(repo_path) + ": " + GitErrorText());
  }
  Owned<git_object, git_object_free> root;
  if (git_object_peel(&root.p, obj.p, GIT_OBJECT_TREE) != 0) {
    return InvalidArgument("revision " + internal::Quote(commit_or_ref) +
                           " does not name a tree: " + GitErrorText());
  }
  git_tree* tree = reinterpret_cast<git_tree*>(root.p);
  root.p = nullptr;
  Owned<git_tree, git_tree_free> tree_owner{tree};
  std::string sub = subdir;
  while (!sub.empty() && sub.back() == '/') sub.pop_back();
  if (!sub.empty() && sub != ".") {
    if (sub.rfind("./", 0) == 0) sub = sub.substr(2);
    Owned<git_tree_entry, git_tree_entry_free> entry;
    if (git_tree_entry_bypath(&entry.p, tree, sub.c_str()) != 0) {
      return NotFound("folder " + internal::Quote(sub) + " not found in " + where);
    }
    if (git_tree_entry_type(entry.p) != GIT_OBJECT_TREE) {
      return InvalidArgument(internal::Quote(sub) + " is not a folder in " + where);
    }
    git_tree* subtree = nullptr;
    if (git_tree_lookup(&subtree, repo, git_tree_entry_id(entry.p)) != 0) {
      return Unavailable("reading folder " + internal::Quote(sub) + ": " + GitErrorText());
    }
    git_tree_free(tree);
    tree = subtree;
    tree_owner.p = tree;
  }
  tree_owner.p = nullptr;
  repo_owner.p = nullptr;
  return std::unique_ptr<Dir>(new GitTreeDir(repo, tree, where));
}

}  // namespace schemabot::dir
