// The schema model, inspection of a live dev-database into it, and the diff of two
// inspected states into Changes.
//
// The lint engine inspects the dev database before and after each statement and asks
// Diff() what the statement did. Values are plain copies; names compare exactly (the
// server has already folded identifier case). Types, defaults and expressions are kept
// as the server prints them (pg_catalog.format_type / pg_get_expr, MySQL COLUMN_TYPE /
// COLUMN_DEFAULT), so two inspections of the same server compare reliably; they are
// not normalised across servers.
//
//   SB_TRY_ASSIGN(Realm before, Inspect(driver));
//   SB_TRY(driver.Exec(stmt));
//   SB_TRY_ASSIGN(Realm after, Inspect(driver));
//   Changes changes = Diff(before, after, {.statement = stmt});
//
// InspectChanged(driver, before, {"users"}) reads again only the named tables (and lists
// every table's name) for the state after a statement that touched just those.
//
// Thread-safety: the model and Diff are plain values and pure functions. Inspect uses
// the Driver, so it has the Driver's single-thread rule.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/devdb/devdb.h"

namespace schemabot::schema {

struct Column {
  std::string name;
  std::string type;  // "character varying(255)", "int(11)", "enum('a','b')"
  bool nullable = true;
  std::optional<std::string> default_value;  // expression text as the server prints it
  std::string generated;                     // generation expression, "" if none
  bool generated_stored = false;             // STORED (vs VIRTUAL)
  std::string identity;   // PG: "always" / "by default"; MySQL: "auto_increment"; ""
  std::string collation;  // only when it differs from the type's / table's default
  std::string comment;
  std::vector<std::string> enum_values;  // MySQL enum(...) / set(...) members, in order
  bool is_set = false;                   // MySQL set(...) rather than enum(...)

  bool operator==(const Column&) const = default;
};

struct IndexPart {
  std::string column;  // empty for an expression part
  std::string expr;    // the expression (PG pg_get_indexdef column, MySQL 8 EXPRESSION)
  bool desc = false;
  int prefix = 0;  // MySQL prefix length (SUB_PART), 0 = whole column

  bool operator==(const IndexPart&) const = default;
};

struct Index {
  std::string name;
  bool unique = false;
  bool primary = false;
  bool constraint = false;  // backs a UNIQUE / PRIMARY KEY constraint (PG)
  std::vector<IndexPart> parts;
  std::vector<std::string> include;  // PG INCLUDE columns
  std::string predicate;             // partial index WHERE, "" if none
  std::string method;                // "btree", "gin", "hash", "BTREE", "FULLTEXT" ...

  bool operator==(const Index&) const = default;
};

struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  std::string ref_schema;
  std::string ref_table;
  std::vector<std::string> ref_columns;
  std::string on_update;  // "NO ACTION", "CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT"
  std::string on_delete;
  bool validated = true;  // PG NOT VALID → false

  bool operator==(const ForeignKey&) const = default;
};

struct Check {
  std::string name;
  std::string expr;
  bool validated = true;

  bool operator==(const Check&) const = default;
};

struct Table {
  std::string name;
  std::vector<Column> columns;  // in ordinal order
  std::optional<Index> primary_key;
  std::vector<Index> indexes;  // excluding the primary key, sorted by name
  std::vector<ForeignKey> foreign_keys;
  std::vector<Check> checks;
  std::string comment;
  bool partitioned = false;  // PG relkind 'p'

  bool operator==(const Table&) const = default;

  const Column* FindColumn(std::string_view name) const;
  const Index* FindIndex(std::string_view name) const;
};

struct View {
  std::string name;
  std::string definition;
  bool materialized = false;

  bool operator==(const View&) const = default;
};

struct Sequence {
  std::string name;
  std::string type;  // "bigint"
  int64_t start = 1;
  int64_t increment = 1;
  std::string owned_by;  // "table.column" when OWNED BY, else ""

  bool operator==(const Sequence&) const = default;
};

struct EnumType {  // PG CREATE TYPE ... AS ENUM
  std::string name;
  std::vector<std::string> values;

  bool operator==(const EnumType&) const = default;
};

struct Schema {
  std::string name;
  std::vector<Table> tables;  // sorted by name
  std::vector<View> views;
  std::vector<Sequence> sequences;
  std::vector<EnumType> enums;
  std::string collation;  // MySQL schema default collation

  bool operator==(const Schema&) const = default;

  const Table* FindTable(std::string_view name) const;
};

// Everything inspected on one connection.
struct Realm {
  std::vector<Schema> schemas;  // sorted by name
  const Schema* FindSchema(std::string_view name) const;
  const Table* FindTable(std::string_view schema, std::string_view table) const;
  size_t TableCount() const;

  // Exact equality of every inspected field (two inspections of an unchanged database
  // compare equal).
  bool operator==(const Realm&) const = default;
};

struct InspectOptions {
  // Schemas to inspect. Empty: PG every user schema (not pg_*, information_schema);
  // MySQL the connection's current database.
  std::vector<std::string> schemas;
};

// Reads the schema of the driver's database with a fixed handful of catalog queries
// (not one per table). Errors: those of Driver::Query, wrapped "inspecting ...".
Result<Realm> Inspect(devdb::Driver& driver, const InspectOptions& options = {});

// The state after a change that can only have touched some tables, without reading the
// others again: `before` is the state the change started from (as Inspect() returned
// it), `tables` the names of the tables it may have changed, compared ASCII
// case-insensitively in every inspected schema. One catalog query lists every table's
// name, so created and dropped tables are always seen (a created one is read in full);
// the named ones are read with the same queries as Inspect() filtered by name (on
// PostgreSQL with their partitions and inheritance children); schemas, views, sequences
// and enum types are read whole; every other table is copied from `before`.
// The result equals Inspect() whenever every table that exists both before and after
// and whose inspected state changed is named. Errors as Inspect().
Result<Realm> InspectChanged(devdb::Driver& driver, const Realm& before,
                             const std::vector<std::string>& tables,
                             const InspectOptions& options = {});

// ---------------------------------------------------------------------------------------
// Diff
// ---------------------------------------------------------------------------------------

enum class ChangeKind {
  kAddSchema,
  kDropSchema,
  kAddTable,
  kDropTable,
  kRenameTable,
  kModifyTable,  // primary key, comment, partitioning
  kAddColumn,
  kDropColumn,
  kRenameColumn,
  kModifyColumn,
  kAddIndex,
  kDropIndex,
  kRenameIndex,
  kModifyIndex,
  kAddForeignKey,
  kDropForeignKey,
  kModifyForeignKey,
  kAddCheck,
  kDropCheck,
  kModifyCheck,
  kAddView,
  kDropView,
  kModifyView,
  kAddSequence,
  kDropSequence,
  kModifySequence,
  kAddEnum,
  kDropEnum,
  kModifyEnum,
};
std::string_view ChangeKindName(ChangeKind kind);  // "add_table", "rename_column", ...

// What a kModify* change touched (bits may combine).
enum ChangeBit : uint32_t {
  kChangeNull = 1u << 0,         // nullability
  kChangeType = 1u << 1,         // column type
  kChangeDefault = 1u << 2,      // default value
  kChangeUnique = 1u << 3,       // index uniqueness
  kChangeGenerated = 1u << 4,    // generation expression
  kChangeIdentity = 1u << 5,     // identity / auto_increment
  kChangeCollation = 1u << 6,    //
  kChangeComment = 1u << 7,      //
  kChangeColumns = 1u << 8,      // index / FK / PK columns
  kChangePredicate = 1u << 9,    // partial index predicate
  kChangeMethod = 1u << 10,      // index method
  kChangeReference = 1u << 11,   // FK referenced table/columns
  kChangeAction = 1u << 12,      // FK ON UPDATE / ON DELETE
  kChangeExpr = 1u << 13,        // check / view / index expression
  kChangeValues = 1u << 14,      // enum / set members
  kChangeValidated = 1u << 15,   // NOT VALID → valid
  kChangePrimaryKey = 1u << 16,  // table: primary key added, dropped or changed
  kChangeAttrs = 1u << 17,       // anything else (sequence options, partitioning)
};

struct Change {
  ChangeKind kind;
  std::string schema;
  std::string table;      // for table-level objects and tables themselves
  std::string name;       // the object's (new) name: table, column, index, fk, check ...
  std::string from_name;  // renames: the old name
  uint32_t modified = 0;  // ChangeBit set, for kModify*

  bool Has(ChangeBit bit) const { return (modified & bit) != 0; }
};

using Changes = std::vector<Change>;

struct DiffOptions {
  // The statement that led from `before` to `after`. When it renames (RENAME TABLE /
  // COLUMN / INDEX, ALTER TABLE ... RENAME, MySQL CHANGE COLUMN) and both names occur
  // in it, a dropped object and an added one are reported as one rename.
  std::string_view statement;
};

// The changes from `before` to `after`, in a stable order: schemas, then per table
// (sorted) the table, its columns, indexes, foreign keys and checks, then views,
// sequences, enums. Pure; never fails.
Changes Diff(const Realm& before, const Realm& after, const DiffOptions& options = {});

// "add_column \"public\".\"users\".\"email\"", for logs and tests.
std::string ToString(const Change& change);

}  // namespace schemabot::schema
