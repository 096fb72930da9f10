// The analyzers that run, per dialect, in order. One line each.
#include "engine/lint/analyzers/analyzers.h"
#include "engine/lint/lint.h"

namespace schemabot::lint {

std::vector<std::unique_ptr<Analyzer>> AnalyzersFor(sql::Dialect dialect) {
  std::vector<std::unique_ptr<Analyzer>> a;
  a.push_back(NewDestructive());
  a.push_back(NewDataDepend());
  a.push_back(NewCondrop());
  a.push_back(NewIncompatible());
  if (dialect == sql::Dialect::kPostgres) {
    a.push_back(NewConcurrentIndex());
    a.push_back(NewBlocking());
  }
  if (dialect == sql::Dialect::kMySQL) {
    a.push_back(NewMySQL());
    a.push_back(NewMySQLEnum());
  }
  a.push_back(NewNaming());
  a.push_back(NewTransactions());
  return a;
}

}  // namespace schemabot::lint
