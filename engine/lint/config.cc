#include "engine/lint/config.h"

namespace schemabot::lint {

Level LintConfig::LevelOf(std::string_view family) const {
  bool naming_configured = !naming.all.match.empty() || naming.schema || naming.table ||
                           naming.column || naming.index || naming.foreign_key || naming.check;
  if (auto it = levels.find(family); it != levels.end()) {
    if (family == "naming" && !naming_configured) return Level::kOff;
    return it->second;
  }
  if (family == "naming") return naming_configured ? Level::kWarning : Level::kOff;
  for (const auto& c : AllCodes()) {
    if (c.family == family) return c.default_level;
  }
  return Level::kWarning;
}

Level LintConfig::LevelOfCode(std::string_view code) const {
  const CodeInfo* info = FindCode(code);
  if (!info) return Level::kWarning;
  // SB104 is a warning by default even though the integrity family errors.
  if (levels.find("integrity") == levels.end() && info->default_level != Level::kError &&
      info->family == "integrity") {
    return info->default_level;
  }
  return LevelOf(info->family);
}

Result<Level> ParseLevel(std::string_view text) {
  if (text == "error") return Level::kError;
  if (text == "warning" || text == "warn") return Level::kWarning;
  if (text == "off") return Level::kOff;
  return InvalidArgument("unknown lint level \"" + std::string(text) +
                         "\" (want error, warning or off)");
}

}  // namespace schemabot::lint
