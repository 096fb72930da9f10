// The subcommands of the schemabot binary. Each takes the arguments after its name and
// returns the process exit code: 0 success, 1 findings (invalid atlas.sum, lint errors),
// 2 usage or environment errors (bad flag, unreadable directory, database down).
// Each command lives in its own file bot/cli/cmd_<name>.cc.
#pragma once

#include <string>
#include <vector>

namespace schemabot::cli {

using Argv = std::vector<std::string>;

int RunVersion(const Argv& args);
int RunLint(const Argv& args);
int RunHash(const Argv& args);
int RunValidate(const Argv& args);
int RunSplit(const Argv& args);
int RunConfig(const Argv& args);
int RunServe(const Argv& args);
int RunJobs(const Argv& args);
int RunDevdb(const Argv& args);
int RunHook(const Argv& args);  // hook post-receive (pre-receive: its own issue)

}  // namespace schemabot::cli
