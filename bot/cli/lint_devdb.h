// The dev database of one `schemabot lint` run: a scratch database created on the
// --dev-url server (or on the managed local server) for this run and dropped after it.
// When the URL's role may not create databases, the URL's own database is used if it is
// empty (Atlas's rule: the dev database must be clean).
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "engine/dir/dir.h"
#include "engine/lint/lint.h"
#include "engine/sql/sql.h"

namespace schemabot::cli {

class LintDevDb {
 public:
  virtual ~LintDevDb() = default;
  virtual std::unique_ptr<lint::Replayer> NewReplayer() = 0;
};

// `url` empty: the managed local dev-database for `dialect`. Errors: kUnavailable (server
// down), kInvalidArgument (bad URL, database not clean), kNotFound (server binaries missing
// for the managed server, naming the package).
Result<std::unique_ptr<LintDevDb>> OpenLintDevDb(const std::string& url, sql::Dialect dialect,
                                                 dir::DirFormat format);

}  // namespace schemabot::cli

namespace schemabot::cli {
// The URL of the managed local dev-database for `dialect`, starting it when needed.
Result<std::string> ManagedDevUrl(sql::Dialect dialect);
}  // namespace schemabot::cli
