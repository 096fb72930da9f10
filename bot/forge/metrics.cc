#include "base/metrics.h"

#include <string>

#include "bot/forge/forge.h"
#include "bot/forge/wrapping.h"

namespace schemabot::forge {
namespace {

std::string Outcome(const Error& e) {
  std::string s(ErrorCodeName(e.code));
  for (char& c : s) {
    if (c == ' ') c = '_';
  }
  return s;
}

class MetricsForge final : public WrappingForge<MetricsForge> {
 public:
  explicit MetricsForge(std::unique_ptr<Forge> inner) : WrappingForge(std::move(inner)) {
    metrics::Describe("schemabot_forge_calls_total", metrics::Type::kCounter,
                      "Forge API calls by forge, method and outcome.");
    metrics::Describe("schemabot_forge_rate_limit_remaining", metrics::Type::kGauge,
                      "The last rate-limit remaining a forge reported.");
  }

 private:
  friend class WrappingForge<MetricsForge>;
  template <typename F>
  auto Call(std::string_view method, bool, F call) -> decltype(call()) {
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
};

}  // namespace

std::unique_ptr<Forge> NewMetricsForge(std::unique_ptr<Forge> inner) {
  return std::make_unique<MetricsForge>(std::move(inner));
}

}  // namespace schemabot::forge
