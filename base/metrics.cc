#include "base/metrics.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <vector>

namespace schemabot::metrics {
namespace {

constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                             0.5,   1,    2.5,   5,    10,  60};

struct Series {
  double value = 0;  // counter / gauge
  std::array<uint64_t, kBuckets.size()> buckets{};
  uint64_t count = 0;
  double sum = 0;
};

struct Family {
  Type type = Type::kCounter;
  bool described = false;
  std::string help;
  std::map<Labels, Series> series;
};

struct State {
  std::mutex mu;
  std::map<std::string, Family, std::less<>> families;
};

State& Global() {
  static State* s = new State;  // never destroyed: used from detached threads at exit
  return *s;
}

Family& FamilyLocked(State& s, std::string_view name) {
  auto it = s.families.find(name);
  if (it == s.families.end()) it = s.families.emplace(std::string(name), Family{}).first;
  return it->second;
}

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string LabelText(const Labels& labels, const std::string& extra = "") {
  if (labels.empty() && extra.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + Escape(v) + "\"";
  }
  if (!extra.empty()) out += (first ? "" : ",") + extra;
  return out + "}";
}

std::string Num(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

const char* TypeName(const Family& f) {
  if (!f.described) return "untyped";
  switch (f.type) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

void Describe(std::string_view name, Type type, std::string_view help) {
  State& s = Global();
  std::lock_guard lock(s.mu);
  Family& f = FamilyLocked(s, name);
  f.type = type;
  f.described = true;
  f.help = std::string(help);
}

void Inc(std::string_view name, const Labels& labels, double delta) {
  State& s = Global();
  std::lock_guard lock(s.mu);
  FamilyLocked(s, name).series[labels].value += delta;
}

void Set(std::string_view name, const Labels& labels, double value) {
  State& s = Global();
  std::lock_guard lock(s.mu);
  FamilyLocked(s, name).series[labels].value = value;
}

void Observe(std::string_view name, const Labels& labels, double value) {
  State& s = Global();
  std::lock_guard lock(s.mu);
  Series& ser = FamilyLocked(s, name).series[labels];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (value <= kBuckets[i]) ++ser.buckets[i];
  }
  ++ser.count;
  ser.sum += value;
}

double Value(std::string_view name, const Labels& labels) {
  State& s = Global();
  std::lock_guard lock(s.mu);
  auto it = s.families.find(name);
  if (it == s.families.end()) return 0;
  auto ser = it->second.series.find(labels);
  return ser == it->second.series.end() ? 0 : ser->second.value;
}

std::string Render() {
  State& s = Global();
  std::lock_guard lock(s.mu);
  std::string out;
  for (const auto& [name, f] : s.families) {
    if (!f.help.empty()) out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + TypeName(f) + "\n";
    for (const auto& [labels, ser] : f.series) {
      if (f.described && f.type == Type::kHistogram) {
        for (size_t i = 0; i < kBuckets.size(); ++i) {
          out += name + "_bucket" + LabelText(labels, "le=\"" + Num(kBuckets[i]) + "\"") + " " +
                 std::to_string(ser.buckets[i]) + "\n";
        }
        out += name + "_bucket" + LabelText(labels, "le=\"+Inf\"") + " " +
               std::to_string(ser.count) + "\n";
        out += name + "_sum" + LabelText(labels) + " " + Num(ser.sum) + "\n";
        out += name + "_count" + LabelText(labels) + " " + std::to_string(ser.count) + "\n";
      } else {
        out += name + LabelText(labels) + " " + Num(ser.value) + "\n";
      }
    }
  }
  return out;
}

void ResetForTest() {
  State& s = Global();
  std::lock_guard lock(s.mu);
  for (auto& [name, f] : s.families) f.series.clear();
}

}  // namespace schemabot::metrics
