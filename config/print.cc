// Values::Print (the effective config as YAML) and the markdown reference, both from the
// key table.
#include <set>

#include "config/config.h"
#include "config/repo_config.h"
#include "config/internal.h"
#include "config/server_config.h"

namespace schemabot::config {
namespace {

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Render(const Key& k, const std::vector<std::string>& items, bool list) {
  auto one = [&](const std::string& v) -> std::string {
    if (k.secret && k.type != KeyType::kSecretFile) {
      std::string r = RedactUrl(v);
      return Quote(r == v && v.find("://") == std::string::npos ? "REDACTED" : r);
    }
    switch (k.type) {
      case KeyType::kInt:
      case KeyType::kBool:
      case KeyType::kDuration:
      case KeyType::kEnum:
        return v;
      default:
        return Quote(v);
    }
  };
  if (!list && items.size() == 1) return one(items[0]);
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + one(items[i]);
  return out + "]";
}

}  // namespace

// Children of `norm_prefix` in table order: leaf keys, sections and lists of objects.
static void PrintLevel(const Values& v, KeyTable table, const std::string& norm_prefix,
                       const std::string& prefix, const std::string& indent, std::string& out) {
  std::set<std::string> seen;
  for (const Key& k : table) {
    std::string_view name = k.name;
    if (!name.starts_with(norm_prefix)) continue;
    std::string_view rest = name.substr(norm_prefix.size());
    std::string child(rest.substr(0, rest.find('.')));
    if (!seen.insert(child).second) continue;
    if (child == rest) {  // a leaf
      std::string path = prefix + child;
      std::string shown = child;  // keep the spelling the operator used
      if (v.FromEnv(path)) shown = child.substr(0, child.size() - 5) + "_env";
      if (!v.IsSet(path) && k.default_value.empty()) {
        out += indent + "# " + shown + ": (unset)\n";
        continue;
      }
      bool list = k.type == KeyType::kStringList;
      std::vector<std::string> items = list ? v.List(path) : std::vector<std::string>{};
      if (!list) {
        items = k.type == KeyType::kSecretFile ? v.List(path)
                                               : std::vector<std::string>{v.String(path)};
      }
      out += indent + shown + ": " + Render(k, items, list || items.size() != 1);
      if (!v.IsSet(path)) out += "  # default";
      out += "\n";
    } else if (child.ends_with("[]")) {
      std::string base = child.substr(0, child.size() - 2);
      size_t n = v.Count(prefix + base);
      out += indent + base + ":" + (n == 0 ? " []" : "") + "\n";
      for (size_t i = 0; i < n; ++i) {
        std::string item;
        PrintLevel(v, table, norm_prefix + child + ".",
                   prefix + base + "[" + std::to_string(i) + "].", indent + "    ", item);
        if (item.size() > indent.size() + 4) item.replace(indent.size() + 2, 2, "- ");
        out += item;
      }
    } else {
      out += indent + child + ":\n";
      PrintLevel(v, table, norm_prefix + child + ".", prefix + child + ".", indent + "  ", out);
    }
  }
}

std::string Values::Print() const {
  std::string out;
  PrintLevel(*this, table_, "", "", "", out);
  return out;
}

std::string RenderMarkdown(KeyTable table, std::string_view title, std::string_view intro) {
  std::string out = "## " + std::string(title) + "\n\n" + std::string(intro) + "\n\n";
  out += "| key | type | default | description |\n|---|---|---|---|\n";
  for (const Key& k : table) {
    std::string type(KeyTypeName(k.type));
    if (k.type == KeyType::kEnum) type = "`" + std::string(k.choices) + "`";
    std::string name = "`" + std::string(k.name) + "`";
    if (k.type == KeyType::kSecretFile) {
      std::string env(k.name.substr(0, k.name.size() - 5));
      name += " / `" + env + "_env`";
    }
    std::string def = k.default_value.empty() ? "—" : "`" + std::string(k.default_value) + "`";
    std::string doc(k.doc);
    if (k.secret) doc += " *(secret: never logged; redacted by `--print-config`)*";
    out += "| " + name + " | " + type + " | " + def + " | " + doc + " |\n";
  }
  return out + "\n";
}

std::string ReferenceMarkdown() {
  std::string out =
      "# Configuration reference\n\n"
      "Generated from the key tables in `config/` by `schemabot config docs`; a test fails "
      "when this file is stale (regenerate with `build/schemabot config docs > "
      "docs/config.md`).\n\n"
      "Unknown keys and bad values are errors that name `file:line:col`. Durations are "
      "written `500ms`, `10s`, `5m` or `1h`. Every `*_file` secret key also accepts "
      "`*_env`, the name of an environment variable; either may be a list, and each file "
      "or variable may hold several secrets, one per line (all are accepted, for "
      "rotation).\n\n";
  out += RenderMarkdown(kServerKeys, "Server config (`schemabot.yaml`)", kServerConfigIntro);
  out += "\n";
  out += RenderMarkdown(kRepoKeys, "Repo config (`.schemabot.yaml`)", kRepoConfigIntro);
  return out;
}

}  // namespace schemabot::config
