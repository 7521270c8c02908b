//! Cost per row of encoding and decoding a 1000-row page of
//! `(uuid, text, int, timestamp, set<text>)`, std only (no criterion).
//!
//! Run with `cargo bench -p cassia-protocol --bench rows` (`ROWS_BENCH_ITERS` sets the number
//! of pages per measurement, default 50). Measured:
//! * encode: each row's five cells through `SerializeValue` into a `RowsBuilder`, as a server
//!   (the emulator) produces a page;
//! * bind: the same row as the bound values of a statement (`SerializeRow`), as the driver does;
//! * decode typed: `typed_rows::<(Uuid, String, i32, CqlTimestamp, Vec<String>)>`;
//! * decode dynamic: every cell to `CqlValue`, and the dynamic `Row`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cassia_protocol::request::SerializedValues;
use cassia_protocol::response::{ColumnSpec, ResultMetadata, Rows, RowsBuilder};
use cassia_protocol::row::{Row, SerializeRow, typed_rows};
use cassia_protocol::types::ColumnType;
use cassia_protocol::value::{CqlTimestamp, CqlValue, SerializeValue};
use uuid::Uuid;

const ROWS: usize = 1000;

type Page = Vec<(Uuid, String, i32, CqlTimestamp, Vec<String>)>;

fn columns() -> Vec<ColumnSpec> {
    let spec = |name: &str, typ| ColumnSpec {
        keyspace: "bench".into(),
        table: "events".into(),
        name: name.into(),
        typ,
    };
    vec![
        spec("id", ColumnType::Uuid),
        spec("name", ColumnType::Text),
        spec("count", ColumnType::Int),
        spec("at", ColumnType::Timestamp),
        spec("tags", ColumnType::Set(Box::new(ColumnType::Text))),
    ]
}

fn page() -> Page {
    (0..ROWS)
        .map(|i| {
            let n = i as u128;
            (
                Uuid::from_u128(0x0123_4567_89ab_4def_8123_0000_0000_0000 | n),
                format!("event number {i}"),
                i as i32,
                CqlTimestamp(1_700_000_000_000 + i as i64),
                vec!["alpha".to_owned(), format!("tag-{}", i % 17)],
            )
        })
        .collect()
}

fn encode(columns: &[ColumnSpec], rows: &Page) -> Rows {
    let metadata = ResultMetadata {
        column_count: columns.len(),
        columns: columns.to_vec().into(),
        ..ResultMetadata::default()
    };
    let mut builder = RowsBuilder::new(metadata);
    let mut cell = Vec::with_capacity(64);
    for (id, name, count, at, tags) in rows {
        let values: [&dyn SerializeValue; 5] = [id, name, count, at, tags];
        for (value, spec) in values.into_iter().zip(columns) {
            cell.clear();
            value
                .serialize_value(&spec.typ, &mut cell)
                .expect("bench values fit their columns");
            builder
                .push_cell(cell.get(4..))
                .expect("cell fits in a page");
        }
    }
    builder.finish().expect("a complete page")
}

fn bind(columns: &[ColumnSpec], rows: &Page) -> usize {
    let mut total = 0;
    let mut values = SerializedValues::new();
    for row in rows {
        values.count = 0;
        values.bytes.clear();
        row.serialize_row(columns, &mut values)
            .expect("bench values fit their markers");
        total += values.bytes.len();
    }
    total
}

fn decode_typed(rows: &Rows) -> Page {
    typed_rows(rows)
        .expect("types match")
        .collect::<Result<_, _>>()
        .expect("rows decode")
}

fn decode_dynamic(rows: &Rows) -> usize {
    let mut n = 0;
    for row in rows.iter() {
        let row = row.expect("well-formed rows");
        for (cell, spec) in row.cells().zip(rows.metadata.columns.iter()) {
            let value = CqlValue::deserialize_cell(&spec.typ, cell).expect("cell decodes");
            n += usize::from(value.is_some());
            black_box(value);
        }
    }
    n
}

fn decode_row(rows: &Rows) -> Vec<Row> {
    typed_rows(rows)
        .expect("any row")
        .collect::<Result<_, _>>()
        .expect("rows decode")
}

/// Runs `f` over `iters` pages and prints the mean cost per row.
fn measure<T>(label: &str, iters: u32, mut f: impl FnMut() -> T) {
    black_box(f()); // warm-up
    let start = Instant::now();
    for _ in 0..iters {
        black_box(f());
    }
    let elapsed: Duration = start.elapsed();
    let per_row = elapsed.as_nanos() as f64 / f64::from(iters) / ROWS as f64;
    println!("{label:<34} {per_row:>9.1} ns/row");
}

fn main() {
    let iters = std::env::var("ROWS_BENCH_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let columns = columns();
    let rows = page();
    let encoded = encode(&columns, &rows);
    assert_eq!(
        decode_typed(&encoded),
        rows,
        "typed decode reproduces the page"
    );
    println!(
        "page: {ROWS} rows, {} bytes of cells, {iters} pages per measurement",
        encoded.content.len()
    );
    measure("encode (SerializeValue → Rows)", iters, || {
        encode(&columns, &rows)
    });
    measure("bind (SerializeRow)", iters, || bind(&columns, &rows));
    measure("decode typed (FromRow tuple)", iters, || {
        decode_typed(&encoded)
    });
    measure("decode dynamic (CqlValue)", iters, || {
        decode_dynamic(&encoded)
    });
    measure("decode dynamic (Row)", iters, || decode_row(&encoded));
}
