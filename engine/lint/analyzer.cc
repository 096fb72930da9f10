#include "engine/lint/analyzer.h"

namespace schemabot::lint {
namespace {

using schema::ChangeKind;

std::string Key(char kind, std::string_view s, std::string_view t = {}, std::string_view n = {}) {
  std::string k(1, kind);
  k += ':';
  k += s;
  k += '\x1f';
  k += t;
  k += '\x1f';
  k += n;
  return k;
}

}  // namespace

const std::vector<sql::Token>& Pass::Tokens(size_t i) const {
  if (tokens_.size() < statements.size()) tokens_.resize(statements.size());
  if (!tokens_[i]) tokens_[i] = sql::Tokenize(statements[i].text, dialect);
  return *tokens_[i];
}

const Pass::Span* Pass::FindSpan(const std::string& key) const {
  for (const auto& s : spans_) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

void Pass::ComputeSpans() {
  spans_.clear();
  auto touch = [&](const std::string& key) -> Span& {
    for (auto& s : spans_) {
      if (s.key == key) return s;
    }
    spans_.push_back({key});
    return spans_.back();
  };
  for (const auto& sc : changes) {
    for (const auto& c : sc.changes) {
      switch (c.kind) {
        case ChangeKind::kAddSchema:
          touch(Key('s', c.name)).created = true;
          break;
        case ChangeKind::kDropSchema:
          touch(Key('s', c.name)).dropped = true;
          break;
        case ChangeKind::kAddTable:
          touch(Key('t', c.schema, c.name)).created = true;
          break;
        case ChangeKind::kDropTable:
          touch(Key('t', c.schema, c.name)).dropped = true;
          break;
        case ChangeKind::kRenameTable: {
          bool created = false;
          if (const Span* old = FindSpan(Key('t', c.schema, c.from_name))) created = old->created;
          touch(Key('t', c.schema, c.name)).created |= created;
          break;
        }
        case ChangeKind::kAddColumn:
          touch(Key('c', c.schema, c.table, c.name)).created = true;
          break;
        case ChangeKind::kDropColumn:
          touch(Key('c', c.schema, c.table, c.name)).dropped = true;
          break;
        case ChangeKind::kRenameColumn: {
          bool created = false;
          if (const Span* old = FindSpan(Key('c', c.schema, c.table, c.from_name))) {
            created = old->created;
          }
          touch(Key('c', c.schema, c.table, c.name)).created |= created;
          break;
        }
        case ChangeKind::kAddIndex:
          touch(Key('i', c.schema, c.table, c.name)).created = true;
          break;
        case ChangeKind::kDropIndex:
          touch(Key('i', c.schema, c.table, c.name)).dropped = true;
          break;
        case ChangeKind::kAddForeignKey:
          touch(Key('f', c.schema, c.table, c.name)).created = true;
          break;
        case ChangeKind::kDropForeignKey:
          touch(Key('f', c.schema, c.table, c.name)).dropped = true;
          break;
        case ChangeKind::kAddCheck:
          touch(Key('k', c.schema, c.table, c.name)).created = true;
          break;
        case ChangeKind::kDropCheck:
          touch(Key('k', c.schema, c.table, c.name)).dropped = true;
          break;
        default:
          break;
      }
    }
  }
}

bool Pass::SchemaCreated(std::string_view s) const {
  const Span* sp = FindSpan(Key('s', s));
  return sp && sp->created;
}
bool Pass::SchemaDropped(std::string_view s) const {
  const Span* sp = FindSpan(Key('s', s));
  return sp && sp->dropped;
}
bool Pass::TableCreated(std::string_view s, std::string_view t) const {
  const Span* sp = FindSpan(Key('t', s, t));
  return (sp && sp->created) || SchemaCreated(s);
}
bool Pass::TableDropped(std::string_view s, std::string_view t) const {
  const Span* sp = FindSpan(Key('t', s, t));
  return sp && sp->dropped;
}
bool Pass::ColumnCreated(std::string_view s, std::string_view t, std::string_view c) const {
  const Span* sp = FindSpan(Key('c', s, t, c));
  return (sp && sp->created) || TableCreated(s, t);
}
bool Pass::ColumnDropped(std::string_view s, std::string_view t, std::string_view c) const {
  const Span* sp = FindSpan(Key('c', s, t, c));
  return sp && sp->dropped;
}
bool Pass::IndexCreated(std::string_view s, std::string_view t, std::string_view i) const {
  const Span* sp = FindSpan(Key('i', s, t, i));
  return (sp && sp->created) || TableCreated(s, t);
}
bool Pass::ForeignKeyCreated(std::string_view s, std::string_view t, std::string_view f) const {
  const Span* sp = FindSpan(Key('f', s, t, f));
  return (sp && sp->created) || TableCreated(s, t);
}
bool Pass::CheckCreated(std::string_view s, std::string_view t, std::string_view k) const {
  const Span* sp = FindSpan(Key('k', s, t, k));
  return (sp && sp->created) || TableCreated(s, t);
}

size_t Pass::FindLater(size_t stmt, schema::ChangeKind kind, std::string_view s, std::string_view t,
                       std::string_view n) const {
  for (const auto& sc : changes) {
    if (sc.index <= stmt) continue;
    for (const auto& c : sc.changes) {
      if (c.kind == kind && c.schema == s && c.table == t && c.name == n) return sc.index;
    }
  }
  return std::string_view::npos;
}

std::string Quote(std::string_view name) { return "\"" + std::string(name) + "\""; }

std::string QuoteList(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += Quote(names[i]);
  }
  return out;
}

}  // namespace schemabot::lint
