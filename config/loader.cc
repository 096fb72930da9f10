// The YAML side of the config machinery: walks a yaml-cpp tree against a key table.
// yaml-cpp appears in this file only.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "config/config.h"
#include "config/internal.h"

namespace schemabot::config {

class Loader {
 public:
  Loader(KeyTable table, std::string_view file) {
    out_.table_ = table;
    out_.file_ = std::string(file);
  }

  Result<Values> Run(std::string_view text) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      return InvalidArgument(At(e.mark) + ": " + e.msg);
    }
    if (root.IsNull()) return std::move(out_);  // empty file: all defaults
    if (!root.IsMap()) return InvalidArgument(At(root.Mark()) + ": expected a mapping of keys");
    SB_TRY(Map(root, ""));
    return std::move(out_);
  }

 private:
  std::string At(const YAML::Mark& m) const {
    Location loc{out_.file_, m.line + 1, m.column + 1};
    return loc.ToString();
  }
  Location Loc(const YAML::Node& n) const {
    return Location{out_.file_, n.Mark().line + 1, n.Mark().column + 1};
  }

  Result<void> Map(const YAML::Node& map, const std::string& prefix) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) return InvalidArgument(At(it->first.Mark()) + ": expected a key");
      std::string path = prefix.empty() ? it->first.Scalar() : prefix + "." + it->first.Scalar();
      SB_TRY(Node(path, it->first, it->second));
    }
    return Ok();
  }

  Result<void> Node(const std::string& path, const YAML::Node& key, const YAML::Node& value) {
    std::string norm = NormalizePath(path);
    if (const Key* k = FindKey(out_.table_, norm)) return Leaf(path, *k, key, value, false);
    if (norm.size() > 4 && norm.ends_with("_env")) {
      std::string file_key = norm.substr(0, norm.size() - 4) + "_file";
      const Key* k = FindKey(out_.table_, file_key);
      if (k && k->type == KeyType::kSecretFile) {
        return Leaf(path.substr(0, path.size() - 4) + "_file", *k, key, value, true);
      }
    }
    if (HasPrefix(out_.table_, norm + ".")) {
      if (value.IsNull()) return Ok();  // "github:" with nothing under it
      if (!value.IsMap()) {
        return InvalidArgument(At(value.Mark()) + ": " + path + ": expected a mapping");
      }
      out_.entries_[path + "."] = Values::Entry{{}, false, false, Loc(key)};  // section marker
      return Map(value, path);
    }
    if (HasPrefix(out_.table_, norm + "[].")) {
      if (!value.IsSequence()) {
        return InvalidArgument(At(value.Mark()) + ": " + path + ": expected a list");
      }
      out_.counts_[path] = value.size();
      for (size_t i = 0; i < value.size(); ++i) {
        const YAML::Node item = value[i];
        if (!item.IsMap()) {
          return InvalidArgument(At(item.Mark()) + ": " + path + ": expected a mapping");
        }
        SB_TRY(Map(item, path + "[" + std::to_string(i) + "]"));
      }
      return Ok();
    }
    std::string msg = At(key.Mark()) + ": unknown key \"" + path + "\"";
    if (std::string near = Suggest(out_.table_, norm); !near.empty()) {
      msg += " (did you mean \"" + near + "\"?)";
    }
    return InvalidArgument(msg);
  }

  Result<void> Leaf(const std::string& path, const Key& k, const YAML::Node& key,
                    const YAML::Node& value, bool from_env) {
    Values::Entry e;
    e.where = Loc(key);
    e.from_env = from_env;
    bool list_ok = k.type == KeyType::kStringList || k.type == KeyType::kSecretFile;
    if (value.IsSequence() && list_ok) {
      e.list = true;
      for (size_t i = 0; i < value.size(); ++i) {
        if (!value[i].IsScalar()) {
          return InvalidArgument(At(value[i].Mark()) + ": " + path + ": expected a string");
        }
        e.items.push_back(value[i].Scalar());
      }
    } else if (value.IsScalar()) {
      e.items.push_back(value.Scalar());
      e.list = k.type == KeyType::kStringList;
    } else if (value.IsNull()) {
      return InvalidArgument(At(value.Mark()) + ": " + path + ": missing value");
    } else {
      return InvalidArgument(At(value.Mark()) + ": " + path + ": expected " +
                             std::string(list_ok ? "a string or a list" : "a single value"));
    }
    for (const auto& item : e.items) {
      if (auto r = CheckScalar(k, item); !r) {
        return InvalidArgument(At(value.Mark()) + ": " + path + ": " + r.error().message);
      }
    }
    out_.entries_[path] = std::move(e);
    return Ok();
  }

  Values out_;
};

Result<Values> Parse(KeyTable table, std::string_view text, std::string_view file) {
  return Loader(table, file).Run(text);
}

Result<Values> Load(KeyTable table, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("reading config \"" + path + "\": cannot open file");
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(table, ss.str(), path);
}

// Defaults are written in YAML too ("[\"**\"]"); parse them with the same library.
std::vector<std::string> ParseDefaultList(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  try {
    YAML::Node n = YAML::Load(std::string(text));
    if (n.IsSequence()) {
      for (size_t i = 0; i < n.size(); ++i) out.push_back(n[i].Scalar());
    } else if (n.IsScalar()) {
      out.push_back(n.Scalar());
    }
  } catch (const YAML::Exception&) {
  }
  return out;
}

}  // namespace schemabot::config
