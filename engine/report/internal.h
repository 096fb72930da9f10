// Helpers shared by the renderers (not part of the public API).
#pragma once

#include <string>
#include <string_view>

#include "engine/report/report.h"

namespace schemabot::report {

// opts.docs_base + "#" + code.
std::string DocsLink(const RenderOptions& opts, std::string_view code);

// The version part of a migration file name: "20240101_x.sql" -> "20240101",
// "1_init.up.sql" -> "1", "V1_2__x.sql" -> "1.2".
std::string VersionOf(std::string_view file_name);

// The statement starting at `pos` in `text`: up to its terminating ';' at depth 0
// outside quotes, at most `max_lines` lines.
std::string StatementExcerpt(std::string_view text, int64_t pos, int max_lines = 12);

}  // namespace schemabot::report
