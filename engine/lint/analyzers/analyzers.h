// Factories for the built-in analyzers, one per file in this folder. The registry
// (engine/lint/registry.cc) lists which run for which dialect, in order.
#pragma once

#include <memory>

#include "engine/lint/analyzer.h"

namespace schemabot::lint {

std::unique_ptr<Analyzer> NewDestructive();      // DS101-DS103
std::unique_ptr<Analyzer> NewDataDepend();       // MF101-MF104
std::unique_ptr<Analyzer> NewIncompatible();     // BC101-BC102
std::unique_ptr<Analyzer> NewCondrop();          // CD101
std::unique_ptr<Analyzer> NewConcurrentIndex();  // PG101-PG105
std::unique_ptr<Analyzer> NewBlocking();         // PG301-PG306
std::unique_ptr<Analyzer> NewMySQL();            // MY101-MY102
std::unique_ptr<Analyzer> NewMySQLEnum();        // MY110-MY113, MY120-MY123
std::unique_ptr<Analyzer> NewNaming();           // NM101-NM106
std::unique_ptr<Analyzer> NewTransactions();     // SB108

// Shared helpers for analyzer files.
// The table name of a table-level change (schema::Change::name for tables).
std::string_view TableOf(const schema::Change& c);
const schema::Table* FindTable(const schema::Realm* realm, std::string_view schema,
                               std::string_view table);
// A validated CHECK that says `column IS NOT NULL` (it guarantees no NULLs, and lets
// PostgreSQL 12+ skip the SET NOT NULL scan).
bool HasNotNullCheck(const schema::Table& table, std::string_view column);
// For an AddColumn change on a table that existed before the file: the new column when it
// is NOT NULL with no default, no identity and no generation expression, else nullptr.
const schema::Column* AddedNotNullWithoutDefault(const Pass& pass, const StatementChange& sc,
                                                 const schema::Change& c);

}  // namespace schemabot::lint
