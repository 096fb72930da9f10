// A small command-line parser shared by the subcommands.
//
// Accepts `--name value`, `--name=value`, boolean `--flag`, and positional arguments, in
// any order; `--` ends flags. Which flags take a value is declared up front so that
// `--static DIR` is not read as `--static=DIR`. Unknown flags are an InvalidArgument
// error naming the flag, so typos never pass silently.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"

namespace schemabot::cli {

struct ArgSpec {
  std::set<std::string> value_flags;  // e.g. {"dir", "dir-format", "format"}
  std::set<std::string> bool_flags;   // e.g. {"static", "help"}
  std::map<std::string, std::string> aliases;  // e.g. {"c", "config"} for -c
};

class Args {
 public:
  static Result<Args> Parse(const std::vector<std::string>& argv, const ArgSpec& spec);

  bool Has(const std::string& flag) const { return values_.count(flag) > 0; }
  // The last value given for a flag, or `fallback`.
  std::string Get(const std::string& flag, const std::string& fallback = "") const;
  // Every value given for a repeatable flag, in order.
  std::vector<std::string> GetAll(const std::string& flag) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::multimap<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

}  // namespace schemabot::cli
