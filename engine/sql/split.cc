// Split(): runs the scanner and turns its raw statements into positioned Statements,
// reads directives, and implements goose sections.
#include <algorithm>
#include <cstring>

#include "engine/sql/scanner.h"
#include "engine/sql/sql.h"
#include "engine/sql/text_util.h"

namespace schemabot::sql {

using internal::DirectiveMatch;
using internal::MatchDirective;
using internal::RawStatement;
using internal::ScanFailure;

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
// Atlas feeds goose statements to its scanner under this delimiter (reference §2.3).
constexpr std::string_view kGooseDelim = "-- ATLAS_DELIM_END";

// Maps byte offsets of the split text to file positions, moving forward only.
class Locator {
 public:
  Locator(std::string_view text, const Position& base) : text_(text), base_(base) {}

  Position At(size_t i) {
    if (i < at_) Reset();
    for (;;) {
      const void* nl = std::memchr(text_.data() + at_, '\n', i - at_);
      if (!nl) break;
      size_t k = static_cast<const char*>(nl) - text_.data();
      ++line_;
      line_start_ = k + 1;
      at_ = k + 1;
    }
    at_ = i;
    Position p;
    p.offset = base_.offset + i;
    p.line = base_.line + line_;
    p.column =
        line_ == 0 ? base_.column + static_cast<int>(i) : static_cast<int>(i - line_start_) + 1;
    return p;
  }

 private:
  void Reset() { at_ = line_ = line_start_ = 0; }
  std::string_view text_;
  Position base_;
  size_t at_ = 0;
  int line_ = 0;
  size_t line_start_ = 0;
};

// Atlas's Stmt.Directive acceptance (reference §3.4).
void StatementDirectives(Statement* st) {
  for (const auto& c : st->comments) {
    std::string_view view = c;
    std::string_view prefix_want;
    if (view.starts_with("/*") && view.find('\n') == std::string_view::npos) {
      if (view.ends_with("*/")) view.remove_suffix(2);
      DirectiveMatch m = MatchDirective(view);
      if (m.ok && m.prefix == "/*")
        st->directives.push_back({std::string(m.name), std::string(m.args)});
      continue;
    }
    DirectiveMatch m = MatchDirective(view);
    if (m.ok && (m.prefix == "#" || m.prefix == "--" || m.prefix == "-- ")) {
      st->directives.push_back({std::string(m.name), std::string(m.args)});
    }
  }
}

// True when `text` has nothing but whitespace, comments and delimiters.
bool IsEmptyStatement(std::string_view text, const ScanOptions& o) {
  if (!text.empty() && internal::IsWordByte(static_cast<unsigned char>(text[0]))) return false;
  for (const Token& t : Tokenize(text, o.hash_comments ? Dialect::kMySQL : Dialect::kPostgres)) {
    if (!(t.kind == TokenKind::kPunct && t.text == ";")) return false;
  }
  return true;
}

struct Splitter {
  std::string_view text;  // the whole input given to Split (BOM included)
  ScanOptions scan;
  Locator loc;
  std::vector<Statement>* out;
  bool goose = false;
  size_t atlas_shift = 0;  // bytes before the scanned text (a skipped BOM)

  void Add(const RawStatement& raw) {
    Statement st;
    st.text = std::string(raw.text);
    size_t begin = static_cast<size_t>(raw.text.data() - text.data());
    Position p = loc.At(begin);
    st.offset = p.offset;
    st.line = p.line;
    st.column = p.column;
    st.end_offset = p.offset + raw.text.size();
    st.atlas_pos = goose ? begin : raw.atlas_pos + atlas_shift;
    st.comments.reserve(raw.comments.size());
    for (auto c : raw.comments) st.comments.emplace_back(c);
    StatementDirectives(&st);
    st.empty = IsEmptyStatement(raw.text, scan);
    out->push_back(std::move(st));
  }
};

SplitError MakeError(const ScanFailure& f, std::string_view text, size_t scanned_from,
                     const Position& base) {
  SplitError e;
  e.message = f.message;
  if (f.index == std::string_view::npos) {
    e.has_position = false;
    e.pos = base;
    return e;
  }
  // Atlas prints the column of index p (one past the offending byte) counted from 0,
  // i.e. the 1-based column of the offending byte; on the first line its column is p.
  size_t p = scanned_from + f.index;
  std::string_view before = text.substr(0, p);
  size_t nl = before.rfind('\n');
  int line = base.line + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  int col = nl == std::string_view::npos ? base.column - 1 + static_cast<int>(p)
                                         : static_cast<int>(p - nl - 1);
  e.pos.offset = base.offset + (p > 0 ? p - 1 : 0);
  e.pos.line = line;
  e.pos.column = col;
  return e;
}

// One line of a goose section: its bytes [begin, end) without the '\n'.
struct Line {
  size_t begin, end, next;
};

enum class GoosePragma { kNone, kBegin, kEnd, kOther };

GoosePragma GoosePragmaOf(std::string_view line) {
  std::string_view t = internal::TrimSpace(line);
  if (!t.starts_with("--")) return GoosePragma::kNone;
  t = internal::TrimSpace(t.substr(2));
  if (!t.starts_with("+goose")) return GoosePragma::kNone;
  t = internal::TrimSpace(t.substr(6));
  if (internal::EqualFoldPrefix(t, "STATEMENTBEGIN") && t.size() == 14) return GoosePragma::kBegin;
  if (internal::EqualFoldPrefix(t, "STATEMENTEND") && t.size() == 12) return GoosePragma::kEnd;
  return GoosePragma::kOther;
}

// goose's rule: the last word before a word starting with "--" ends with ';'.
bool GooseEndsStatement(std::string_view line) {
  std::string_view last;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && internal::IsReSpace(static_cast<unsigned char>(line[i]))) ++i;
    size_t b = i;
    while (i < line.size() && !internal::IsReSpace(static_cast<unsigned char>(line[i]))) ++i;
    if (b == i) break;
    std::string_view w = line.substr(b, i - b);
    if (w.starts_with("--")) break;
    last = w;
  }
  return last.ends_with(";");
}

}  // namespace

std::string SplitError::ToString() const {
  if (!has_position) return message;
  return std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " + message;
}

std::vector<std::string> Statement::Directives(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& d : directives) {
    if (d.name == name) out.push_back(d.args);
  }
  return out;
}

std::vector<std::string> SplitResult::FileDirective(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& d : file_directives) {
    if (d.name == name) out.push_back(d.args);
  }
  return out;
}

std::vector<Directive> FileDirectives(std::string_view file) {
  std::vector<std::string_view> lines;
  std::string_view content = file;
  while (content.starts_with("#") || content.starts_with("--")) {
    size_t nl = content.find('\n');
    if (nl == std::string_view::npos) {
      lines.push_back(content);  // a comments-only file
      break;
    }
    lines.push_back(internal::TrimSpace(content.substr(0, nl)));
    content = content.substr(nl + 1);
  }
  size_t lead = content.find_first_not_of(" \t");
  if (lead == std::string_view::npos || content[lead] != '\n') return {};
  std::vector<Directive> out;
  for (auto line : lines) {
    DirectiveMatch m = MatchDirective(line);
    if (m.ok) out.push_back({std::string(m.name), std::string(m.args)});
  }
  return out;
}

std::optional<std::string> SumDirective(std::string_view file) {
  DirectiveMatch m = MatchDirective(file);
  if (!m.ok || m.name != "sum") return std::nullopt;
  return std::string(m.args);
}

Result<SplitResult> Split(std::string_view sql, Dialect dialect, const SplitOptions& options,
                          SplitError* error) {
  SplitResult result;
  ScanOptions scan = options.scan.value_or(ScanOptions::ForDialect(dialect));
  size_t skip = sql.starts_with(kBom) ? kBom.size() : 0;
  std::string_view body = sql.substr(skip);
  Splitter sp{sql, scan, Locator(sql, options.base), &result.statements, options.goose, skip};

  auto fail = [&](const ScanFailure& f, size_t from) -> Error {
    SplitError e = MakeError(f, sql, from, options.base);
    std::string text = e.ToString();
    if (error) *error = std::move(e);
    return InvalidArgument(std::move(text));
  };

  if (!options.goose) {
    std::vector<RawStatement> raw;
    ScanFailure f;
    if (!internal::ScanAll(body, scan, "", &raw, &result.delimiter, &f)) return fail(f, skip);
    for (const auto& r : raw) sp.Add(r);
    if (options.base.offset == 0) result.file_directives = FileDirectives(body);
    return result;
  }

  // goose: cut the section into chunks by goose's rules, then scan each chunk as one
  // statement (its leading comments attached, its text trimmed) like Atlas does.
  size_t chunk = skip;
  bool in_block = false;
  auto flush = [&](size_t end) -> std::optional<Error> {
    std::string_view part = sql.substr(chunk, end - chunk);
    std::vector<RawStatement> raw;
    ScanFailure f;
    if (!internal::ScanAll(part, scan, kGooseDelim, &raw, nullptr, &f)) return fail(f, chunk);
    for (const auto& r : raw) sp.Add(r);
    return std::nullopt;
  };
  for (size_t i = skip; i < sql.size();) {
    size_t nl = sql.find('\n', i);
    size_t line_end = nl == std::string_view::npos ? sql.size() : nl;
    size_t next = nl == std::string_view::npos ? sql.size() : nl + 1;
    std::string_view line = sql.substr(i, line_end - i);
    GoosePragma pragma = GoosePragmaOf(line);
    if (pragma == GoosePragma::kBegin || pragma == GoosePragma::kEnd) {
      if (auto e = flush(i)) return *e;
      in_block = pragma == GoosePragma::kBegin;
      chunk = next;
    } else if (!in_block && pragma == GoosePragma::kNone && GooseEndsStatement(line)) {
      if (auto e = flush(next)) return *e;
      chunk = next;
    }
    i = next;
  }
  if (auto e = flush(sql.size())) return *e;
  return result;
}

}  // namespace schemabot::sql
