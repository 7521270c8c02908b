//! The syntax tree of the CQL the emulator executes.
//!
//! Identifiers are already normalised by the parser: unquoted names are lower-cased,
//! double-quoted names are kept exactly (with `""` unescaped). Function names are lower-cased.

/// `keyspace.name` or just `name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QualifiedName {
    /// Keyspace, if written.
    pub keyspace: Option<String>,
    /// Table, type or index name.
    pub name: String,
}

/// A parsed statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `SELECT`.
    Select(Select),
    /// `INSERT`.
    Insert(Insert),
    /// `UPDATE`.
    Update(Update),
    /// `DELETE`.
    Delete(Delete),
    /// `BEGIN ... BATCH ... APPLY BATCH`.
    Batch(Batch),
    /// `USE ks`.
    Use(String),
    /// `TRUNCATE [TABLE] t`.
    Truncate(QualifiedName),
    /// `CREATE KEYSPACE`.
    CreateKeyspace(CreateKeyspace),
    /// `ALTER KEYSPACE`.
    AlterKeyspace(AlterKeyspace),
    /// `DROP KEYSPACE [IF EXISTS] ks`.
    DropKeyspace {
        /// Keyspace.
        name: String,
        /// `IF EXISTS`.
        if_exists: bool,
    },
    /// `CREATE TABLE` (or `COLUMNFAMILY`).
    CreateTable(CreateTable),
    /// `ALTER TABLE`.
    AlterTable(AlterTable),
    /// `DROP TABLE [IF EXISTS] t`.
    DropTable {
        /// Table.
        name: QualifiedName,
        /// `IF EXISTS`.
        if_exists: bool,
    },
    /// `CREATE TYPE`.
    CreateType(CreateType),
    /// `ALTER TYPE`.
    AlterType(AlterType),
    /// `DROP TYPE [IF EXISTS] t`.
    DropType {
        /// Type.
        name: QualifiedName,
        /// `IF EXISTS`.
        if_exists: bool,
    },
    /// `CREATE [CUSTOM] INDEX`.
    CreateIndex(CreateIndex),
    /// `DROP INDEX [IF EXISTS] [ks.]name`.
    DropIndex {
        /// Index.
        name: QualifiedName,
        /// `IF EXISTS`.
        if_exists: bool,
    },
    /// A statement the grammar knows but the emulator does not execute
    /// (materialized views, functions, aggregates, roles, permissions, triggers).
    /// The string is the statement kind, e.g. `"CREATE MATERIALIZED VIEW"`.
    Unsupported(String),
}

/// A CQL type as written in DDL or a cast.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CqlType {
    /// A native type.
    Native(NativeType),
    /// `list<T>`.
    List(Box<CqlType>),
    /// `set<T>`.
    Set(Box<CqlType>),
    /// `map<K, V>`.
    Map(Box<CqlType>, Box<CqlType>),
    /// `tuple<...>` (always frozen in Cassandra).
    Tuple(Vec<CqlType>),
    /// `frozen<T>`.
    Frozen(Box<CqlType>),
    /// A user-defined type by name.
    UserType(QualifiedName),
    /// `vector<T, n>`.
    Vector(Box<CqlType>, u32),
    /// A custom type given as a string (`'org.apache...'`).
    Custom(String),
}

/// Native (non-parameterised) types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NativeType {
    /// ascii
    Ascii,
    /// bigint
    BigInt,
    /// blob
    Blob,
    /// boolean
    Boolean,
    /// counter
    Counter,
    /// date
    Date,
    /// decimal
    Decimal,
    /// double
    Double,
    /// duration
    Duration,
    /// float
    Float,
    /// inet
    Inet,
    /// int
    Int,
    /// smallint
    SmallInt,
    /// text / varchar
    Text,
    /// time
    Time,
    /// timestamp
    Timestamp,
    /// timeuuid
    Timeuuid,
    /// tinyint
    TinyInt,
    /// uuid
    Uuid,
    /// varint
    Varint,
}

/// A constant as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer literal, as written (may be negative, may exceed 64 bits).
    Integer(String),
    /// A float literal as written (`1.5`, `-2e10`, `NaN`, `Infinity`, `-Infinity`).
    Float(String),
    /// A string literal, unescaped (`'it''s'` → `it's`, `$$...$$` too).
    String(String),
    /// `0x...` blob literal: its bytes, and its text as written (`0XCAfe`), which Cassandra
    /// keeps (`Constants.Literal.getRawText`) for error messages and selection column names.
    Blob(Vec<u8>, String),
    /// A `0x...` literal with an odd number of hex digits, kept as written (prefix included).
    /// Cassandra's grammar accepts it; binding it to a column fails
    /// (`cannot parse '123' as hex bytes`), so the digits must survive until then.
    OddHexBlob(String),
    /// An unquoted UUID literal.
    Uuid(uuid::Uuid),
    /// A duration literal as written (`1h30m`, `P1Y2M`, `-3d`).
    Duration(String),
}

impl Literal {
    /// The constant as written, as Cassandra's `Constants.Literal.getRawText` keeps it (a
    /// string unescaped and unquoted): what messages show between parentheses and what a
    /// string-valued property stores.
    pub(crate) fn raw_text(&self) -> String {
        match self {
            Literal::Null => "null".to_owned(),
            Literal::Bool(b) => b.to_string(),
            Literal::Integer(s) | Literal::Float(s) | Literal::String(s) | Literal::Duration(s) => {
                s.clone()
            }
            Literal::Blob(_, text) | Literal::OddHexBlob(text) => text.clone(),
            Literal::Uuid(u) => u.to_string(),
        }
    }
}

/// A bind marker (`?` or `:name`). Markers are numbered in order of appearance in the
/// statement, starting at 0; a named marker also carries its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BindMarker {
    /// Position among all bind markers of the statement.
    pub index: usize,
    /// Name for `:name` markers.
    pub name: Option<String>,
}

/// A value expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A constant.
    Literal(Literal),
    /// A bind marker.
    Bind(BindMarker),
    /// `[a, b]`.
    List(Vec<Term>),
    /// `{a, b}`.
    Set(Vec<Term>),
    /// `{k: v, ...}` (an empty `{}` parses as an empty map; the engine coerces it).
    Map(Vec<(Term, Term)>),
    /// `(a, b)` tuple literal (also used for multi-column relation values).
    Tuple(Vec<Term>),
    /// `{field: value, ...}` UDT literal (field names are identifiers).
    Udt(Vec<(String, Term)>),
    /// A function call, e.g. `now()`, `uuid()`, `toTimestamp(now())`, `blobAsInt(0x)`,
    /// `token(a, b)`.
    ///
    /// Arithmetic (`a + b`, `now() - 2d`, `2 * ?`) is a call of Cassandra's internal operator
    /// functions with two arguments, as in Cassandra itself: `_add`, `_substract`, `_multiply`,
    /// `_divide`, `_modulo`.
    Function {
        /// Lower-cased function name (keyspace prefix dropped for system functions).
        name: String,
        /// Arguments.
        args: Vec<Term>,
    },
    /// `(type) term`.
    Cast(CqlType, Box<Term>),
    /// `-term` for a non-literal operand (literals carry their own sign).
    Negate(Box<Term>),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `CONTAINS`
    Contains,
    /// `CONTAINS KEY`
    ContainsKey,
    /// `LIKE`
    Like,
}

/// A `WHERE` relation.
#[derive(Debug, Clone, PartialEq)]
pub enum Relation {
    /// `col op term`.
    Simple {
        /// Column.
        column: String,
        /// Operator.
        op: Operator,
        /// Value.
        value: Term,
    },
    /// `col IN (a, b)` or `col IN ?`.
    In {
        /// Column.
        column: String,
        /// Values.
        values: InValues,
    },
    /// `(a, b) op (x, y)` or `(a, b) op ?`.
    MultiColumn {
        /// Columns.
        columns: Vec<String>,
        /// Operator (Eq or a slice).
        op: Operator,
        /// A tuple term or a bind marker.
        value: Term,
    },
    /// `(a, b) IN ((x, y), (z, w))` or `(a, b) IN ?`.
    MultiColumnIn {
        /// Columns.
        columns: Vec<String>,
        /// Values.
        values: InValues,
    },
    /// `token(a, b) op term`.
    Token {
        /// Partition key columns, in the order written.
        columns: Vec<String>,
        /// Operator.
        op: Operator,
        /// A `token(...)` function term, a literal or a bind marker.
        value: Term,
    },
    /// `m[key] op term` (map entry restriction, for indexes on entries).
    MapEntry {
        /// Map column.
        column: String,
        /// Key.
        key: Term,
        /// Operator.
        op: Operator,
        /// Value.
        value: Term,
    },
    /// `col IS NOT NULL`.
    IsNotNull {
        /// Column.
        column: String,
    },
}

/// The right-hand side of an `IN`.
#[derive(Debug, Clone, PartialEq)]
pub enum InValues {
    /// `IN (a, b, ...)`.
    List(Vec<Term>),
    /// `IN ?` (a bound list).
    Bind(BindMarker),
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Order {
    /// ASC.
    Asc,
    /// DESC.
    Desc,
}

/// `SELECT`.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// Table.
    pub table: QualifiedName,
    /// `SELECT JSON`.
    pub json: bool,
    /// `SELECT DISTINCT`.
    pub distinct: bool,
    /// What to return.
    pub selection: Selection,
    /// `WHERE` relations (ANDed).
    pub where_clause: Vec<Relation>,
    /// `GROUP BY` columns.
    pub group_by: Vec<String>,
    /// `ORDER BY` on columns.
    pub order_by: Vec<(String, Order)>,
    /// `ORDER BY col ANN OF term` orderings (Cassandra 5.0 vector search), kept apart from
    /// the column orderings: the engine refuses any mix of the two with Cassandra's messages.
    pub ann_order: Vec<AnnOrder>,
    /// `PER PARTITION LIMIT`.
    pub per_partition_limit: Option<Term>,
    /// `LIMIT`.
    pub limit: Option<Term>,
    /// `ALLOW FILTERING`.
    pub allow_filtering: bool,
}

/// `ORDER BY col ANN OF term [ASC|DESC]`.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnOrder {
    /// The vector column.
    pub column: String,
    /// The query vector: a literal or a bind marker.
    pub vector: Term,
    /// The direction written (only ASC is valid).
    pub order: Order,
}

/// The selection clause.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// `*`.
    Wildcard,
    /// Explicit selectors.
    Selectors(Vec<Selector>),
}

/// One selector with its optional alias.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    /// Expression.
    pub expr: SelectorExpr,
    /// `AS alias`.
    pub alias: Option<String>,
}

/// A selector expression.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectorExpr {
    /// A column.
    Column(String),
    /// `COUNT(*)` / `COUNT(1)`.
    CountStar,
    /// `WRITETIME(col)`.
    WriteTime(String),
    /// `TTL(col)`.
    Ttl(String),
    /// A function or aggregate call: `min(x)`, `max(x)`, `sum(x)`, `avg(x)`, `count(x)`,
    /// `token(a, b)`, `toJson(x)`, `blobAsText(x)`...
    ///
    /// Arithmetic on selectors uses Cassandra's operator functions as for [`Term::Function`]
    /// (`_add`, `_substract`, `_multiply`, `_divide`, `_modulo`), and `_negate` for `-x`.
    Function {
        /// Lower-cased name.
        name: String,
        /// Arguments.
        args: Vec<SelectorExpr>,
    },
    /// `CAST(x AS type)`.
    Cast(Box<SelectorExpr>, CqlType),
    /// `udt_col.field`.
    Field(Box<SelectorExpr>, String),
    /// A constant or bind marker used as a selector.
    Term(Term),
    /// `m[key]`: one element of a map or set.
    Element(Box<SelectorExpr>, Term),
    /// `m[from..to]` (either bound may be left out): a slice of a map or set.
    Slice(Box<SelectorExpr>, Option<Term>, Option<Term>),
}

/// `USING TTL ... AND TIMESTAMP ...`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Using {
    /// `TTL`.
    pub ttl: Option<Term>,
    /// `TIMESTAMP`.
    pub timestamp: Option<Term>,
}

/// `INSERT`.
#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    /// Table.
    pub table: QualifiedName,
    /// Columns (empty for `INSERT JSON`).
    pub columns: Vec<String>,
    /// Values, one per column.
    pub values: Vec<Term>,
    /// `INSERT JSON 'term'` with `DEFAULT UNSET` (false) or `DEFAULT NULL` (true).
    pub json: Option<(Term, bool)>,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// `USING`.
    pub using: Using,
}

/// One `SET` assignment of an `UPDATE`.
#[derive(Debug, Clone, PartialEq)]
pub enum Assignment {
    /// `c = term`.
    Set {
        /// Column.
        column: String,
        /// Value.
        value: Term,
    },
    /// `c[key] = term` (list index or map key).
    SetElement {
        /// Column.
        column: String,
        /// Index or key.
        key: Term,
        /// Value.
        value: Term,
    },
    /// `c.field = term` (non-frozen UDT field).
    SetField {
        /// Column.
        column: String,
        /// Field.
        field: String,
        /// Value.
        value: Term,
    },
    /// `c = c + term` (counter increment, list append, set add, map put).
    Add {
        /// Column.
        column: String,
        /// Operand.
        value: Term,
    },
    /// `c = term + c` (list prepend).
    Prepend {
        /// Column.
        column: String,
        /// Operand.
        value: Term,
    },
    /// `c = c - term` (counter decrement, list/set element removal, map key removal).
    Remove {
        /// Column.
        column: String,
        /// Operand.
        value: Term,
    },
}

/// An `IF` clause of UPDATE/DELETE.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `IF EXISTS`.
    Exists,
    /// `IF a = 1 AND b[0] > 2 AND c.f IN (1, 2) ...`.
    Columns(Vec<ColumnCondition>),
}

/// One column condition of an `IF`.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnCondition {
    /// Column.
    pub column: String,
    /// `c[key]` element access.
    pub element: Option<Term>,
    /// `c.field` UDT field access.
    pub field: Option<String>,
    /// Operator (Eq, Ne, Lt, Le, Gt, Ge, Contains, ContainsKey) or `IN` via [`ConditionValue::In`].
    pub op: Operator,
    /// Value.
    pub value: ConditionValue,
}

/// The right-hand side of a column condition.
#[derive(Debug, Clone, PartialEq)]
pub enum ConditionValue {
    /// A single term.
    Term(Term),
    /// `IN (...)` / `IN ?`.
    In(InValues),
}

/// `UPDATE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    /// Table.
    pub table: QualifiedName,
    /// `USING`.
    pub using: Using,
    /// `SET`.
    pub assignments: Vec<Assignment>,
    /// `WHERE`.
    pub where_clause: Vec<Relation>,
    /// `IF`.
    pub condition: Option<Condition>,
}

/// What a `DELETE` removes.
#[derive(Debug, Clone, PartialEq)]
pub enum DeleteTarget {
    /// A whole column.
    Column(String),
    /// `c[key]`: a list element or map entry.
    Element {
        /// Column.
        column: String,
        /// Index or key.
        key: Term,
    },
    /// `c.field`.
    Field {
        /// Column.
        column: String,
        /// Field.
        field: String,
    },
}

/// `DELETE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    /// Table.
    pub table: QualifiedName,
    /// Targets; empty deletes whole rows.
    pub targets: Vec<DeleteTarget>,
    /// `USING TIMESTAMP`.
    pub timestamp: Option<Term>,
    /// `WHERE`.
    pub where_clause: Vec<Relation>,
    /// `IF`.
    pub condition: Option<Condition>,
}

/// Batch kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BatchKind {
    /// `BEGIN BATCH`.
    Logged,
    /// `BEGIN UNLOGGED BATCH`.
    Unlogged,
    /// `BEGIN COUNTER BATCH`.
    Counter,
}

/// A statement inside a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchChild {
    /// INSERT.
    Insert(Insert),
    /// UPDATE.
    Update(Update),
    /// DELETE.
    Delete(Delete),
}

/// `BEGIN BATCH ... APPLY BATCH`.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Kind.
    pub kind: BatchKind,
    /// `USING TIMESTAMP` of the batch.
    pub using: Using,
    /// Statements.
    pub statements: Vec<BatchChild>,
}

/// The value of a `WITH name = value` option.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    /// A constant (`'text'`, `10`, `0.1`, `true`).
    Literal(Literal),
    /// A bare identifier.
    Identifier(String),
    /// A map literal of constants (`{'class': 'SimpleStrategy', 'replication_factor': 1}`).
    Map(Vec<(Literal, Literal)>),
}

/// `CREATE KEYSPACE`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateKeyspace {
    /// Name.
    pub name: String,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// `WITH` options (`replication`, `durable_writes`), names lower-cased.
    pub options: Vec<(String, OptionValue)>,
}

/// `ALTER KEYSPACE`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterKeyspace {
    /// Name.
    pub name: String,
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// `WITH` options.
    pub options: Vec<(String, OptionValue)>,
}

/// A column definition.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    /// Name.
    pub name: String,
    /// Type.
    pub typ: CqlType,
    /// `STATIC`.
    pub is_static: bool,
    /// Inline `PRIMARY KEY`.
    pub primary_key: bool,
}

/// `CREATE TABLE`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateTable {
    /// Name.
    pub name: QualifiedName,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// Columns in the order written.
    pub columns: Vec<ColumnDef>,
    /// Partition key columns (from `PRIMARY KEY ((a, b), c)` or inline).
    pub partition_key: Vec<String>,
    /// Clustering columns.
    pub clustering: Vec<String>,
    /// `WITH CLUSTERING ORDER BY (...)`.
    pub clustering_order: Vec<(String, Order)>,
    /// `WITH COMPACT STORAGE`.
    pub compact_storage: bool,
    /// Other `WITH` options, names lower-cased.
    pub options: Vec<(String, OptionValue)>,
}

/// `ALTER TABLE` operations.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterTableOp {
    /// `ADD [IF NOT EXISTS] c type [, ...]`.
    Add(Vec<ColumnDef>),
    /// `DROP c [, ...]`.
    Drop(Vec<String>),
    /// `RENAME a TO b [AND ...]`.
    Rename(Vec<(String, String)>),
    /// `ALTER c TYPE t`.
    AlterType(String, CqlType),
    /// `WITH ...`.
    Options(Vec<(String, OptionValue)>),
}

/// `ALTER TABLE`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterTable {
    /// Table.
    pub name: QualifiedName,
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// Operation.
    pub op: AlterTableOp,
}

/// `CREATE TYPE`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateType {
    /// Name.
    pub name: QualifiedName,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// Fields in order.
    pub fields: Vec<(String, CqlType)>,
}

/// `ALTER TYPE` operations.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterTypeOp {
    /// `ADD f type`.
    Add(String, CqlType),
    /// `RENAME a TO b [AND ...]`.
    Rename(Vec<(String, String)>),
}

/// `ALTER TYPE`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterType {
    /// Type.
    pub name: QualifiedName,
    /// Operation.
    pub op: AlterTypeOp,
}

/// What an index covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexTarget {
    /// `(c)`: the column (values of a collection).
    Column(String),
    /// `(KEYS(c))`.
    Keys(String),
    /// `(VALUES(c))`.
    Values(String),
    /// `(ENTRIES(c))`.
    Entries(String),
    /// `(FULL(c))`.
    Full(String),
}

/// `CREATE [CUSTOM] INDEX`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateIndex {
    /// Index name, if given.
    pub name: Option<String>,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// Table.
    pub table: QualifiedName,
    /// Target.
    pub target: IndexTarget,
    /// `USING 'class'` for custom indexes.
    pub custom_class: Option<String>,
    /// `WITH OPTIONS = {...}`.
    pub options: Vec<(Literal, Literal)>,
}
