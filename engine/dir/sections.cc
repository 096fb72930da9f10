// Up/down sections, the transaction flag and the text checks of one migration file.
#include <algorithm>
#include <cctype>

#include "engine/dir/dir.h"
#include "engine/dir/internal.h"

namespace schemabot::dir {

namespace {

bool IsWord(unsigned char c) { return std::isalnum(c) || c == '_'; }
bool IsPrintable(unsigned char c) { return c >= 0x20 && c <= 0x7e; }

// One line of a file: [begin, end) without the '\n'; `text` also without a trailing '\r'
// (as Go's bufio.Scanner yields it). `next` is where the following line starts.
struct Line {
  size_t begin, end, next;
  std::string_view text;
  int number;
};

template <typename F>
void ForEachLine(std::string_view s, F&& f) {
  size_t pos = 0;
  int number = 1;
  while (pos < s.size()) {
    size_t nl = s.find('\n', pos);
    size_t end = nl == std::string_view::npos ? s.size() : nl;
    size_t next = nl == std::string_view::npos ? s.size() : nl + 1;
    std::string_view text = s.substr(pos, end - pos);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (!f(Line{pos, end, next, text, number})) return;
    pos = next;
    ++number;
  }
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Offset of the first byte that is not part of valid UTF-8, or npos.
size_t InvalidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      n = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + n > s.size()) return i;
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return i;
    }
    i += n;
  }
  return std::string_view::npos;
}

int LineOf(std::string_view s, size_t offset) {
  return 1 + static_cast<int>(std::count(s.begin(), s.begin() + offset, '\n'));
}

// Atlas's LocalFile.comments(): the leading `#` / `--` lines, trimmed, if a blank line
// follows them (or the file is only comments).
std::vector<std::string_view> FileComments(std::string_view content) {
  std::vector<std::string_view> out;
  while (internal::StartsWith(content, "#") || internal::StartsWith(content, "--")) {
    size_t nl = content.find('\n');
    if (nl == std::string_view::npos) {
      out.push_back(content);
      return out;
    }
    out.push_back(TrimSpace(content.substr(0, nl)));
    content = content.substr(nl + 1);
  }
  if (!internal::StartsWith(content, "\n")) return {};
  return out;
}

void ReadTxMode(Migration& m, std::vector<DirIssue>& issues) {
  // Mattermost's runner (morph) marks files that must run outside a transaction
  // (CREATE INDEX CONCURRENTLY) with a first line `-- morph:nontransactional`.
  if (internal::StartsWith(m.content, "-- morph:nontransactional")) {
    m.tx = TxMode::kNone;
    m.tx_directive = "-- morph:nontransactional";
    return;
  }
  std::vector<std::string> values;
  std::string line;
  for (std::string_view c : FileComments(m.content)) {
    auto d = MatchDirective(c);
    if (d && d->name == "txmode") {
      values.push_back(d->arg);
      if (line.empty()) line = std::string(c);
    }
  }
  if (values.empty()) return;
  if (values.size() > 1) {
    std::string list;
    for (const auto& v : values) list += (list.empty() ? "" : " ") + internal::Quote(v);
    issues.push_back(internal::Err(
        m.file, 0,
        "multiple txmode values found in file " + internal::Quote(m.file) + ": [" + list + "]"));
    return;
  }
  const std::string& v = values[0];
  if (v == "none") {
    m.tx = TxMode::kNone;
    m.tx_directive = line;
  } else if (v == "file") {
    m.tx = TxMode::kFile;
  } else if (v == "all") {
    issues.push_back(internal::Err(m.file, 0,
                                   "txmode \"all\" is not allowed in file directive " +
                                       internal::Quote(m.file) +
                                       ". Use \"--tx-mode all\" instead"));
  } else {
    issues.push_back(internal::Err(m.file, 0,
                                   "unknown txmode " + internal::Quote(v) +
                                       " found in file directive " + internal::Quote(m.file)));
  }
}

}  // namespace

std::optional<Directive> MatchDirective(std::string_view text) {
  size_t run = 0;  // the printable-ASCII prefix of the first line
  while (run < text.size() && IsPrintable(static_cast<unsigned char>(text[run]))) ++run;
  std::string_view head = text.substr(0, run);
  size_t p = head.size();
  while (true) {
    p = p == 0 ? std::string_view::npos : head.rfind("atlas:", p - 1);
    if (p == std::string_view::npos) return std::nullopt;
    if (p + 6 < head.size() && IsWord(static_cast<unsigned char>(head[p + 6]))) break;
  }
  Directive d;
  d.prefix = std::string(head.substr(0, p));
  size_t q = p + 6;
  while (q < head.size() && IsWord(static_cast<unsigned char>(head[q]))) ++q;
  d.name = std::string(head.substr(p + 6, q - p - 6));
  // `(?: +(.+))*`: '.' is anything but '\n', so the rest of the first line.
  size_t eol = text.find('\n', q);
  std::string_view rest = text.substr(q, eol == std::string_view::npos ? text.npos : eol - q);
  if (!rest.empty() && rest[0] == ' ') {
    size_t k = rest.find_first_not_of(' ');
    if (k != std::string_view::npos) {
      d.arg = std::string(rest.substr(k));
    } else if (rest.size() >= 2) {
      d.arg = " ";  // " +" gives one space back so that ".+" matches
    }
  }
  return d;
}

namespace internal {

Section MakeSection(const std::string& file, std::string_view content, size_t begin, size_t end) {
  Section s;
  s.file = file;
  s.text = std::string(content.substr(begin, end - begin));
  s.offset = begin;
  s.line = LineOf(content, begin);
  size_t nl = begin == 0 ? std::string_view::npos : content.rfind('\n', begin - 1);
  s.column = static_cast<int>(begin - (nl == std::string_view::npos ? 0 : nl + 1)) + 1;
  return s;
}

void InitWholeFile(Migration& m, std::vector<DirIssue>& issues, bool down_file) {
  std::string_view c = m.content;
  size_t start = 0;
  if (down_file && TrimSpace(c).empty()) {
    // An empty down file is a normal way to say "irreversible".
  } else if (c.empty()) {
    issues.push_back(Warning(m.file, 0, "empty file"));
  } else if (TrimSpace(c).empty()) {
    issues.push_back(Warning(m.file, 0, "file holds only whitespace"));
  }
  if (StartsWith(c, "\xEF\xBB\xBF")) {
    start = 3;
    issues.push_back(Warning(m.file, 1,
                             "starts with a UTF-8 byte order mark (BOM); it is left out of the "
                             "statements, but atlas.sum hashes it"));
  }
  if (size_t bad = InvalidUtf8(c); bad != std::string_view::npos) {
    issues.push_back(
        Warning(m.file, LineOf(c, bad),
                "not valid UTF-8 (first bad byte at offset " + std::to_string(bad) + ")"));
  }
  if (size_t crlf = c.find("\r\n"); crlf != std::string_view::npos) {
    issues.push_back(Warning(m.file, LineOf(c, crlf), "has CRLF line ends"));
  }
  m.up = MakeSection(m.file, c, start, c.size());
  ReadTxMode(m, issues);
}

void SplitGoose(Migration& m, std::vector<DirIssue>& issues) {
  enum { kNone, kUp, kBegin, kDown, kDownBegin } state = kNone;
  std::string_view c = m.content;
  size_t up_begin = std::string_view::npos, up_end = c.size(), down_begin = 0;
  std::vector<Section::Block> up_blocks, down_blocks;
  size_t block_begin = 0;
  int begin_line = 0;
  bool atlas_failed = false;
  auto unexpected = [&](const Line& l, std::string_view pragma) {
    if (!atlas_failed) {
      issues.push_back(Err(m.file, l.number,
                           "goose: " + m.file + ":" + std::to_string(l.number) +
                               " unexpected goosePragma '" + std::string(pragma) + "'"));
    }
    atlas_failed = true;
  };
  ForEachLine(c, [&](const Line& l) {
    if (!StartsWith(l.text, "-- +goose")) return true;
    std::string_view cmd = TrimSpace(l.text.substr(9));
    if (Lower(cmd) == "no transaction") {
      m.tx = TxMode::kNone;
      m.tx_directive = std::string(l.text);
    } else if (cmd == "Up") {
      if (state != kNone) {
        unexpected(l, "Up");
        return true;
      }
      state = kUp;
      up_begin = l.next;
    } else if (cmd == "Down") {
      if (state == kUp) {
        state = kDown;
        up_end = l.begin;
        down_begin = l.next;
      } else if (state == kDown) {
        issues.push_back(Err(m.file, l.number, "a second \"-- +goose Down\" annotation"));
      } else {
        unexpected(l, "Down");
      }
    } else if (cmd == "StatementBegin") {
      if (state == kUp || state == kDown) {
        state = state == kUp ? kBegin : kDownBegin;
        block_begin = l.next;
        begin_line = l.number;
      } else {
        unexpected(l, "StatementBegin");
      }
    } else if (cmd == "StatementEnd") {
      if (state == kBegin) {
        up_blocks.push_back({block_begin, l.begin});
        state = kUp;
      } else if (state == kDownBegin) {
        down_blocks.push_back({block_begin, l.begin});
        state = kDown;
      } else {
        unexpected(l, "StatementEnd");
      }
    }
    return true;
  });
  if (state == kBegin || state == kDownBegin) {
    issues.push_back(Err(m.file, begin_line, "\"-- +goose StatementBegin\" without StatementEnd"));
    (state == kBegin ? up_blocks : down_blocks).push_back({block_begin, c.size()});
    if (state == kBegin) state = kUp;
  }
  if (up_begin == std::string_view::npos) {
    std::string hint;
    ForEachLine(c, [&](const Line& l) {
      if (Lower(l.text.substr(0, 12)) == "-- +goose up" && TrimSpace(l.text.substr(12)).empty()) {
        hint = " (line " + std::to_string(l.number) + " spells it \"" + std::string(l.text) +
               "\"; atlas reads only \"-- +goose Up\")";
        return false;
      }
      return true;
    });
    issues.push_back(
        Err(m.file, 0, "no \"-- +goose Up\" annotation: the file has no statements" + hint));
    up_begin = up_end = c.size();
  }
  up_end = std::max(up_end, up_begin);
  m.up = MakeSection(m.file, c, up_begin, up_end);
  for (auto& b : up_blocks) {
    if (b.begin < up_begin || b.end > up_end) continue;
    m.up.blocks.push_back({b.begin - up_begin, b.end - up_begin});
  }
  if (state == kDown) {
    m.down = MakeSection(m.file, c, down_begin, c.size());
    for (auto& b : down_blocks)
      m.down->blocks.push_back({b.begin - down_begin, b.end - down_begin});
  }
}

void SplitDbmate(Migration& m, std::vector<DirIssue>& issues) {
  std::string_view c = m.content;
  size_t up_begin = std::string_view::npos, up_end = c.size();
  size_t down_begin = std::string_view::npos;
  // A marker is `-- migrate:up` / `-- migrate:down`, then nothing or whitespace + options.
  auto marker = [](std::string_view text, std::string_view word, std::string_view& options) {
    std::string_view p = "-- migrate:";
    if (!StartsWith(text, p)) return false;
    std::string_view rest = text.substr(p.size());
    if (!StartsWith(rest, word)) return false;
    rest = rest.substr(word.size());
    if (!rest.empty() && !std::isspace(static_cast<unsigned char>(rest[0]))) return false;
    options = TrimSpace(rest);
    return true;
  };
  ForEachLine(c, [&](const Line& l) {
    std::string_view options;
    if (marker(l.text, "up", options)) {
      if (up_begin != std::string_view::npos) {
        issues.push_back(Err(m.file, l.number, "a second \"-- migrate:up\" line"));
        return true;
      }
      if (down_begin != std::string_view::npos) return true;
      up_begin = l.next;
      if (options.find("transaction:false") != std::string_view::npos) {
        m.tx = TxMode::kNone;
        m.tx_directive = std::string(l.text);
      }
      if (!options.empty()) {
        issues.push_back(Warning(m.file, l.number,
                                 "atlas reads no statements from this file: its dbmate reader "
                                 "needs \"-- migrate:up\" alone on the line"));
      }
    } else if (marker(l.text, "down", options)) {
      if (down_begin != std::string_view::npos) {
        issues.push_back(Err(m.file, l.number, "a second \"-- migrate:down\" line"));
        return true;
      }
      if (up_begin == std::string_view::npos) {
        issues.push_back(Err(m.file, l.number, "\"-- migrate:down\" before \"-- migrate:up\""));
      } else {
        up_end = l.begin;
      }
      down_begin = l.next;
    }
    return true;
  });
  if (up_begin == std::string_view::npos) {
    issues.push_back(Err(m.file, 0, "no \"-- migrate:up\" line: the file has no statements"));
    up_begin = up_end = c.size();
  }
  m.up = MakeSection(m.file, c, up_begin, std::max(up_begin, up_end));
  if (down_begin != std::string_view::npos) m.down = MakeSection(m.file, c, down_begin, c.size());
}

void CheckDuplicateVersions(const std::vector<Migration>& ms, std::vector<DirIssue>& issues) {
  std::map<std::string, std::vector<const Migration*>> by_version;
  for (const auto& m : ms) {
    if (m.kind == MigrationKind::kRepeatable || !m.atlas_listed) continue;
    by_version[m.version].push_back(&m);
  }
  for (const auto& [version, list] : by_version) {
    if (list.size() < 2) continue;
    std::string names;
    for (const auto* m : list) names += (names.empty() ? "" : ", ") + m->file;
    issues.push_back(
        Err(list[1]->file, 0, "two files with version " + Quote(version) + ": " + names));
  }
}

}  // namespace internal
}  // namespace schemabot::dir
