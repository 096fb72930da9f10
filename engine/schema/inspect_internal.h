// Internal to engine/schema: the per-engine inspectors behind Inspect() and the builder
// they share. Not a public header.
#pragma once

#include <map>
#include <string>

#include "engine/schema/schema.h"

namespace schemabot::schema {

Result<Realm> InspectPostgres(devdb::Driver& driver, const InspectOptions& options);
Result<Realm> InspectMySQL(devdb::Driver& driver, const InspectOptions& options);

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
