// SARIF 2.1.0 (GitHub code scanning) and GitLab code quality reports.
#include <nlohmann/json.hpp>
#include <set>

#include "engine/lint/codes.h"
#include "engine/report/internal.h"

namespace schemabot::report {
namespace {

using OJson = nlohmann::ordered_json;

std::string PathOf(const SummaryReport& rep, const RenderOptions& opts, const FileReport& f) {
  std::string dir = opts.dir.empty() ? rep.env.dir : opts.dir;
  if (dir.empty() || dir == ".") return f.name;
  return dir + (dir.back() == '/' ? "" : "/") + f.name;
}

// A stable fingerprint (FNV-1a 64) so code quality widgets track findings across runs.
std::string Fingerprint(std::string_view a, std::string_view b, std::string_view c) {
  uint64_t h = 1469598103934665603ull;
  for (auto part : {a, b, c}) {
    for (unsigned char ch : part) {
      h ^= ch;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string Dump(const OJson& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string RenderSarif(const SummaryReport& rep, const RenderOptions& opts) {
  OJson rules = OJson::array();
  std::set<std::string> seen;
  OJson results = OJson::array();
  for (const auto& f : rep.files) {
    for (const auto& r : f.reports) {
      for (const auto& d : r.diagnostics) {
        std::string id = d.code.empty() ? "schemabot" : d.code;
        if (seen.insert(id).second) {
          OJson rule;
          rule["id"] = id;
          const auto* info = lint::FindCode(id);
          rule["shortDescription"] = {{"text", info ? std::string(info->summary) : r.text}};
          rule["helpUri"] = DocsLink(opts, id);
          rules.push_back(std::move(rule));
        }
        auto lc = PositionOf(f.text, d.pos);
        OJson res;
        res["ruleId"] = id;
        res["level"] = r.error ? "error" : "warning";
        res["message"] = {{"text", d.text}};
        res["locations"] =
            OJson::array({{{"physicalLocation",
                            {{"artifactLocation", {{"uri", PathOf(rep, opts, f)}}},
                             {"region", {{"startLine", lc.line}, {"startColumn", lc.column}}}}}}});
        results.push_back(std::move(res));
      }
    }
  }
  OJson driver;
  driver["name"] = "schemabot";
  driver["informationUri"] = "https://github.com/schemabot/schemabot";
  driver["rules"] = std::move(rules);
  OJson run;
  run["tool"] = {{"driver", std::move(driver)}};
  run["results"] = std::move(results);
  OJson doc;
  doc["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  doc["version"] = "2.1.0";
  doc["runs"] = OJson::array({std::move(run)});
  return Dump(doc);
}

std::string RenderCodeQuality(const SummaryReport& rep, const RenderOptions& opts) {
  OJson issues = OJson::array();
  for (const auto& f : rep.files) {
    std::string path = PathOf(rep, opts, f);
    for (const auto& r : f.reports) {
      for (const auto& d : r.diagnostics) {
        auto lc = PositionOf(f.text, d.pos);
        OJson i;
        i["description"] = d.code.empty() ? d.text : d.code + ": " + d.text;
        i["check_name"] = d.code.empty() ? "schemabot" : d.code;
        i["fingerprint"] = Fingerprint(path, d.code, d.text);
        i["severity"] = r.error ? "critical" : "minor";
        i["location"] = {{"path", path}, {"lines", {{"begin", lc.line}}}};
        issues.push_back(std::move(i));
      }
    }
    if (!f.error.empty() && f.reports.empty()) {
      OJson i;
      i["description"] = f.error;
      i["check_name"] = "SB106";
      i["fingerprint"] = Fingerprint(path, "error", f.error);
      i["severity"] = "blocker";
      i["location"] = {{"path", path}, {"lines", {{"begin", 1}}}};
      issues.push_back(std::move(i));
    }
  }
  return Dump(issues);
}

}  // namespace schemabot::report
