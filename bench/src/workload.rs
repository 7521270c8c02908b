//! The benchmark's schema, statements, canned result data and the workload/setting matrix.
//!
//! Every client prepares the same statements and the responder answers them from the same
//! definitions, so what is sent and decoded is identical across clients.

use std::fmt;

use cassia_protocol::types::ColumnType as T;
use cassia_protocol::value::{CqlTimestamp, CqlValue as V};

use crate::responder::body::Col;

/// Keyspace of every benchmark table.
pub(crate) const KS: &str = "bench";
/// Single-row insert: bigint key, two bigint values.
pub(crate) const INSERT_KV: &str = "INSERT INTO bench.kv (k, v1, v2) VALUES (?, ?, ?)";
/// Single-row select by key.
pub(crate) const SELECT_KV: &str = "SELECT v1, v2 FROM bench.kv WHERE k = ?";
/// One 1,000-row page of five mixed-type columns.
pub(crate) const SELECT_PAGE: &str = "SELECT k, name, score, ts, id FROM bench.page WHERE p = ?";
/// Blob insert.
pub(crate) const INSERT_BLOB: &str = "INSERT INTO bench.blobs (k, b) VALUES (?, ?)";
/// Rows in the page workload's result.
pub(crate) const PAGE_ROWS: usize = 1000;
/// Statements in the batch workload.
pub(crate) const BATCH_SIZE: usize = 100;

/// A statement the responder knows how to prepare and answer.
#[derive(Debug, Clone)]
pub(crate) struct Statement {
    /// CQL text (what clients PREPARE).
    pub(crate) text: &'static str,
    /// Table.
    pub(crate) table: &'static str,
    /// Bind markers.
    pub(crate) binds: Vec<Col>,
    /// Partition key bind indexes.
    pub(crate) pk: Vec<u16>,
    /// Result columns (empty for writes).
    pub(crate) result: Vec<Col>,
    /// Rows returned on EXECUTE.
    pub(crate) rows: Vec<Vec<Option<V>>>,
}

fn col(name: &str, typ: T) -> Col {
    (name.to_string(), typ)
}

/// All benchmark statements.
pub(crate) fn statements() -> Vec<Statement> {
    vec![
        Statement {
            text: INSERT_KV,
            table: "kv",
            binds: vec![
                col("k", T::BigInt),
                col("v1", T::BigInt),
                col("v2", T::BigInt),
            ],
            pk: vec![0],
            result: Vec::new(),
            rows: Vec::new(),
        },
        Statement {
            text: SELECT_KV,
            table: "kv",
            binds: vec![col("k", T::BigInt)],
            pk: vec![0],
            result: vec![col("v1", T::BigInt), col("v2", T::BigInt)],
            rows: vec![vec![Some(V::BigInt(42)), Some(V::BigInt(-7))]],
        },
        Statement {
            text: SELECT_PAGE,
            table: "page",
            binds: vec![col("p", T::BigInt)],
            pk: vec![0],
            result: vec![
                col("k", T::BigInt),
                col("name", T::Text),
                col("score", T::Double),
                col("ts", T::Timestamp),
                col("id", T::Uuid),
            ],
            rows: page_rows(),
        },
        Statement {
            text: INSERT_BLOB,
            table: "blobs",
            binds: vec![col("k", T::BigInt), col("b", T::Blob)],
            pk: vec![0],
            result: Vec::new(),
            rows: Vec::new(),
        },
    ]
}

fn page_rows() -> Vec<Vec<Option<V>>> {
    (0..PAGE_ROWS as i64)
        .map(|i| {
            vec![
                Some(V::BigInt(i)),
                Some(V::Text(format!("name-{i:06}"))),
                Some(V::Double(i as f64 * 1.5)),
                Some(V::Timestamp(CqlTimestamp(1_700_000_000_000 + i))),
                Some(V::Uuid(uuid::Uuid::from_u128(
                    0x5eed_0000_0000_4000_8000_0000_0000_0000 + i as u128,
                ))),
            ]
        })
        .collect()
}

/// What a trial does per operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Workload {
    /// Prepared single-row INSERT.
    Insert,
    /// Prepared SELECT by key, typed decode of (bigint, bigint).
    Select,
    /// Prepared SELECT returning a 1,000-row page, typed decode of every row.
    Page,
    /// Unlogged batch of 100 prepared inserts.
    Batch,
    /// 16 KiB blob insert.
    Blob16k,
    /// 256 KiB blob insert (spans v5 segments).
    Blob256k,
}

impl Workload {
    /// Every workload, in report order.
    pub(crate) const ALL: [Workload; 6] = [
        Workload::Insert,
        Workload::Select,
        Workload::Page,
        Workload::Batch,
        Workload::Blob16k,
        Workload::Blob256k,
    ];

    /// Command-line and report name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Workload::Insert => "insert",
            Workload::Select => "select",
            Workload::Page => "page1000",
            Workload::Batch => "batch100",
            Workload::Blob16k => "blob16k",
            Workload::Blob256k => "blob256k",
        }
    }

    /// Parses [`Workload::name`].
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Workload::ALL.into_iter().find(|w| w.name() == s)
    }

    /// Rows written or read per operation (for ns/row).
    pub(crate) fn rows_per_op(self) -> u64 {
        match self {
            Workload::Page => PAGE_ROWS as u64,
            Workload::Batch => BATCH_SIZE as u64,
            _ => 1,
        }
    }

    /// Blob size for the blob workloads.
    pub(crate) fn blob_len(self) -> usize {
        match self {
            Workload::Blob16k => 16 * 1024,
            Workload::Blob256k => 256 * 1024,
            _ => 0,
        }
    }

    /// Requests in flight measured in the full matrix.
    pub(crate) fn inflight_levels(self) -> &'static [usize] {
        match self {
            Workload::Insert | Workload::Select => &[1, 64, 1024],
            Workload::Page | Workload::Batch | Workload::Blob16k | Workload::Blob256k => &[16],
        }
    }
}

/// Protocol version and compression of a trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Setting {
    /// 4 or 5.
    pub(crate) version: u8,
    /// LZ4 on.
    pub(crate) lz4: bool,
}

impl Setting {
    /// The four settings of the full matrix.
    pub(crate) const ALL: [Setting; 4] = [
        Setting {
            version: 4,
            lz4: false,
        },
        Setting {
            version: 4,
            lz4: true,
        },
        Setting {
            version: 5,
            lz4: false,
        },
        Setting {
            version: 5,
            lz4: true,
        },
    ];
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "v{} {}",
            self.version,
            if self.lz4 { "lz4" } else { "plain" }
        )
    }
}

/// One cell of the matrix: a workload at a concurrency under a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Case {
    /// Workload.
    pub(crate) workload: Workload,
    /// Requests in flight.
    pub(crate) inflight: usize,
    /// Protocol setting.
    pub(crate) setting: Setting,
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}@{} {}",
            self.workload.name(),
            self.inflight,
            self.setting
        )
    }
}
