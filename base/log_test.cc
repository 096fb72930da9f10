#include "base/log.h"

#include <gtest/gtest.h>

#include "base/metrics.h"

namespace schemabot {
namespace {

TEST(Log, TextQuotesOnlyWhenNeeded) {
  EXPECT_EQ(log::FormatForTest(log::Format::kText, log::Level::kInfo, "delivery",
                               {{"id", "abc"}, {"error", "bad sig"}}),
            "info delivery id=abc error=\"bad sig\"");
}

TEST(Log, JsonEscapes) {
  EXPECT_EQ(log::FormatForTest(log::Format::kJson, log::Level::kWarn, "m", {{"k", "a\"b\n"}}),
            R"({"level":"warn","msg":"m","k":"a\"b\n"})");
}

TEST(Metrics, RendersCountersAndHistograms) {
  metrics::Describe("t_requests_total", metrics::Type::kCounter, "Requests.");
  metrics::Describe("t_seconds", metrics::Type::kHistogram, "Latency.");
  metrics::Inc("t_requests_total", {{"code", "200"}});
  metrics::Inc("t_requests_total", {{"code", "200"}}, 2);
  metrics::Observe("t_seconds", {}, 0.007);
  EXPECT_EQ(metrics::Value("t_requests_total", {{"code", "200"}}), 3);
  std::string text = metrics::Render();
  EXPECT_NE(text.find("# TYPE t_requests_total counter\nt_requests_total{code=\"200\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("t_seconds_bucket{le=\"0.005\"} 0\nt_seconds_bucket{le=\"0.01\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("t_seconds_count 1\n"), std::string::npos);
}

}  // namespace
}  // namespace schemabot
