// Internal to engine/schema: the per-engine inspectors behind Inspect() and the builder
// they share. Not a public header.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/schema/schema.h"

namespace schemabot::schema {

// `only`: when set, the per-table queries (tables, columns, indexes, foreign keys, checks)
// cover only the tables of these exact names (PostgreSQL: with their partitions and
// inheritance children); schemas, views, sequences and enum types are read whole.
Result<Realm> InspectPostgres(devdb::Driver& driver, const InspectOptions& options,
                              const std::vector<std::string>* only = nullptr);
Result<Realm> InspectMySQL(devdb::Driver& driver, const InspectOptions& options,
                           const std::vector<std::string>* only = nullptr);

// Every table's (schema, name), in any order: one cheap catalog query.
using TableNames = std::vector<std::pair<std::string, std::string>>;
Result<TableNames> ListTablesPostgres(devdb::Driver& driver, const InspectOptions& options);
Result<TableNames> ListTablesMySQL(devdb::Driver& driver, const InspectOptions& options);

// Collects schemas and tables by name while catalog rows arrive in any order; Finish()
// returns them sorted, with each table's indexes sorted by name.
class RealmBuilder {
 public:
  Schema& GetSchema(const std::string& name);
  // The table, created (with its schema) on first use. References stay valid.
  Table& GetTable(const std::string& schema, const std::string& table);
  Realm Finish();

 private:
  struct Entry {
    Schema schema;
    std::map<std::string, Table> tables;
  };
  std::map<std::string, Entry> schemas_;
};

// "\"a\"\"b\"" -> "a\"b"; anything else is returned as is.
std::string Unquote(const std::string& ident);

}  // namespace schemabot::schema
