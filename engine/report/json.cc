// Atlas's SummaryReport JSON: rendering with Go's field order, omitempty rules and
// encoding/json escaping, and parsing of reports written by Atlas.
#include <nlohmann/json.hpp>

#include "engine/report/report.h"

namespace schemabot::report {
namespace {

using OJson = nlohmann::ordered_json;

void PutIf(OJson& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

OJson FixesJson(const std::vector<SuggestedFix>& fixes) {
  OJson arr = OJson::array();
  for (const auto& f : fixes) {
    OJson jf;
    jf["Message"] = f.message;
    if (f.text_edit) {
      jf["TextEdit"] = {{"Line", f.text_edit->line},
                        {"End", f.text_edit->end},
                        {"NewText", f.text_edit->new_text}};
    }
    arr.push_back(std::move(jf));
  }
  return arr;
}

OJson FileJson(const FileReport& f) {
  OJson j = OJson::object();
  PutIf(j, "Name", f.name);
  PutIf(j, "Text", f.text);
  if (!f.reports.empty()) {
    OJson reps = OJson::array();
    for (const auto& r : f.reports) {
      OJson jr;
      jr["Text"] = r.text;
      PutIf(jr, "Desc", r.desc);
      if (!r.diagnostics.empty()) {
        OJson diags = OJson::array();
        for (const auto& d : r.diagnostics) {
          OJson jd;
          jd["Pos"] = d.pos;
          jd["Text"] = d.text;
          jd["Code"] = d.code;
          if (!d.suggested_fixes.empty()) jd["SuggestedFixes"] = FixesJson(d.suggested_fixes);
          diags.push_back(std::move(jd));
        }
        jr["Diagnostics"] = std::move(diags);
      }
      if (!r.suggested_fixes.empty()) jr["SuggestedFixes"] = FixesJson(r.suggested_fixes);
      reps.push_back(std::move(jr));
    }
    j["Reports"] = std::move(reps);
  }
  PutIf(j, "Error", f.error);
  PutIf(j, "Change", f.change);
  return j;
}

// Go's url.URL as encoding/json renders it, plus Atlas's Schema field.
OJson UrlJson(const std::string& url) {
  OJson j;
  std::string rest = url, scheme, host, path, query;
  if (auto p = rest.find("://"); p != std::string::npos) {
    scheme = rest.substr(0, p);
    rest = rest.substr(p + 3);
  }
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  auto slash = rest.find('/');
  host = rest.substr(0, slash);
  if (slash != std::string::npos) path = rest.substr(slash);
  bool has_user = false;
  if (auto at = host.rfind('@'); at != std::string::npos) {
    host = host.substr(at + 1);
    has_user = true;
  }
  j["Scheme"] = scheme;
  j["Opaque"] = "";
  j["User"] = has_user ? OJson::object() : OJson();
  j["Host"] = host;
  j["Path"] = path;
  j["RawPath"] = "";
  j["OmitHost"] = false;
  j["ForceQuery"] = false;
  j["RawQuery"] = query;
  j["Fragment"] = "";
  j["RawFragment"] = "";
  j["Schema"] = "";
  return j;
}

// encoding/json escapes <, > and & (and U+2028/2029) inside strings; structural JSON
// never contains these bytes, so a byte-level pass is exact.
std::string GoEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else if (c == '\xe2' && i + 2 < s.size() && s[i + 1] == '\x80' &&
             (s[i + 2] == '\xa8' || s[i + 2] == '\xa9')) {
      out += s[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<SuggestedFix> ParseFixes(const nlohmann::json& j) {
  std::vector<SuggestedFix> out;
  auto it = j.find("SuggestedFixes");
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& jf : *it) {
    SuggestedFix f{Str(jf, "Message"), std::nullopt};
    if (auto te = jf.find("TextEdit"); te != jf.end() && te->is_object()) {
      f.text_edit = TextEdit{te->value("Line", 0), te->value("End", 0), Str(*te, "NewText")};
    }
    out.push_back(std::move(f));
  }
  return out;
}

FileReport ParseFile(const nlohmann::json& j) {
  FileReport f;
  f.name = Str(j, "Name");
  f.text = Str(j, "Text");
  f.error = Str(j, "Error");
  f.change = Str(j, "Change");
  if (auto it = j.find("Reports"); it != j.end() && it->is_array()) {
    for (const auto& jr : *it) {
      AnalyzerReport r;
      r.text = Str(jr, "Text");
      r.desc = Str(jr, "Desc");
      r.suggested_fixes = ParseFixes(jr);
      if (auto d = jr.find("Diagnostics"); d != jr.end() && d->is_array()) {
        for (const auto& jd : *d) {
          Diagnostic diag;
          diag.pos = jd.value("Pos", int64_t{0});
          diag.text = Str(jd, "Text");
          diag.code = Str(jd, "Code");
          diag.suggested_fixes = ParseFixes(jd);
          r.diagnostics.push_back(std::move(diag));
        }
      }
      // Atlas marks a file's error with the failing reports' texts joined by "; ".
      r.error = !r.text.empty() && !f.error.empty() && (f.error.find(r.text) != std::string::npos);
      f.reports.push_back(std::move(r));
    }
  }
  return f;
}

std::string UrlFromJson(const nlohmann::json& u) {
  if (!u.is_object()) return "";
  std::string s = Str(u, "Scheme");
  if (!s.empty()) s += "://";
  s += Str(u, "Host") + Str(u, "Path");
  if (auto q = Str(u, "RawQuery"); !q.empty()) s += "?" + q;
  return s;
}

}  // namespace

std::string RenderAtlasJson(const SummaryReport& r) {
  OJson j = OJson::object();
  PutIf(j, "URL", r.url);
  OJson env = OJson::object();
  PutIf(env, "Driver", r.env.driver);
  if (!r.env.url.empty()) env["URL"] = UrlJson(r.env.url);
  PutIf(env, "Dir", r.env.dir);
  j["Env"] = std::move(env);
  OJson schema = OJson::object();
  PutIf(schema, "Current", r.schema_current);
  PutIf(schema, "Desired", r.schema_desired);
  j["Schema"] = std::move(schema);
  if (!r.steps.empty()) {
    OJson steps = OJson::array();
    for (const auto& s : r.steps) {
      OJson js = OJson::object();
      PutIf(js, "Name", s.name);
      PutIf(js, "Text", s.text);
      PutIf(js, "Error", s.error);
      if (s.result) js["Result"] = FileJson(*s.result);
      steps.push_back(std::move(js));
    }
    j["Steps"] = std::move(steps);
  }
  if (!r.files.empty()) {
    OJson files = OJson::array();
    for (const auto& f : r.files) files.push_back(FileJson(f));
    j["Files"] = std::move(files);
  }
  return GoEscape(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<SummaryReport> ParseAtlasJson(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("lint report is not valid JSON");
  if (!j.is_object()) return InvalidArgument("lint report: expected a JSON object");
  SummaryReport r;
  r.url = Str(j, "URL");
  if (auto env = j.find("Env"); env != j.end() && env->is_object()) {
    r.env.driver = Str(*env, "Driver");
    r.env.dir = Str(*env, "Dir");
    if (auto u = env->find("URL"); u != env->end()) r.env.url = UrlFromJson(*u);
  }
  if (auto s = j.find("Schema"); s != j.end() && s->is_object()) {
    r.schema_current = Str(*s, "Current");
    r.schema_desired = Str(*s, "Desired");
  }
  if (auto st = j.find("Steps"); st != j.end() && st->is_array()) {
    for (const auto& js : *st) {
      if (!js.is_object()) continue;
      StepReport s{Str(js, "Name"), Str(js, "Text"), Str(js, "Error"), std::nullopt};
      if (auto res = js.find("Result"); res != js.end() && res->is_object())
        s.result = ParseFile(*res);
      r.steps.push_back(std::move(s));
    }
  }
  if (auto fs = j.find("Files"); fs != j.end() && fs->is_array()) {
    for (const auto& jf : *fs) {
      if (jf.is_object()) r.files.push_back(ParseFile(jf));
    }
  }
  return r;
}

}  // namespace schemabot::report
