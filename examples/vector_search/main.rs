//! Vector search: the DataStax quickstart's last step, in Rust.
//!
//! ```sh
//! cargo run --example vector_search                                  # embedded emulator
//! CASSIA_CONTACT_POINTS=127.0.0.1:9042 cargo run --example vector_search   # Cassandra 5.0+
//! ```
//!
//! First with the driver, running the docs' statements as they are written (a table with a
//! `VECTOR<FLOAT, 5>` column, a `StorageAttachedIndex` with cosine similarity, three rows,
//! then `ORDER BY vector ANN OF [...] LIMIT 2`); then with the mapper, where the same
//! search is `Block::objects().order_by_ann(Block::VECTOR, &query).limit(2)`. Both print the
//! two nearest rows with their similarity, and the run fails unless the rows and scores
//! equal the ones computed here from Cassandra's formula.

use std::process::ExitCode;

use cassia::prelude::*;
use cassia::query::Scored;
use cassia::schema::sync_table;
use cassia_driver::Session;
use cassia_examples::{ExampleError, check, report, target};

/// The keyspace this example owns (created, then dropped).
const KEYSPACE: &str = "cassia_vector_search";

/// The docs' rows: id, text, 5-dimensional embedding.
const BLOCKS: [(i32, &str, [f32; 5]); 3] = [
    (
        1,
        "Chat bot integrated sneakers that talk to you",
        [0.1, 0.15, 0.3, 0.12, 0.05],
    ),
    (
        2,
        "An AI quilt to help you sleep forever",
        [0.45, 0.09, 0.01, 0.2, 0.11],
    ),
    (
        3,
        "A deep learning display that controls your mood",
        [0.1, 0.05, 0.08, 0.3, 0.6],
    ),
];

/// The docs' query vector.
const QUERY: [f32; 5] = [0.15, 0.1, 0.1, 0.35, 0.55];

/// The table as a model: the index on `vector` is declared where the column is.
#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "vector_blocks")]
struct Block {
    #[cassia(partition_key)]
    id: i32,
    text: String,
    #[cassia(index = "sai", similarity = "cosine")]
    vector: [f32; 5],
}

#[tokio::main]
async fn main() -> ExitCode {
    report(run().await)
}

async fn run() -> Result<(), ExampleError> {
    target::with_owned_keyspace(KEYSPACE, async |target| search(&target.session).await).await?;
    println!("\nvector_search: the nearest rows and their similarity are as computed");
    Ok(())
}

async fn search(session: &Session) -> Result<(), ExampleError> {
    target::create_keyspace(session, KEYSPACE).await?;

    let expected = nearest_two();
    println!("\nexpected (computed here with Cassandra's cosine formula):");
    for (id, text, sim) in &expected {
        println!("  [{id}] \"{text}\" (sim: {sim:.4})");
    }

    with_driver(session, &expected).await?;
    with_mapper(session, &expected).await?;
    Ok(())
}

/// The docs' statements, run as written.
async fn with_driver(session: &Session, expected: &[(i32, &str, f32)]) -> Result<(), ExampleError> {
    session
        .query(
            format!(
                "CREATE TABLE IF NOT EXISTS {KEYSPACE}.vector_test (id INT PRIMARY KEY, \
                 text TEXT, vector VECTOR<FLOAT,5>);"
            ),
            (),
        )
        .await?;
    session
        .query(
            format!(
                "CREATE CUSTOM INDEX IF NOT EXISTS idx_vector_test ON {KEYSPACE}.vector_test \
                 (vector) USING 'StorageAttachedIndex' WITH OPTIONS = \
                 {{'similarity_function' : 'cosine'}};"
            ),
            (),
        )
        .await?;
    session.await_schema_agreement().await?;
    let insert = session
        .prepare(format!(
            "INSERT INTO {KEYSPACE}.vector_test (id, text, vector) VALUES (?, ?, ?)"
        ))
        .await?;
    for (id, text, vector) in BLOCKS {
        session.execute(&insert, (id, text, vector)).await?;
    }
    let ann_query = format!(
        "SELECT id, text, similarity_cosine(vector, [0.15, 0.1, 0.1, 0.35, 0.55]) as sim \
         FROM {KEYSPACE}.vector_test ORDER BY vector ANN OF [0.15, 0.1, 0.1, 0.35, 0.55] LIMIT 2"
    );
    let rows: Vec<(i32, String, f32)> = session.query(ann_query, ()).await?.rows()?;
    println!("\nwith the driver:");
    for (id, text, sim) in &rows {
        println!("  [{id}] \"{text}\" (sim: {sim:.4})");
    }
    compare(
        "driver",
        expected,
        rows.iter().map(|(i, t, s)| (*i, t.as_str(), *s)),
    )?;

    // The same search prepared, the query vector bound to `ANN OF ?`.
    let prepared = session
        .prepare(format!(
            "SELECT id, text, similarity_cosine(vector, ?) AS sim FROM {KEYSPACE}.vector_test \
             ORDER BY vector ANN OF ? LIMIT 2"
        ))
        .await?;
    let bound: Vec<(i32, String, f32)> =
        session.execute(&prepared, (QUERY, QUERY)).await?.rows()?;
    compare(
        "driver, prepared",
        expected,
        bound.iter().map(|(i, t, s)| (*i, t.as_str(), *s)),
    )
}

/// The same search through the mapper.
async fn with_mapper(session: &Session, expected: &[(i32, &str, f32)]) -> Result<(), ExampleError> {
    sync_table::<Block>(session).await?;
    for (id, text, vector) in BLOCKS {
        Block {
            id,
            text: text.to_owned(),
            vector,
        }
        .insert()
        .execute_on(session)
        .await?;
    }
    let nearest: Vec<Scored<Block>> = Block::objects()
        .order_by_ann(Block::VECTOR, &QUERY)
        .limit(2)
        .with_similarity()
        .all_on(session)
        .await?;
    println!("\nwith the mapper:");
    for Scored { row, similarity } in &nearest {
        println!("  [{}] \"{}\" (sim: {similarity:.4})", row.id, row.text);
    }
    compare(
        "mapper",
        expected,
        nearest
            .iter()
            .map(|s| (s.row.id, s.row.text.as_str(), s.similarity)),
    )
}

/// Cassandra's `similarity_cosine`: (1 + cos θ) / 2, in single precision.
fn cosine(a: &[f32; 5], b: &[f32; 5]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norms: f32 = a.iter().map(|x| x * x).sum::<f32>() * b.iter().map(|x| x * x).sum::<f32>();
    (1.0 + dot / norms.sqrt()) / 2.0
}

/// The two rows closest to [`QUERY`], closest first, with their similarity.
fn nearest_two() -> Vec<(i32, &'static str, f32)> {
    let mut scored: Vec<(i32, &str, f32)> = BLOCKS
        .iter()
        .map(|(id, text, v)| (*id, *text, cosine(v, &QUERY)))
        .collect();
    scored.sort_by(|a, b| b.2.total_cmp(&a.2));
    scored.truncate(2);
    scored
}

/// Fails unless `actual` lists the expected ids and texts in order, with similarities
/// within float rounding of the computed ones (the server may sum in another order).
fn compare<'a>(
    what: &str,
    expected: &[(i32, &str, f32)],
    actual: impl Iterator<Item = (i32, &'a str, f32)>,
) -> Result<(), ExampleError> {
    let actual: Vec<(i32, &str, f32)> = actual.collect();
    let ids = |rows: &[(i32, &str, f32)]| {
        rows.iter()
            .map(|r| (r.0, r.1.to_owned()))
            .collect::<Vec<_>>()
    };
    check::same(
        format!("{what}: nearest rows"),
        &ids(expected),
        &ids(&actual),
    )?;
    for ((id, _, want), (_, _, got)) in expected.iter().zip(&actual) {
        check::holds(
            format!("{what}: similarity of row {id}"),
            (want - got).abs() <= 1e-6,
            format!("{want}"),
            format!("{got}"),
        )?;
    }
    Ok(())
}
