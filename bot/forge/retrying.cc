// The retrying decorator (see NewRetryingForge in forge.h).
#include <random>
#include <thread>

#include "bot/forge/forge.h"

namespace schemabot::forge {
namespace {

class RetryingForge final : public Forge {
 public:
  RetryingForge(std::unique_ptr<Forge> inner, RetryOptions options)
      : inner_(std::move(inner)), options_(std::move(options)) {
    if (!options_.sleep) {
      options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    }
    if (options_.max_attempts < 1) options_.max_attempts = 1;
  }

  std::string_view name() const override { return inner_->name(); }
  Capabilities capabilities() const override { return inner_->capabilities(); }
  RateLimit last_rate_limit() const override { return inner_->last_rate_limit(); }

  Result<PullRequest> GetPullRequest(const std::string& repo, int64_t number) override {
    return Run("GetPullRequest", true, [&] { return inner_->GetPullRequest(repo, number); });
  }
  Result<std::vector<ChangedFile>> ListChangedFiles(const std::string& repo,
                                                    int64_t number) override {
    return Run("ListChangedFiles", true, [&] { return inner_->ListChangedFiles(repo, number); });
  }
  Result<std::string> GetFile(const std::string& repo, const std::string& path,
                              const std::string& ref) override {
    return Run("GetFile", true, [&] { return inner_->GetFile(repo, path, ref); });
  }
  Result<std::vector<Comment>> ListComments(const std::string& repo, int64_t number) override {
    return Run("ListComments", true, [&] { return inner_->ListComments(repo, number); });
  }
  Result<Comment> CreateComment(const std::string& repo, int64_t number,
                                const std::string& body) override {
    return Run("CreateComment", false, [&] { return inner_->CreateComment(repo, number, body); });
  }
  Result<Comment> UpdateComment(const std::string& repo, int64_t number, int64_t comment_id,
                                const std::string& body) override {
    return Run("UpdateComment", true,
               [&] { return inner_->UpdateComment(repo, number, comment_id, body); });
  }
  Result<std::vector<ReviewComment>> ListReviewComments(const std::string& repo,
                                                        int64_t number) override {
    return Run("ListReviewComments", true,
               [&] { return inner_->ListReviewComments(repo, number); });
  }
  Result<ReviewComment> CreateReviewComment(const std::string& repo, int64_t number,
                                            const NewReviewComment& comment) override {
    return Run("CreateReviewComment", false,
               [&] { return inner_->CreateReviewComment(repo, number, comment); });
  }
  Result<void> SetCommitStatus(const std::string& repo, const std::string& sha,
                               const CommitStatus& status) override {
    return Run("SetCommitStatus", true, [&] { return inner_->SetCommitStatus(repo, sha, status); });
  }
  Result<int64_t> CreateCheckRun(const std::string& repo, const CheckRun& run) override {
    return Run("CreateCheckRun", false, [&] { return inner_->CreateCheckRun(repo, run); });
  }
  Result<void> UpdateCheckRun(const std::string& repo, const CheckRun& run) override {
    return Run("UpdateCheckRun", false, [&] { return inner_->UpdateCheckRun(repo, run); });
  }
  Result<Permission> GetPermission(const std::string& repo, const std::string& user) override {
    return Run("GetPermission", true, [&] { return inner_->GetPermission(repo, user); });
  }
  Result<void> AddReaction(const std::string& repo, int64_t number, int64_t comment_id,
                           Reaction reaction) override {
    return Run("AddReaction", true,
               [&] { return inner_->AddReaction(repo, number, comment_id, reaction); });
  }
  Result<std::string> GetBranch(const std::string& repo, const std::string& branch) override {
    return Run("GetBranch", true, [&] { return inner_->GetBranch(repo, branch); });
  }
  Result<void> CreateBranch(const std::string& repo, const std::string& branch,
                            const std::string& sha) override {
    return Run("CreateBranch", false, [&] { return inner_->CreateBranch(repo, branch, sha); });
  }
  Result<void> ResetBranch(const std::string& repo, const std::string& branch,
                           const std::string& sha) override {
    return Run("ResetBranch", true, [&] { return inner_->ResetBranch(repo, branch, sha); });
  }
  Result<std::string> PutFile(const std::string& repo, const std::string& branch,
                              const std::string& path, const std::string& content,
                              const std::string& message) override {
    return Run("PutFile", false,
               [&] { return inner_->PutFile(repo, branch, path, content, message); });
  }
  Result<PullRequest> OpenPullRequest(const std::string& repo, const NewPullRequest& pr) override {
    return Run("OpenPullRequest", false, [&] { return inner_->OpenPullRequest(repo, pr); });
  }
  Result<PullRequest> UpdatePullRequest(const std::string& repo, int64_t number,
                                        const std::string& title,
                                        const std::string& body) override {
    return Run("UpdatePullRequest", true,
               [&] { return inner_->UpdatePullRequest(repo, number, title, body); });
  }
  Result<std::optional<PullRequest>> FindOpenPullRequest(const std::string& repo,
                                                         const std::string& head,
                                                         const std::string& base) override {
    return Run("FindOpenPullRequest", true,
               [&] { return inner_->FindOpenPullRequest(repo, head, base); });
  }

 private:
  template <typename F>
  auto Run(std::string_view, bool idempotent, F call) -> decltype(call()) {
    auto result = call();
    if (!idempotent) return result;
    for (int attempt = 1; attempt < options_.max_attempts; ++attempt) {
      if (result || result.error().code != ErrorCode::kUnavailable) return result;
      std::chrono::milliseconds wait = Backoff(attempt);
      if (auto ra = result.error().retry_after_seconds) {
        wait = std::chrono::seconds(*ra);
        // Longer than we may block a worker: hand the hint to the queue.
        if (wait > options_.max_wait) return result;
      }
      options_.sleep(wait);
      result = call();
    }
    return result;
  }

  std::chrono::milliseconds Backoff(int attempt) {
    auto base = options_.initial_backoff * (1 << std::min(attempt - 1, 10));
    std::lock_guard lock(mu_);
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    auto d = std::chrono::milliseconds(static_cast<int64_t>(base.count() * jitter(rng_)));
    return std::min(d, options_.max_wait);
  }

  std::unique_ptr<Forge> inner_;
  RetryOptions options_;
  std::mutex mu_;
  std::minstd_rand rng_{std::random_device{}()};
};

}  // namespace

std::unique_ptr<Forge> NewRetryingForge(std::unique_ptr<Forge> inner, RetryOptions options) {
  return std::make_unique<RetryingForge>(std::move(inner), std::move(options));
}

}  // namespace schemabot::forge
