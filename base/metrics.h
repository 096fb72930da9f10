// Process-wide Prometheus metrics: counters, gauges and histograms with labels.
//
//   metrics::Describe("schemabot_deliveries_total", metrics::Type::kCounter,
//                     "Webhook deliveries by host, event and outcome.");
//   metrics::Inc("schemabot_deliveries_total", {{"host", "github"}, {"outcome", "queued"}});
//   metrics::Observe("schemabot_job_duration_seconds", {{"kind", "ping"}}, 0.012);
//   std::string text = metrics::Render();   // Prometheus text exposition format 0.0.4
//
// Names follow Prometheus conventions (snake_case, `_total` for counters, base units).
// A metric that was never described is rendered as `untyped`. Histograms use fixed buckets
// (5 ms … 60 s), enough for request and job latencies.
//
// Thread-safety: every function may be called from any thread (one mutex; each call is a
// map lookup and an add, cheap next to the I/O it measures).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace schemabot::metrics {

enum class Type { kCounter, kGauge, kHistogram };

// Label name -> value; rendered sorted by name, values escaped.
using Labels = std::map<std::string, std::string>;

// Sets the type and help text shown for `name`. Idempotent.
void Describe(std::string_view name, Type type, std::string_view help);

// Adds `delta` to a counter (or gauge).
void Inc(std::string_view name, const Labels& labels = {}, double delta = 1);
// Sets a gauge.
void Set(std::string_view name, const Labels& labels, double value);
// Records one observation (in seconds, for durations) into a histogram.
void Observe(std::string_view name, const Labels& labels, double value);

// The current value of a counter or gauge (0 when never set); for tests and /readyz.
double Value(std::string_view name, const Labels& labels = {});

// All metrics in the Prometheus text format, sorted by name.
std::string Render();

// Forgets every value (descriptions stay). For tests.
void ResetForTest();

}  // namespace schemabot::metrics
