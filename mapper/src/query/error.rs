//! [`QueryError`]: what the builders refuse before anything is sent, worded after the
//! InvalidRequest messages Cassandra 4.0 gives for the same statements.

use cassia_protocol::value::SerializeError;

/// A statement the builder will not produce.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// A value could not be serialized as its column's type.
    #[error("value for column {column} of {table}: {source}")]
    Value {
        /// Table.
        table: String,
        /// Column.
        column: String,
        /// Why.
        #[source]
        source: SerializeError,
    },
    /// `<`, `>`, ... on a partition key column.
    #[error(
        "Only EQ and IN relation are supported on the partition key (unless you use the token() function or allow filtering): {column} of {table}"
    )]
    PartitionKeyRange {
        /// Table.
        table: String,
        /// Column.
        column: String,
    },
    /// `token(...)` and the partition key columns both restricted.
    #[error(
        "Columns \"{columns}\" cannot be restricted by both a normal relation and a token relation ({table})"
    )]
    TokenAndColumns {
        /// Table.
        table: String,
        /// The partition key columns.
        columns: String,
    },
    /// Some partition key columns restricted, not all.
    #[error("Partition key parts: {missing} must be restricted as other parts are ({table})")]
    IncompletePartitionKey {
        /// Table.
        table: String,
        /// The unrestricted parts, comma-separated.
        missing: String,
    },
    /// A clustering column restricted while a preceding one is not.
    #[error(
        "PRIMARY KEY column \"{column}\" cannot be restricted as preceding column \"{preceding}\" is not restricted ({table})"
    )]
    ClusteringGap {
        /// Table.
        table: String,
        /// The restricted column.
        column: String,
        /// The unrestricted column before it.
        preceding: String,
    },
    /// A clustering column restricted after one restricted by a range.
    #[error(
        "Clustering column \"{column}\" cannot be restricted (preceding column \"{preceding}\" is restricted by a non-EQ relation) ({table})"
    )]
    ClusteringAfterRange {
        /// Table.
        table: String,
        /// The restricted column.
        column: String,
        /// The range-restricted column before it.
        preceding: String,
    },
    /// The query would scan and filter: it needs `allow_filtering()`.
    #[error(
        "Cannot execute this query as it might involve data filtering and thus may have unpredictable performance (restriction on {column} of {table}); call allow_filtering() to run it anyway"
    )]
    NeedsFiltering {
        /// Table.
        table: String,
        /// The column whose restriction needs filtering.
        column: String,
    },
    /// `IN` on a column outside the primary key.
    #[error("IN predicates on non-primary-key columns ({column}) is not yet supported ({table})")]
    InOnNonKey {
        /// Table.
        table: String,
        /// Column.
        column: String,
    },
    /// An operator that is not allowed where it is used.
    #[error("operator {operator} is not supported on {column} of {table} in a {place}")]
    UnsupportedOperator {
        /// Table.
        table: String,
        /// Column.
        column: String,
        /// Operator.
        operator: &'static str,
        /// `WHERE clause` or `IF condition`.
        place: &'static str,
    },
    /// `LIMIT` or `PER PARTITION LIMIT` below 1.
    #[error("{what} must be strictly positive, got {value} ({table})")]
    InvalidLimit {
        /// Table.
        table: String,
        /// `LIMIT` or `PER PARTITION LIMIT`.
        what: &'static str,
        /// The value given.
        value: i32,
    },
    /// `IN ()` with no values.
    #[error("IN on {column} of {table} has no values")]
    EmptyIn {
        /// Table.
        table: String,
        /// Column.
        column: String,
    },
    /// `ORDER BY` on a column that is not a clustering column.
    #[error(
        "Order by on unknown column {column}: only clustering columns of {table} can be ordered"
    )]
    OrderByNonClustering {
        /// Table.
        table: String,
        /// Column.
        column: String,
    },
    /// `ORDER BY` without the partition key restricted by `=` or `IN`.
    #[error(
        "ORDER BY is only supported when the partition key is restricted by an EQ or an IN ({table})"
    )]
    OrderByWithoutPartitionKey {
        /// Table.
        table: String,
    },
    /// `ORDER BY` mixing directions against the declared order, or out of key order.
    #[error(
        "Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY, all as declared or all reversed ({table})"
    )]
    OrderByOrder {
        /// Table.
        table: String,
    },
    /// `order_by_ann` on a column the model declares no storage-attached index on.
    #[error(
        "ANN ordering on {table}.{column} needs a storage-attached index on the column: declare it with #[cassia(index = \"sai\")]"
    )]
    AnnWithoutIndex {
        /// Table.
        table: String,
        /// Vector column.
        column: String,
    },
    /// `order_by_ann` without `limit`: Cassandra requires the number of neighbours.
    #[error("ANN ordering on {table}.{column} requires a LIMIT: add .limit(n)")]
    AnnWithoutLimit {
        /// Table.
        table: String,
        /// Vector column.
        column: String,
    },
    /// `order_by_ann` together with `order_by`.
    #[error("ANN ordering on {table} cannot be combined with other orderings")]
    AnnWithOtherOrdering {
        /// Table.
        table: String,
    },
    /// `with_similarity` without `order_by_ann`: there is no query vector to compare with.
    #[error(
        "with_similarity() on {table} needs order_by_ann(...) to compare rows with a query vector"
    )]
    SimilarityWithoutAnn {
        /// Table.
        table: String,
    },
    /// A write that must name the whole primary key does not.
    #[error("Some {part} are missing: {missing} ({table})")]
    MissingPrimaryKey {
        /// Table.
        table: String,
        /// `partition key parts` or `clustering keys`.
        part: &'static str,
        /// The missing columns, comma-separated.
        missing: String,
    },
    /// A write whose WHERE clause restricts a non-key column.
    #[error("Non PRIMARY KEY columns found in where clause: {column} ({table})")]
    NonKeyInWhere {
        /// Table.
        table: String,
        /// Column.
        column: String,
    },
    /// An UPDATE with nothing to set.
    #[error("UPDATE of {table} sets no column")]
    NothingToSet {
        /// Table.
        table: String,
    },
    /// A column both set (`c = ?`) and otherwise assigned in one UPDATE.
    #[error("Multiple incompatible setting of column {column} ({table})")]
    IncompatibleSettings {
        /// Table.
        table: String,
        /// Column.
        column: String,
    },
    /// `IN` on a key column of a conditional write.
    #[error(
        "IN on the primary key is not supported with conditional updates and deletions: {column} ({table})"
    )]
    ConditionalIn {
        /// Table.
        table: String,
        /// Column.
        column: String,
    },
    /// SET on a primary key column.
    #[error("PRIMARY KEY part {column} found in SET part ({table})")]
    SetKeyColumn {
        /// Table.
        table: String,
        /// Column.
        column: String,
    },
    /// INSERT into a counter table, or SET on a counter.
    #[error("{detail} ({table})")]
    Counter {
        /// Table.
        table: String,
        /// What is wrong.
        detail: &'static str,
    },
    /// `USING TIMESTAMP` on a conditional (LWT) write.
    #[error("Cannot provide custom timestamp for conditional updates ({table})")]
    TimestampOnConditional {
        /// Table.
        table: String,
    },
    /// IF conditions on a DELETE that does not name whole rows by equality.
    #[error(
        "DELETE statements must restrict all PRIMARY KEY columns with equality relations in order to use IF conditions ({table})"
    )]
    ConditionalRangeDelete {
        /// Table.
        table: String,
    },
    /// More bind markers than a statement can carry.
    #[error("statement on {table} has more than 65535 bound values")]
    TooManyValues {
        /// Table.
        table: String,
    },
    /// A batch mixing counter and non-counter writes, or reads in a batch.
    #[error("{0}")]
    Batch(&'static str),
}
