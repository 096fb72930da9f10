// Config key tables and the YAML loader they drive.
//
// Every config key is declared once, in a table of `Key`s (name, type, default, doc,
// secret flag). The same table drives the loader (unknown keys and bad values are errors
// with file:line:col), the typed getters, `--print-config` (secrets redacted) and the
// generated reference docs/config.md. The server config (server_config.h) is one table;
// the repo config (.schemabot.yaml) is another built on the same machinery.
//
// Key names are dotted paths. A `[]` segment declares a list of objects:
// `dirs[].path` accepts `dirs: [{path: migrations}, …]`; values are then addressed with an
// index, `dirs[0].path`, and `Count("dirs")` says how many items were given.
//
// Secret files: a key of type kSecretFile (named `…_file`) also accepts `…_env`, the name
// of an environment variable. Either may be a string or a list (several secrets at once,
// for rotation); each file or variable may hold several secrets, one per non-empty line.
// The loader never reads secrets; Values::Secrets() does, when asked.
//
// Thread-safety: tables are constants; Values is immutable after loading.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace schemabot::config {

enum class KeyType {
  kString,      // any scalar
  kInt,         // decimal integer
  kBool,        // true | false
  kDuration,    // 500ms, 10s, 5m, 1h (a bare integer means seconds)
  kEnum,        // one of Key::choices ("a|b|c")
  kStringList,  // a sequence of scalars (a single scalar is a one-item list)
  kSecretFile,  // path(s) of files holding secrets; `…_env` names variables instead
};

std::string_view KeyTypeName(KeyType type);

struct Key {
  std::string_view name;  // dotted path, e.g. "github.webhook_secret_file"
  KeyType type;
  std::string_view default_value;  // written as in YAML ("" = no default: unset)
  std::string_view doc;            // one or two sentences for docs/config.md
  bool secret = false;             // value may carry credentials: redacted by Print()
  std::string_view choices = "";   // kEnum only: "text|json"
};

using KeyTable = std::span<const Key>;

struct Location {
  std::string file;
  int line = 0;  // 1-based; 0 = not from the file (a default)
  int col = 0;
  std::string ToString() const;  // "file:line:col" or "file" when not positioned
};

// The loaded values of one file against one table.
class Values {
 public:
  Values() = default;

  // Typed getters take a key path (with indices for list items). The value from the file,
  // else the key's default. Asking for a key that is not in the table, or with the wrong
  // type, is a bug (asserts; returns an empty value in release builds).
  std::string String(std::string_view path) const;
  int64_t Int(std::string_view path) const;
  bool Bool(std::string_view path) const;
  std::chrono::milliseconds Duration(std::string_view path) const;
  std::vector<std::string> List(std::string_view path) const;

  // True when the file gave the key (or, for a kSecretFile key, its `_env` form).
  bool IsSet(std::string_view path) const;
  // True when a kSecretFile key was given in its `…_env` form.
  bool FromEnv(std::string_view path) const;
  // True when the file gave any key under `prefix` (e.g. "github").
  bool AnySet(std::string_view prefix) const;
  // Items given for a list of objects ("dirs").
  size_t Count(std::string_view list_path) const;
  // Where a key was written; the file alone when it was not.
  Location Where(std::string_view path) const;
  // An InvalidArgument error positioned at the key: "file:3:7: workers: must be at least 1".
  Error ErrorAt(std::string_view path, std::string_view message) const;

  // Reads the secrets of a kSecretFile key: every non-empty line (trailing whitespace
  // trimmed) of every file or variable given. Empty when the key is unset.
  // Errors: NotFound for a missing file or unset variable, InvalidArgument when a given
  // file or variable holds no secret. Messages name the key and file, never the content.
  Result<std::vector<std::string>> Secrets(std::string_view path) const;

  // The effective config as YAML, in table order, defaults included (marked), `secret`
  // keys with credentials replaced by "REDACTED". Secret files show their paths only.
  std::string Print() const;

  const std::string& file() const { return file_; }

 private:
  friend class Loader;
  struct Entry {
    std::vector<std::string> items;  // one for scalars
    bool list = false;
    bool from_env = false;  // kSecretFile given as `…_env`
    Location where;
  };
  const Key* Find(std::string_view path) const;
  const Entry* Get(std::string_view path) const;

  KeyTable table_;
  std::string file_;
  std::map<std::string, Entry, std::less<>> entries_;
  std::map<std::string, size_t, std::less<>> counts_;
};

// Parses YAML text against `table`. `file` names it in errors.
// Errors (InvalidArgument, "file:line:col: …"): YAML syntax, unknown keys (with a
// suggestion when one is close), a scalar where a mapping is expected and vice versa,
// values that do not parse as the key's type.
Result<Values> Parse(KeyTable table, std::string_view text, std::string_view file);
// Reads and parses a file. NotFound when it cannot be read.
Result<Values> Load(KeyTable table, const std::string& path);

// One markdown section documenting a table: "## title", the intro, a table of keys.
std::string RenderMarkdown(KeyTable table, std::string_view title, std::string_view intro);

// The whole of docs/config.md (every table), generated; a test keeps the file in sync.
std::string ReferenceMarkdown();

// "postgres://u:pw@h/db" -> "postgres://u:REDACTED@h/db"; other strings unchanged.
std::string RedactUrl(std::string_view url);

}  // namespace schemabot::config
