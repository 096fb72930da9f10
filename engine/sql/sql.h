// engine/sql: the dialect-aware statement splitter, directives and a light tokenizer.
//
// Split() cuts a migration file (or one section of it) into the statements Atlas would
// execute, following Atlas's scanner (sql/migrate/lex.go) as described in
// ../shared/reference/atlas-core.md §3: quotes, PostgreSQL E'' strings and $tag$ dollar
// quotes, --, /* */ and (MySQL) # comments, the MySQL client's DELIMITER command, a first
// line `-- atlas:delimiter <d>`, BEGIN ... END compound statements and BEGIN ATOMIC bodies,
// and parenthesis depth. Every statement keeps its text exactly as Atlas returns it
// (whitespace-trimmed; the default `;` kept, a custom delimiter removed), its position in
// the file, the comments attached before it and the `atlas:` directives in them.
//
//   SB_TRY_ASSIGN(auto split, sql::Split(content, sql::Dialect::kPostgres));
//   for (const auto& st : split.statements) run(st.text);      // st.line, st.column
//   if (split.FileDirective("txmode") == std::vector<std::string>{"none"}) ...
//
// Positions. `offset` is a byte offset into the whole file; `line` is 1-based and counts
// '\n' (a CRLF file has '\r' at the end of each line's bytes, a lone '\r' is no line end);
// `column` is 1-based and counts BYTES from the start of the line, like Atlas's error
// positions (a line starting with "é" has its next character at column 3). Use
// ColumnInCodePoints() when a consumer wants characters. A leading UTF-8 byte order mark
// is skipped (it is not part of any statement) but still counts in offsets and columns.
//
// Sections. To split only a part of a file (the up section of a goose or dbmate file, as
// engine/dir returns it) pass the part's text and its position in the file as
// SplitOptions::base; every position and error then refers to the whole file. With
// SplitOptions::goose, `-- +goose StatementBegin` / `-- +goose StatementEnd` blocks become
// one statement each and other lines end a statement the way goose does (see
// docs/sql-splitting.md).
//
// Deviations from Atlas, all chosen so that statements match what the server runs:
// PostgreSQL block comments nest; E'...' strings honour backslash escapes (Atlas intends
// to but its check never fires); a leading BOM is skipped. Everything else, including
// Atlas's quirks (a trailing `-- comment` without a newline is a statement of its own; a
// blank line of "\r\n" does not detach comments), is kept. Statement::empty marks
// statements that hold nothing for the server.
//
// Errors (Result errors with code kInvalidArgument) read like Atlas's, prefixed with the
// file position: "3:14: unclosed quote '\''", "1:3: unclosed '('", "1:5: unexpected ')'",
// "empty delimiter", "1:0: no input found after delimiter \";;\"". Pass a SplitError* to
// get the message and position as fields.
//
// Tokenize() gives the tokens of one statement (comments skipped) for classifying it;
// MatchWords()/FindWords() compare word sequences such as "CREATE INDEX CONCURRENTLY".
//
// Thread-safety: all functions are pure and reentrant; returned values own their data
// except Token::text, which points into the string given to Tokenize().
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace schemabot::sql {

enum class Dialect { kPostgres, kMySQL };

// "postgres", "postgresql", "pg" -> kPostgres; "mysql", "mariadb" -> kMySQL (any case).
// Anything else: kInvalidArgument `unknown dialect "x" (want postgres or mysql)`.
Result<Dialect> ParseDialect(std::string_view name);
std::string_view DialectName(Dialect dialect);  // "postgres" or "mysql"

// The scanner switches (Atlas's ScannerOptions, plus nested_block_comments).
struct ScanOptions {
  bool match_begin = false;            // BEGIN ... END compound statements
  bool match_begin_atomic = false;     // BEGIN ATOMIC ... END function bodies
  bool match_begin_try_catch = false;  // T-SQL BEGIN TRY ... END CATCH
  bool match_dollar_quote = false;     // $$ ... $$, $tag$ ... $tag$
  bool backslash_escapes = false;      // '\'' escapes in every quote (MySQL)
  bool escaped_string_ext = false;     // backslash escapes in E'...' only (PostgreSQL)
  bool hash_comments = false;          // # to end of line (MySQL)
  bool go_command = false;             // T-SQL GO batches
  bool begin_end_terminator = false;   // T-SQL: END closes a BEGIN block without ;
  bool nested_block_comments = false;  // /* /* */ */ (PostgreSQL; not in Atlas)

  // Atlas's driver scanner for the dialect (reference §3.2), plus nested PG comments.
  static ScanOptions ForDialect(Dialect dialect);
  // Atlas's generic Stmts() defaults: BEGIN ATOMIC and dollar quotes only.
  static ScanOptions Generic();
};

// The scanner Atlas itself uses for a file of `dir_format` (reference §2.7): the dialect's
// for "atlas" and "liquibase", Generic() for golang-migrate, flyway, goose and dbmate.
// schemabot's own default is ForDialect() for every format, because the generic scanner
// cuts MySQL procedures and backslash-escaped strings apart (see docs/sql-splitting.md).
ScanOptions AtlasScanOptions(Dialect dialect, std::string_view dir_format);

// A place in a file.
struct Position {
  size_t offset = 0;  // bytes from the start of the file
  int line = 1;       // 1-based
  int column = 1;     // 1-based, in bytes
};

// `atlas:<name> <args>` read from a comment. args is "" when absent.
struct Directive {
  std::string name;
  std::string args;
  bool operator==(const Directive&) const = default;
};

struct Statement {
  std::string text;   // as Atlas returns it: trimmed, `;` kept, custom delimiter removed
  size_t offset = 0;  // file offset of text's first byte
  int line = 1;       // position of text's first byte (see the header comment)
  int column = 1;
  size_t end_offset = 0;  // file offset one past text's last byte
  // Atlas's Stmt.Pos: the offset within the text given to Split(), except that for a
  // file starting with `-- atlas:delimiter` it does not count that first line (Atlas's
  // quirk). Lint's Atlas-shaped JSON reports it. For goose sections (whose Pos Atlas counts
  // in a rewritten text) it is simply the offset within the section.
  size_t atlas_pos = 0;
  // The comments directly before the statement (no blank line between), in order, each
  // with its delimiters; a -- or # comment keeps its trailing "\n".
  std::vector<std::string> comments;
  // Directives of those comments, accepted as Atlas does: prefix "--", "-- " or "#", or a
  // single-line "/*atlas:x*/" (no space after /*).
  std::vector<Directive> directives;
  // True when the text holds nothing a server executes: only comments, whitespace and
  // delimiters (a line holding only `;`, a trailing comment without newline). PostgreSQL
  // accepts such text as an empty query; MySQL answers "Query was empty", so callers
  // usually skip these.
  bool empty = false;

  // Args of every directive named `name`, in order (e.g. {"", "destructive"}).
  std::vector<std::string> Directives(std::string_view name) const;
};

struct SplitResult {
  std::vector<Statement> statements;
  // File directives: the leading comment block when a blank line follows it (§3.3).
  // Empty when the input is a section (SplitOptions::base.offset != 0); call
  // FileDirectives() on the whole file then.
  std::vector<Directive> file_directives;
  // The delimiter set by a first line `-- atlas:delimiter <d>` (escapes \n \r \t
  // resolved), or "" when the file has none.
  std::string delimiter;

  std::vector<std::string> FileDirective(std::string_view name) const;
};

struct SplitOptions {
  // Scanner switches; ScanOptions::ForDialect(dialect) when unset.
  std::optional<ScanOptions> scan;
  // Where the given text starts in its file. Default: it is the whole file.
  Position base;
  // The text is the up (or down) section of a goose file: StatementBegin/End blocks are
  // one statement each; elsewhere a line whose last word (before any --) ends with `;`
  // ends a statement, as goose runs it. Pragma lines are not part of any statement.
  bool goose = false;
};

// A split failure with its place. `message` has no position prefix; Error text is
// "<line>:<column>: <message>" (or just the message for position-less errors such as
// "empty delimiter", where has_position is false).
struct SplitError {
  std::string message;
  Position pos;  // of the offending byte (the opening quote, '(' or ')')
  bool has_position = true;
  std::string ToString() const;
};

// Splits `sql` into statements. Success: the statements in file order (possibly none, for
// empty or comment-only input) and the file directives. Errors: kInvalidArgument as
// described above; when `error` is non-null it receives the structured form too.
// Never throws; linear in the input except for unmatched BEGIN words (bounded nesting:
// more than 200 nested open BEGIN blocks is the error "too many nested BEGIN blocks").
Result<SplitResult> Split(std::string_view sql, Dialect dialect, const SplitOptions& options = {},
                          SplitError* error = nullptr);

// The file directives of a whole file (§3.3): leading lines starting with "#" or "--",
// each trimmed, when a blank line (after optional spaces/tabs) follows them; every
// `atlas:<name>` found in them. `-- atlas:txmode none` -> {"txmode", "none"}.
std::vector<Directive> FileDirectives(std::string_view file);

// The argument of a first-line `atlas:sum` directive (any printable prefix, §1.4), e.g.
// "ignore"; nullopt when the first line has none.
std::optional<std::string> SumDirective(std::string_view file);

// The 1-based column of `offset` counted in UTF-8 code points (invalid bytes count one
// each). `offset` is clamped to the text.
int ColumnInCodePoints(std::string_view file, size_t offset);

// The Position of a byte offset in a file (line/column as above; clamped to the text).
Position PositionAt(std::string_view file, size_t offset);

// ---- Tokens ------------------------------------------------------------------------

enum class TokenKind {
  kKeyword,           // a word in the SQL keyword list (CREATE, INDEX, NOT, VALID, ...)
  kIdentifier,        // any other bare word (letters, digits, _, $, non-ASCII bytes)
  kQuotedIdentifier,  // "name" (PostgreSQL and MySQL) or `name` (MySQL)
  kString,            // 'x', E'x', N'x', $$x$$, $tag$x$tag$; "x" too when the dialect is MySQL
                      // and ANSI_QUOTES is off (MySQL reads "x" as a string)
  kNumber,            // 42, 3.14, 1e10, 0x1F
  kParameter,         // $1, ?, :name
  kOperator,          // = <> != :: -> ->> || + - * / % < > <= >= ~ ! @ # & | ^
  kPunct,             // ( ) , ; . [ ] { }
};

struct Token {
  TokenKind kind;
  std::string_view text;  // points into the tokenized string; quotes included
  size_t offset;          // from the start of the tokenized string
};

// The tokens of `sql`, comments and whitespace skipped. An unterminated quote or comment
// runs to the end as one token. Never fails; linear time.
std::vector<Token> Tokenize(std::string_view sql, Dialect dialect);

// True when tokens[at...] are the space-separated words of `words`, compared ASCII
// case-insensitively against keyword and identifier tokens:
// MatchWords(t, 0, "CREATE INDEX CONCURRENTLY"). A word "*" matches any one token.
bool MatchWords(const std::vector<Token>& tokens, size_t at, std::string_view words);

// The first index >= from where MatchWords holds, or std::string_view::npos.
size_t FindWords(const std::vector<Token>& tokens, std::string_view words, size_t from = 0);

// The unquoted name of a word or quoted-identifier token ("a""b" -> a"b, `x` -> x).
std::string Unquote(const Token& token);

}  // namespace schemabot::sql
