#include "bot/cli/args.h"

namespace schemabot::cli {

Result<Args> Args::Parse(const std::vector<std::string>& argv, const ArgSpec& spec) {
  Args out;
  bool flags_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (flags_done || a.size() < 2 || a[0] != '-') {
      out.positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      flags_done = true;
      continue;
    }
    std::string name = a.substr(a[1] == '-' ? 2 : 1);
    std::string value;
    bool has_inline = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline = true;
    }
    if (auto it = spec.aliases.find(name); it != spec.aliases.end()) name = it->second;
    if (spec.bool_flags.count(name)) {
      if (has_inline && value != "true" && value != "false") {
        return InvalidArgument("flag --" + name + " takes no value");
      }
      out.values_.emplace(name, has_inline ? value : "true");
    } else if (spec.value_flags.count(name)) {
      if (!has_inline) {
        if (i + 1 >= argv.size()) return InvalidArgument("flag --" + name + " needs a value");
        value = argv[++i];
      }
      out.values_.emplace(name, value);
    } else {
      return InvalidArgument("unknown flag \"" + a + "\"");
    }
  }
  return out;
}

std::string Args::Get(const std::string& flag, const std::string& fallback) const {
  auto [lo, hi] = values_.equal_range(flag);
  if (lo == hi) return fallback;
  return std::prev(hi)->second;
}

std::vector<std::string> Args::GetAll(const std::string& flag) const {
  std::vector<std::string> out;
  auto [lo, hi] = values_.equal_range(flag);
  for (auto it = lo; it != hi; ++it) out.push_back(it->second);
  return out;
}

}  // namespace schemabot::cli
