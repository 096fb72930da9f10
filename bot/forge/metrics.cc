#include "base/metrics.h"

#include <string>

#include "bot/forge/forge.h"

namespace schemabot::forge {
namespace {

std::string Outcome(const Error& e) {
  std::string s(ErrorCodeName(e.code));
  for (char& c : s) {
    if (c == ' ') c = '_';
  }
  return s;
}

class MetricsForge final : public Forge {
 public:
  explicit MetricsForge(std::unique_ptr<Forge> inner) : inner_(std::move(inner)) {
    metrics::Describe("schemabot_forge_calls_total", metrics::Type::kCounter,
                      "Forge API calls by forge, method and outcome.");
    metrics::Describe("schemabot_forge_rate_limit_remaining", metrics::Type::kGauge,
                      "The last rate-limit remaining a forge reported.");
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
  auto Run(std::string_view method, bool, F call) -> decltype(call()) {
    auto result = call();
    std::string forge(inner_->name());
    metrics::Inc("schemabot_forge_calls_total",
                 {{"forge", forge},
                  {"method", std::string(method)},
                  {"outcome", result ? std::string("ok") : Outcome(result.error())}});
    RateLimit rl = inner_->last_rate_limit();
    if (rl.remaining >= 0) {
      metrics::Set("schemabot_forge_rate_limit_remaining", {{"forge", forge}},
                   static_cast<double>(rl.remaining));
    }
    return result;
  }

  std::unique_ptr<Forge> inner_;
};

}  // namespace

std::unique_ptr<Forge> NewMetricsForge(std::unique_ptr<Forge> inner) {
  return std::make_unique<MetricsForge>(std::move(inner));
}

}  // namespace schemabot::forge
