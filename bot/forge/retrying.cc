// The retrying decorator (see NewRetryingForge in forge.h).
#include <random>
#include <thread>

#include "bot/forge/forge.h"
#include "bot/forge/wrapping.h"

namespace schemabot::forge {
namespace {

class RetryingForge final : public WrappingForge<RetryingForge> {
 public:
  RetryingForge(std::unique_ptr<Forge> inner, RetryOptions options)
      : WrappingForge(std::move(inner)), options_(std::move(options)) {
    if (!options_.sleep) {
      options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    }
    if (options_.max_attempts < 1) options_.max_attempts = 1;
  }

 private:
  friend class WrappingForge<RetryingForge>;
  template <typename F>
  auto Call(std::string_view, bool idempotent, F call) -> decltype(call()) {
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

  RetryOptions options_;
  std::mutex mu_;
  std::minstd_rand rng_{std::random_device{}()};
};

}  // namespace

std::unique_ptr<Forge> NewRetryingForge(std::unique_ptr<Forge> inner, RetryOptions options) {
  return std::make_unique<RetryingForge>(std::move(inner), std::move(options));
}

}  // namespace schemabot::forge
