// naming: names of new objects must match the configured patterns (off by default).
#include <regex>

#include "engine/lint/analyzers/analyzers.h"

namespace schemabot::lint {
namespace {

using schema::ChangeKind;

struct Kind {
  const char* code;
  const char* noun;
  std::optional<NamingRule> NamingConfig::*rule;
};

class Naming final : public Analyzer {
 public:
  std::string_view Name() const override { return "naming"; }

  void Analyze(const Pass& pass, Reporter& out) const override {
    const NamingConfig& cfg = pass.config->naming;
    for (const auto& sc : pass.changes) {
      for (const auto& c : sc.changes) {
        const Kind* k = KindOf(c.kind);
        if (!k) continue;
        const NamingRule* rule = (cfg.*(k->rule)) ? &*(cfg.*(k->rule)) : &cfg.all;
        if (rule->match.empty()) continue;
        std::string name = c.kind == ChangeKind::kAddTable || c.kind == ChangeKind::kRenameTable
                               ? std::string(TableOf(c))
                               : c.name;
        std::regex re;
        try {
          re = std::regex(rule->match);
        } catch (const std::regex_error&) {
          continue;  // the config loader validates patterns; never crash on one
        }
        if (std::regex_match(name, re)) continue;
        std::string text =
            std::string(k->noun) + " named " + Quote(name) + " violates the naming policy";
        text += rule->message.empty() ? ": must match " + Quote(rule->match) : ": " + rule->message;
        out.Report({k->code, sc.index, text, {}});
      }
    }
  }

 private:
  static const Kind* KindOf(ChangeKind kind) {
    static const Kind kSchema{"NM101", "Schema", &NamingConfig::schema};
    static const Kind kTable{"NM102", "Table", &NamingConfig::table};
    static const Kind kColumn{"NM103", "Column", &NamingConfig::column};
    static const Kind kIndex{"NM104", "Index", &NamingConfig::index};
    static const Kind kFk{"NM105", "Foreign-key constraint", &NamingConfig::foreign_key};
    static const Kind kCheck{"NM106", "Check constraint", &NamingConfig::check};
    switch (kind) {
      case ChangeKind::kAddSchema:
        return &kSchema;
      case ChangeKind::kAddTable:
      case ChangeKind::kRenameTable:
        return &kTable;
      case ChangeKind::kAddColumn:
      case ChangeKind::kRenameColumn:
        return &kColumn;
      case ChangeKind::kAddIndex:
      case ChangeKind::kRenameIndex:
        return &kIndex;
      case ChangeKind::kAddForeignKey:
        return &kFk;
      case ChangeKind::kAddCheck:
        return &kCheck;
      default:
        return nullptr;
    }
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewNaming() { return std::make_unique<Naming>(); }

}  // namespace schemabot::lint
