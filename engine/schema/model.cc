// Model lookups, the inspection dispatcher and the builder the inspectors share.
#include <algorithm>
#include <cctype>
#include <set>

#include "engine/schema/inspect_internal.h"
#include "engine/schema/schema.h"

namespace schemabot::schema {

template <typename T>
static const T* FindByName(const std::vector<T>& v, std::string_view name) {
  for (const auto& x : v) {
    if (x.name == name) return &x;
  }
  return nullptr;
}

const Column* Table::FindColumn(std::string_view n) const { return FindByName(columns, n); }
const Index* Table::FindIndex(std::string_view n) const { return FindByName(indexes, n); }
const Table* Schema::FindTable(std::string_view n) const { return FindByName(tables, n); }
const Schema* Realm::FindSchema(std::string_view n) const { return FindByName(schemas, n); }

const Table* Realm::FindTable(std::string_view schema, std::string_view table) const {
  const Schema* s = FindSchema(schema);
  return s ? s->FindTable(table) : nullptr;
}

size_t Realm::TableCount() const {
  size_t n = 0;
  for (const auto& s : schemas) n += s.tables.size();
  return n;
}

Result<Realm> Inspect(devdb::Driver& driver, const InspectOptions& options) {
  if (driver.version().flavor == devdb::Flavor::kPostgres) return InspectPostgres(driver, options);
  return InspectMySQL(driver, options);
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<Realm> InspectChanged(devdb::Driver& driver, const Realm& before,
                             const std::vector<std::string>& tables,
                             const InspectOptions& options) {
  const bool pg = driver.version().flavor == devdb::Flavor::kPostgres;
  SB_TRY_ASSIGN(TableNames names,
                pg ? ListTablesPostgres(driver, options) : ListTablesMySQL(driver, options));
  std::sort(names.begin(), names.end());
  std::set<std::string> wanted;
  for (const auto& t : tables) wanted.insert(Lower(t));
  std::set<std::string> only;  // exact names to read again: the named ones and new ones
  for (const auto& [schema, table] : names) {
    if (!before.FindTable(schema, table) || wanted.count(Lower(table))) only.insert(table);
  }
  std::vector<std::string> list(only.begin(), only.end());
  SB_TRY_ASSIGN(Realm part, pg ? InspectPostgres(driver, options, &list)
                               : InspectMySQL(driver, options, &list));
  Realm out;
  out.schemas.reserve(part.schemas.size());
  auto next = names.begin();
  for (Schema& ps : part.schemas) {
    Schema s;
    s.name = std::move(ps.name);
    s.views = std::move(ps.views);
    s.sequences = std::move(ps.sequences);
    s.enums = std::move(ps.enums);
    s.collation = std::move(ps.collation);
    // Tables of schemas before this one cannot exist: the schema list is complete.
    while (next != names.end() && next->first < s.name) ++next;
    const Schema* bs = before.FindSchema(s.name);
    auto pt = ps.tables.begin();
    for (; next != names.end() && next->first == s.name; ++next) {
      const std::string& name = next->second;
      while (pt != ps.tables.end() && pt->name < name) ++pt;
      if (pt != ps.tables.end() && pt->name == name) {
        s.tables.push_back(std::move(*pt));
      } else if (const Table* bt = bs ? bs->FindTable(name) : nullptr) {
        s.tables.push_back(*bt);
      } else {  // created after its name was listed: read it again next time
        s.tables.push_back(Table{.name = name});
      }
    }
    out.schemas.push_back(std::move(s));
  }
  return out;
}

Schema& RealmBuilder::GetSchema(const std::string& name) {
  Entry& e = schemas_[name];
  e.schema.name = name;
  return e.schema;
}

Table& RealmBuilder::GetTable(const std::string& schema, const std::string& table) {
  Entry& e = schemas_[schema];
  e.schema.name = schema;
  Table& t = e.tables[table];
  t.name = table;
  return t;
}

Realm RealmBuilder::Finish() {
  Realm realm;
  realm.schemas.reserve(schemas_.size());
  for (auto& [name, e] : schemas_) {
    Schema s = std::move(e.schema);
    s.tables.reserve(e.tables.size());
    for (auto& [tname, t] : e.tables) {
      std::sort(t.indexes.begin(), t.indexes.end(),
                [](const Index& a, const Index& b) { return a.name < b.name; });
      s.tables.push_back(std::move(t));
    }
    realm.schemas.push_back(std::move(s));
  }
  schemas_.clear();
  return realm;
}

std::string Unquote(const std::string& ident) {
  if (ident.size() < 2 || ident.front() != '"' || ident.back() != '"') return ident;
  std::string out;
  for (size_t i = 1; i + 1 < ident.size(); ++i) {
    out += ident[i];
    if (ident[i] == '"' && ident[i + 1] == '"') ++i;
  }
  return out;
}

}  // namespace schemabot::schema
