// The base of the Forge decorators (retrying.cc, metrics.cc): forwards every method to the
// wrapped Forge through Self::Call(method name, idempotent, call), so each decorator states
// only what it adds around a call, and the method list with its idempotency flags lives in
// one place. Not part of the public API.
#pragma once

#include <memory>
#include <utility>

#include "bot/forge/forge.h"

namespace schemabot::forge {

// Self must provide:
//   template <typename F> auto Call(std::string_view method, bool idempotent, F call)
//       -> decltype(call());
// `idempotent` is false for calls that must not be repeated (creates that would duplicate).
template <typename Self>
class WrappingForge : public Forge {
 public:
  explicit WrappingForge(std::unique_ptr<Forge> inner) : inner_(std::move(inner)) {}

  std::string_view name() const override { return inner_->name(); }
  Capabilities capabilities() const override { return inner_->capabilities(); }
  RateLimit last_rate_limit() const override { return inner_->last_rate_limit(); }

  Result<GitAuth> GitCredentials(const std::string& repo) override {
    return self().Call("GitCredentials", true, [&] { return inner_->GitCredentials(repo); });
  }
  Result<PullRequest> GetPullRequest(const std::string& repo, int64_t number) override {
    return self().Call("GetPullRequest", true,
                       [&] { return inner_->GetPullRequest(repo, number); });
  }
  Result<std::vector<ChangedFile>> ListChangedFiles(const std::string& repo,
                                                    int64_t number) override {
    return self().Call("ListChangedFiles", true,
                       [&] { return inner_->ListChangedFiles(repo, number); });
  }
  Result<std::string> GetFile(const std::string& repo, const std::string& path,
                              const std::string& ref) override {
    return self().Call("GetFile", true, [&] { return inner_->GetFile(repo, path, ref); });
  }
  Result<std::vector<Comment>> ListComments(const std::string& repo, int64_t number) override {
    return self().Call("ListComments", true, [&] { return inner_->ListComments(repo, number); });
  }
  Result<Comment> CreateComment(const std::string& repo, int64_t number,
                                const std::string& body) override {
    return self().Call("CreateComment", false,
                       [&] { return inner_->CreateComment(repo, number, body); });
  }
  Result<Comment> UpdateComment(const std::string& repo, int64_t number, int64_t comment_id,
                                const std::string& body) override {
    return self().Call("UpdateComment", true,
                       [&] { return inner_->UpdateComment(repo, number, comment_id, body); });
  }
  Result<std::vector<ReviewComment>> ListReviewComments(const std::string& repo,
                                                        int64_t number) override {
    return self().Call("ListReviewComments", true,
                       [&] { return inner_->ListReviewComments(repo, number); });
  }
  Result<ReviewComment> CreateReviewComment(const std::string& repo, int64_t number,
                                            const NewReviewComment& comment) override {
    return self().Call("CreateReviewComment", false,
                       [&] { return inner_->CreateReviewComment(repo, number, comment); });
  }
  Result<void> SetCommitStatus(const std::string& repo, const std::string& sha,
                               const CommitStatus& status) override {
    return self().Call("SetCommitStatus", true,
                       [&] { return inner_->SetCommitStatus(repo, sha, status); });
  }
  Result<int64_t> CreateCheckRun(const std::string& repo, const CheckRun& run) override {
    return self().Call("CreateCheckRun", false, [&] { return inner_->CreateCheckRun(repo, run); });
  }
  Result<void> UpdateCheckRun(const std::string& repo, const CheckRun& run) override {
    return self().Call("UpdateCheckRun", false, [&] { return inner_->UpdateCheckRun(repo, run); });
  }
  Result<Permission> GetPermission(const std::string& repo, const std::string& user) override {
    return self().Call("GetPermission", true, [&] { return inner_->GetPermission(repo, user); });
  }
  Result<void> AddReaction(const std::string& repo, int64_t number, int64_t comment_id,
                           Reaction reaction) override {
    return self().Call("AddReaction", true,
                       [&] { return inner_->AddReaction(repo, number, comment_id, reaction); });
  }
  Result<std::string> GetBranch(const std::string& repo, const std::string& branch) override {
    return self().Call("GetBranch", true, [&] { return inner_->GetBranch(repo, branch); });
  }
  Result<void> CreateBranch(const std::string& repo, const std::string& branch,
                            const std::string& sha) override {
    return self().Call("CreateBranch", false,
                       [&] { return inner_->CreateBranch(repo, branch, sha); });
  }
  Result<void> ResetBranch(const std::string& repo, const std::string& branch,
                           const std::string& sha) override {
    return self().Call("ResetBranch", true, [&] { return inner_->ResetBranch(repo, branch, sha); });
  }
  Result<std::string> PutFile(const std::string& repo, const std::string& branch,
                              const std::string& path, const std::string& content,
                              const std::string& message) override {
    return self().Call("PutFile", false,
                       [&] { return inner_->PutFile(repo, branch, path, content, message); });
  }
  Result<PullRequest> OpenPullRequest(const std::string& repo, const NewPullRequest& pr) override {
    return self().Call("OpenPullRequest", false, [&] { return inner_->OpenPullRequest(repo, pr); });
  }
  Result<PullRequest> UpdatePullRequest(const std::string& repo, int64_t number,
                                        const std::string& title,
                                        const std::string& body) override {
    return self().Call("UpdatePullRequest", true,
                       [&] { return inner_->UpdatePullRequest(repo, number, title, body); });
  }
  Result<std::optional<PullRequest>> FindOpenPullRequest(const std::string& repo,
                                                         const std::string& head,
                                                         const std::string& base) override {
    return self().Call("FindOpenPullRequest", true,
                       [&] { return inner_->FindOpenPullRequest(repo, head, base); });
  }

 protected:
  std::unique_ptr<Forge> inner_;

 private:
  Self& self() { return static_cast<Self&>(*this); }
};

}  // namespace schemabot::forge
