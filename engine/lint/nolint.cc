#include "engine/lint/nolint.h"

namespace schemabot::lint {

std::vector<std::string> SplitNolintArgs(std::string_view args) {
  while (!args.empty() && (args.back() == '\r' || args.back() == ' ')) args.remove_suffix(1);
  std::vector<std::string> out;
  if (args.empty()) return {""};
  size_t start = 0;
  while (start <= args.size()) {
    size_t sp = args.find(' ', start);
    if (sp == std::string_view::npos) sp = args.size();
    if (sp > start) out.emplace_back(args.substr(start, sp - start));
    start = sp + 1;
  }
  return out;
}

NolintRules::NolintRules(const std::vector<sql::Directive>& file_directives,
                         const std::vector<sql::Statement>& statements) {
  int bare = 0, named = 0;
  for (const auto& d : file_directives) {
    if (d.name != "nolint") continue;
    for (auto& a : SplitNolintArgs(d.args)) {
      (a.empty() ? bare : named)++;
      if (!a.empty()) file_rules_.push_back({a, true, false});
    }
  }
  skip_file_ = bare == 1 && named == 0;
  per_stmt_.resize(statements.size());
  for (size_t i = 0; i < statements.size(); ++i) {
    for (const auto& args : statements[i].Directives("nolint")) {
      for (auto& a : SplitNolintArgs(args)) per_stmt_[i].push_back({a, false, false});
    }
  }
}

bool NolintRules::Suppressed(size_t stmt, std::string_view code, std::string_view family) {
  if (stmt < per_stmt_.size()) {
    auto& rules = per_stmt_[stmt];
    if (rules.size() == 1 && rules[0].arg.empty()) {
      rules[0].used = true;
      return true;
    }
    for (auto& r : rules) {
      if (!r.arg.empty() && (r.arg == code || r.arg == family)) {
        r.used = true;
        return true;
      }
    }
  }
  for (auto& r : file_rules_) {
    if (r.arg == code || r.arg == family) {
      r.used = true;
      return true;
    }
  }
  return false;
}

std::vector<NolintRules::Unused> NolintRules::UnusedRules() const {
  std::vector<Unused> out;
  for (const auto& r : file_rules_) {
    if (!r.used) out.push_back({0, true, r.arg});
  }
  for (size_t i = 0; i < per_stmt_.size(); ++i) {
    for (const auto& r : per_stmt_[i]) {
      if (!r.used) out.push_back({i, false, r.arg});
    }
  }
  return out;
}

}  // namespace schemabot::lint
