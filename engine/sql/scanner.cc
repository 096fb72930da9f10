// The Atlas-compatible scanner. It follows sql/migrate/lex.go's algorithm step by step
// (reference §3.1) so that statement boundaries, texts and comments come out identical;
// the code is our own and works on byte offsets into one buffer instead of re-slicing
// strings. Where this file departs from Atlas it says so.
#include "engine/sql/scanner.h"

#include <array>
#include <cstring>

#include "engine/sql/text_util.h"

namespace schemabot::sql::internal {
namespace {

constexpr int kEos = -1;
constexpr int kNonAscii = 0x100;  // any rune >= 0x80; no case compares against one
constexpr std::string_view kDefaultDelim = ";";

enum BlockKind { kBlockBegin = 0, kBlockAtomic = 1, kBlockTry = 2 };

std::string Unescape(std::string_view d) {
  std::string out;
  out.reserve(d.size());
  for (size_t i = 0; i < d.size(); ++i) {
    if (d[i] == '\\' && i + 1 < d.size() &&
        (d[i + 1] == 'n' || d[i + 1] == 'r' || d[i + 1] == 't')) {
      out += d[i + 1] == 'n' ? '\n' : d[i + 1] == 'r' ? '\r' : '\t';
      ++i;
    } else {
      out += d[i];
    }
  }
  return out;
}

std::string GoQuoteRune(int quote) {
  if (quote == '\'') return "'\\''";
  return std::string("'") + static_cast<char>(quote) + "'";
}

class Scanner {
 public:
  enum Step { kStmt, kEof, kError };

  Scanner(std::string_view src, const ScanOptions& o, ScanContext* ctx, int depth, bool endterm)
      : src_(src), o_(o), ctx_(ctx), depth_(depth), endterm_(endterm) {}

  // Atlas's init: default delimiter, or the first-line `-- atlas:delimiter`.
  bool Init(std::string_view initial_delim, std::string* directive_delim) {
    if (!initial_delim.empty()) {
      delim_ = std::string(initial_delim);
      OnDelimChanged();
      return true;
    }
    delim_ = std::string(kDefaultDelim);
    OnDelimChanged();
    DirectiveMatch m = MatchDirective(src_);
    if (!m.ok || m.name != "delimiter" || m.prefix != "-- ") return true;
    if (!SetDelim(m.args)) return false;
    size_t nl = src_.find('\n');
    if (nl == std::string_view::npos) {
      return Fail(0, "no input found after delimiter " + GoQuote(m.args));
    }
    in_ = nl + 1;  // Atlas does not count this line in `total` (its Pos quirk)
    if (directive_delim) *directive_delim = delim_;
    return true;
  }

  // Atlas's stmt(): one loop whose cases mirror lex.go's switch one for one, in the same
  // order (the order decides, e.g. delimiters before comments), hence its length.
  Step Stmt(RawStatement* out) {
    int depth = 0;
    size_t opening = 0;
    std::string_view text;
    SkipSpaces();
    for (;;) {
      if (pos_ > 0) SkipPlain();
      int r = Next();
      if (r == kEos) {
        if (depth > 0) {
          Fail(opening, "unclosed '('");
          return kError;
        }
        if (pos_ > 0) {
          text = Input();
          break;
        }
        return kEof;
      }
      if (r == '(') {
        if (depth == 0) opening = pos_;
        ++depth;
        continue;
      }
      if (r == ')') {
        if (depth == 0) {
          Fail(pos_, "unexpected ')'");
          return kError;
        }
        --depth;
        continue;
      }
      if (r == '\'' || r == '"' || r == '`') {
        if (!SkipQuote(r)) return kError;
        continue;
      }
      if (pos_ == 1 && Len() > 9 && EqualFoldPrefix(Input(), "DELIMITER")) {
        AddPos(8);
        if (!DelimCmd()) return kError;
        SkipSpaces();
        continue;
      }
      if (o_.go_command) {
        bool at_go = false;
        if (r == '\n' && MatchGoCmd(Input().substr(pos_))) {
          Next();  // 'G'
          at_go = true;
        } else if ((pos_ == 1 || (pos_ > 1 && At(pos_ - 2) == '\n')) &&
                   MatchGoCmd(Input().substr(pos_ - 1))) {
          at_go = true;
        }
        if (at_go) {
          text = Input().substr(0, pos_ - 1);
          Next();  // 'O'
          if (!SkipGoCount()) return kError;
          SkipSpaces();
          break;
        }
      }
      if (depth == 0 && Input().substr(pos_ - width_).starts_with(delim_)) {
        AddPos(delim_.size() - width_);
        text = Input().substr(0, pos_);
        break;
      }
      if (o_.match_dollar_quote && r == '$') {
        size_t tag = DollarTagLen(Input(), pos_ - 1);
        if (tag > 0) {
          SkipDollarQuote(tag);
          continue;
        }
      }
      if (r == '#' && o_.hash_comments) {
        Comment("#", "\n");
        continue;
      }
      if (r == '-' && Pick() == '-') {
        Next();
        Comment("--", "\n");
        continue;
      }
      if (r == '/' && Pick() == '*') {
        Next();
        Comment("/*", "*/");
        continue;
      }
      if (endterm_ && EndsWithEnd(Input().substr(0, pos_))) {
        text = Input().substr(0, pos_);
        break;
      }
      if (default_delim_) {
        int kind = -1;
        std::string_view here = Input().substr(pos_ - 1);
        if (o_.match_begin_atomic && MatchBeginWord(here, "ATOMIC")) {
          kind = kBlockAtomic;
        } else if (o_.match_begin_try_catch && MatchBeginWord(here, "TRY")) {
          kind = kBlockTry;
        } else if (o_.match_begin && ((pos_ == 1 && MatchBeginWord(here, "")) ||
                                      (pos_ > 1 && MatchBeginWord(Input().substr(pos_ - 2), "")))) {
          kind = kBlockBegin;
        }
        if (kind >= 0) {
          if (SkipBlock(kind)) {
            text = Input().substr(0, pos_);
            break;
          }
          if (ctx_->too_deep) return kError;
        }
      }
    }
    Emit(text, out);
    return kStmt;
  }

  size_t total() const { return total_; }
  const ScanFailure& failure() const { return failure_; }

 private:
  std::string_view Input() const { return src_.substr(in_); }
  size_t Len() const { return src_.size() - in_; }
  char At(size_t rel) const { return src_[in_ + rel]; }
  void AddPos(size_t n) {
    pos_ += n;
    total_ += n;
  }

  int Next() {
    if (pos_ >= Len()) return kEos;
    unsigned char c = static_cast<unsigned char>(At(pos_));
    if (c < 0x80) {
      width_ = 1;
      AddPos(1);
      return c;
    }
    width_ = RuneWidth(src_, in_ + pos_);
    AddPos(width_);
    return kNonAscii;
  }

  int Pick() const {
    if (pos_ >= Len()) return kEos;
    unsigned char c = static_cast<unsigned char>(At(pos_));
    return c < 0x80 ? c : kNonAscii;
  }

  bool Fail(size_t rel, std::string message) {
    failure_.message = std::move(message);
    failure_.index = in_ + rel;
    return false;
  }
  bool FailNoPos(std::string message) {
    failure_.message = std::move(message);
    failure_.index = std::string_view::npos;
    return false;
  }

  bool SetDelim(std::string_view d) {
    if (d.empty()) return FailNoPos("empty delimiter");
    delim_ = Unescape(d);
    OnDelimChanged();
    return true;
  }

  // Bytes that can start something the loop in Stmt() acts on. Every other byte is
  // skipped in bulk: the case analysis for it would fall through anyway. ASCII bytes are
  // always whole runes in Go's decoding, so stopping only on them keeps rune alignment.
  // BEGIN needs only 'B'/'b': a match that starts on the spaces before it ends at the same
  // place, and the first rune of a statement (pos_ == 0) is never skipped.
  void OnDelimChanged() {
    default_delim_ = delim_ == kDefaultDelim;
    special_.fill(false);
    for (unsigned char c : std::string_view("()'\"`-/")) special_[c] = true;
    if (o_.match_dollar_quote) special_['$'] = true;
    if (o_.hash_comments) special_['#'] = true;
    if (o_.go_command) special_['\n'] = special_['G'] = special_['g'] = true;
    special_['B'] = special_['b'] = true;
    if (!delim_.empty()) {
      unsigned char d = static_cast<unsigned char>(delim_[0]);
      if (d >= 0x80) {
        for (int c = 0x80; c < 0x100; ++c) special_[c] = true;
      }
      special_[d] = true;
    }
  }

  void SkipPlain() {
    if (endterm_) return;  // END may close the block at any rune
    const unsigned char* p = reinterpret_cast<const unsigned char*>(src_.data() + in_);
    size_t n = Len(), i = pos_;
    while (i < n && !special_[p[i]]) ++i;
    AddPos(i - pos_);
  }

  void SkipSpaces() {
    size_t i = in_;
    int w = 0;
    while (i < src_.size() && IsSpaceAt(src_, i, &w)) i += w;
    total_ += i - in_;
    in_ = i;
  }

  void Emit(std::string_view text, RawStatement* out) {
    if (out) {
      out->atlas_pos = total_ - text.size();
      out->comments = std::move(comments_);
    }
    comments_.clear();
    in_ += pos_;
    pos_ = 0;
    if (delim_ != kDefaultDelim && text.ends_with(delim_)) text.remove_suffix(delim_.size());
    if (out) out->text = TrimSpace(text);
  }

  // Skips quoted text; `pos_` is just past the opening quote. ASCII bytes are always
  // whole runes in Go's decoding, so a byte loop finds the same closing quote.
  bool SkipQuote(int quote) {
    size_t start = pos_;
    bool escaped =
        o_.backslash_escapes || (o_.escaped_string_ext && quote == '\'' && EStringPrefix());
    size_t n = Len();
    const char* p = src_.data() + in_;
    size_t i = pos_;
    if (!escaped) {
      const void* hit = std::memchr(p + i, quote, n - i);
      if (!hit) {
        AddPos(n - pos_);
        return Fail(start, "unclosed quote " + GoQuoteRune(quote));
      }
      i = static_cast<const char*>(hit) - p + 1;
    } else {
      for (;;) {
        if (i >= n) {
          AddPos(n - pos_);
          return Fail(start, "unclosed quote " + GoQuoteRune(quote));
        }
        char c = p[i++];
        if (c == '\\') {
          if (i < n) i += RuneWidth(src_, in_ + i);
        } else if (c == quote) {
          break;
        }
      }
    }
    AddPos(i - pos_);
    return true;
  }

  // PostgreSQL E'...': the quote follows an E or e that starts a token. (Atlas tests the
  // quote itself instead of the byte before it, so its E-strings never take escapes.)
  bool EStringPrefix() const {
    if (pos_ < 2) return false;
    char e = At(pos_ - 2);
    if (e != 'E' && e != 'e') return false;
    return pos_ == 2 || !IsIdentByte(static_cast<unsigned char>(At(pos_ - 3)));
  }

  void SkipDollarQuote(size_t tag_len) {
    std::string_view tag = Input().substr(pos_ - 1, tag_len);
    AddPos(tag_len - 1);
    size_t hit = Input().find(tag, pos_);
    // Unterminated: Atlas fails only without a delimiter, which cannot happen.
    size_t end = hit == std::string_view::npos ? Len() : hit + tag_len;
    AddPos(end - pos_);
  }

  // Atlas's comment(): a comment before any statement text is collected; one inside a
  // statement is skipped; an unterminated one is not a comment at all.
  void Comment(std::string_view left, std::string_view right) {
    size_t close = FindClose(right);
    if (close == std::string_view::npos) return;
    if (pos_ != left.size()) {
      AddPos(close + right.size() - pos_);
      return;
    }
    AddPos(close + right.size() - pos_);
    comments_.push_back(Input().substr(0, pos_));
    in_ += pos_;
    pos_ = 0;
    std::string_view rest = Input();
    if (rest.starts_with("\n\n") || (right == "\n" && rest.starts_with("\n"))) comments_.clear();
    SkipSpaces();
  }

  // Index (relative to the input) of `right` closing the comment that ends at pos_.
  size_t FindClose(std::string_view right) {
    size_t abs_from = Abs(in_ + pos_);
    if (right == "\n") {
      if (abs_from >= ctx_->no_newline_from) return std::string_view::npos;
      size_t i = Input().find('\n', pos_);
      if (i == std::string_view::npos) ctx_->no_newline_from = abs_from;
      return i;
    }
    if (o_.nested_block_comments && abs_from < ctx_->nested_fail_from) {
      size_t i = FindNestedClose();
      if (i != std::string_view::npos) return i;
      ctx_->nested_fail_from = abs_from;  // fall back to Atlas's rule from here on
    }
    if (abs_from >= ctx_->no_block_close_from) return std::string_view::npos;
    size_t i = Input().find("*/", pos_);
    if (i == std::string_view::npos) ctx_->no_block_close_from = abs_from;
    return i;
  }

  size_t FindNestedClose() const {
    std::string_view in = Input();
    int level = 1;
    for (size_t i = pos_; i + 1 < in.size(); ++i) {
      if (in[i] == '/' && in[i + 1] == '*') {
        ++level;
        ++i;
      } else if (in[i] == '*' && in[i + 1] == '/') {
        if (--level == 0) return i;
        ++i;
      }
    }
    return std::string_view::npos;
  }

  // The MySQL client's DELIMITER command; pos_ is just past "delimiter".
  bool DelimCmd() {
    if (Pick() != ' ') return true;
    size_t nl = Input().find('\n', pos_);
    AddPos((nl == std::string_view::npos ? Len() : nl + 1) - pos_);
    std::string_view d = TrimSpace(Input().substr(9, pos_ - 9));
    std::string delim(d);
    if (d.size() >= 2 && d.front() == '\'' && d.back() == '\'') {
      delim.clear();
      std::string_view inner = d.substr(1, d.size() - 2);
      for (size_t i = 0; i < inner.size(); ++i) {
        delim += inner[i];
        if (inner[i] == '\'' && i + 1 < inner.size() && inner[i + 1] == '\'') ++i;
      }
    } else if (d == "'") {
      return FailNoPos("invalid delimiter \"'\"");  // Atlas panics here
    }
    if (!SetDelim(delim)) return false;
    Emit(Input().substr(0, pos_), nullptr);
    return true;
  }

  bool SkipGoCount() {
    if (Pick() != ' ') return true;
    size_t c = pos_;
    size_t nl = Input().find('\n', pos_);
    AddPos((nl == std::string_view::npos ? Len() : nl + 1) - pos_);
    std::string_view raw = Input().substr(c, pos_ - c);
    std::string_view count = TrimSpace(raw);
    size_t i = (!count.empty() && (count[0] == '+' || count[0] == '-')) ? 1 : 0;
    bool ok = i < count.size();
    for (; i < count.size(); ++i) ok = ok && count[i] >= '0' && count[i] <= '9';
    if (!ok) {
      return FailNoPos("sql/migrate: invalid GO command, expect digits got " + GoQuote(raw) +
                       ": strconv.Atoi: parsing " + GoQuote(count) + ": invalid syntax");
    }
    return true;
  }

  // Scans a BEGIN / BEGIN ATOMIC / BEGIN TRY block with a nested scanner until its END
  // statement. Results are memoised per start offset: the nested scan of a block depends
  // only on where it starts, and without the memo unmatched BEGINs cost exponential time.
  bool SkipBlock(int kind) {
    std::string_view here = Input().substr(pos_ - 1);
    size_t m = MatchBeginWord(here, kind == kBlockAtomic ? "ATOMIC"
                                    : kind == kBlockTry  ? "TRY"
                                                         : "");
    if (m == 0) return false;
    AddPos(m - 1);
    size_t key = Abs(in_ + pos_) * 4 + kind;
    auto it = ctx_->memo.find(key);
    long advance;
    if (it != ctx_->memo.end()) {
      advance = it->second;
    } else {
      if (depth_ + 1 > kMaxBlockDepth) {
        ctx_->too_deep = true;
        return false;
      }
      advance = ScanBlock(kind);
      if (ctx_->too_deep) return false;
      ctx_->memo.emplace(key, advance);
    }
    if (advance < 0) return false;
    AddPos(static_cast<size_t>(advance));
    return true;
  }

  long ScanBlock(int kind) {
    Scanner body(Input().substr(pos_), o_, ctx_, depth_ + 1,
                 kind == kBlockBegin && o_.begin_end_terminator);
    if (!body.Init("", nullptr)) return -1;
    for (;;) {
      RawStatement st;
      if (body.Stmt(&st) != kStmt) return -1;
      std::string_view t = st.text;
      if (kind == kBlockAtomic) {
        if (MatchEnd(t) > 0) return static_cast<long>(body.total());
      } else if (kind == kBlockTry) {
        size_t end = MatchEndCatch(t);
        // Atlas backs up over what follows END CATCH in that statement.
        if (end > 0) return static_cast<long>(body.total() - (t.size() - end));
      } else if (size_t e = MatchEnd(t); e > 0) {
        if (e == t.size() || t.substr(e) == kDefaultDelim) return static_cast<long>(body.total());
      } else if (o_.begin_end_terminator && EndsWithEnd(t)) {
        return static_cast<long>(body.total());
      }
    }
  }

  size_t Abs(size_t src_index) const {
    return static_cast<size_t>(src_.data() - ctx_->base) + src_index;
  }

  std::string_view src_;
  const ScanOptions& o_;
  ScanContext* ctx_;
  int depth_;
  bool endterm_;
  size_t in_ = 0;   // start of Atlas's s.input within src_
  size_t pos_ = 0;  // Atlas's s.pos, relative to in_
  size_t total_ = 0;
  size_t width_ = 0;
  std::string delim_;
  bool default_delim_ = true;
  std::array<bool, 256> special_{};
  std::vector<std::string_view> comments_;
  ScanFailure failure_;
};

}  // namespace

bool ScanAll(std::string_view input, const ScanOptions& options, std::string_view initial_delim,
             std::vector<RawStatement>* out, std::string* delim_directive, ScanFailure* failure) {
  ScanContext ctx;
  ctx.base = input.data();
  Scanner s(input, options, &ctx, 0, false);
  if (!s.Init(initial_delim, delim_directive)) {
    *failure = s.failure();
    return false;
  }
  for (;;) {
    RawStatement st;
    switch (s.Stmt(&st)) {
      case Scanner::kEof:
        return true;
      case Scanner::kError:
        *failure = s.failure();
        if (ctx.too_deep) *failure = {"too many nested BEGIN blocks", std::string_view::npos};
        return false;
      case Scanner::kStmt:
        out->push_back(std::move(st));
        break;
    }
  }
}

}  // namespace schemabot::sql::internal
