//! `--vector`: latency of a vector search (`ORDER BY v ANN OF ? LIMIT 10`, cosine SAI
//! index) on the in-process emulator, for tables of 1k, 10k and 100k rows of 128-dimensional
//! vectors, so the closing note can say what one query costs and how it grows with the
//! table (the emulator searches exactly, so linear growth is expected).
//!
//! Rows are written through prepared statements with bounded concurrency; vectors come from
//! a fixed-seed generator so every run searches the same data. Each size runs `QUERIES`
//! searches with different query vectors, prepared once, and reports median and p99.

use crate::modes::{self, pct};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use cassia_driver::Session;

const DIMENSION: usize = 128;
const QUERIES: usize = 30;
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];
/// Inserts in flight at once while loading.
const LOAD_CONCURRENCY: usize = 64;

/// A small fixed-seed generator (xorshift64*): benchmark data only, not randomness anyone
/// relies on.
struct Vectors(u64);

impl Vectors {
    fn next_f32(&mut self) -> f32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 40;
        (bits as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }

    fn vector(&mut self) -> [f32; DIMENSION] {
        std::array::from_fn(|_| self.next_f32())
    }
}

/// Milliseconds as this report prints them.
fn ms(d: Duration) -> String {
    modes::ms(d, 2)
}

/// Runs every size and returns a Markdown section.
pub(crate) fn run() -> Result<String, String> {
    modes::run_section(measure())
}

async fn measure() -> Result<String, String> {
    let emulator = cassia_emulator::Emulator::builder()
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let session = Session::builder()
        .known_node(emulator.addr().to_string())
        .build()
        .await
        .map_err(|e| e.to_string())?;
    let err = |e: cassia_driver::error::ExecuteError| e.to_string();
    session
        .query(
            "CREATE KEYSPACE bench_vectors WITH replication = \
             {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await
        .map_err(err)?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Vector search on the emulator ({DIMENSION} dimensions, cosine, LIMIT 10)\n"
    );
    let _ = writeln!(out, "| rows | load | median | p99 | per 1k rows |");
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|");
    let mut data = Vectors(0x9e37_79b9_7f4a_7c15);
    for (i, rows) in SIZES.into_iter().enumerate() {
        let table = format!("bench_vectors.v{i}");
        session
            .query(
                format!("CREATE TABLE {table} (id int PRIMARY KEY, v vector<float, {DIMENSION}>)"),
                (),
            )
            .await
            .map_err(err)?;
        session
            .query(
                format!(
                    "CREATE CUSTOM INDEX ON {table} (v) USING 'StorageAttachedIndex' \
                     WITH OPTIONS = {{'similarity_function': 'cosine'}}"
                ),
                (),
            )
            .await
            .map_err(err)?;
        let insert = session
            .prepare(format!("INSERT INTO {table} (id, v) VALUES (?, ?)"))
            .await
            .map_err(err)?;
        let loading = Instant::now();
        let mut next = 0usize;
        while next < rows {
            let mut writes = tokio::task::JoinSet::new();
            let end = rows.min(next + LOAD_CONCURRENCY);
            for id in next..end {
                let (session, insert, row) =
                    (session.clone(), insert.clone(), (id as i32, data.vector()));
                writes.spawn(async move { session.execute(&insert, row).await.map(|_| ()) });
            }
            next = end;
            while let Some(done) = writes.join_next().await {
                done.map_err(|e| e.to_string())?.map_err(err)?;
            }
        }
        let load = loading.elapsed();
        let search = session
            .prepare(format!(
                "SELECT id FROM {table} ORDER BY v ANN OF ? LIMIT 10"
            ))
            .await
            .map_err(err)?;
        let mut times = Vec::with_capacity(QUERIES);
        for _ in 0..QUERIES {
            let query = data.vector();
            let started = Instant::now();
            let found = session.execute(&search, (query,)).await.map_err(err)?;
            times.push(started.elapsed());
            if found.row_count() != 10 {
                return Err(format!(
                    "ANN on {rows} rows returned {} rows",
                    found.row_count()
                ));
            }
        }
        times.sort();
        let median = pct(&times, 0.5);
        let _ = writeln!(
            out,
            "| {rows} | {:.1} s | {} | {} | {} |",
            load.as_secs_f64(),
            ms(median),
            ms(pct(&times, 0.99)),
            ms(median / (rows / 1000) as u32)
        );
    }
    session.shutdown().await;
    emulator.shutdown().await;
    Ok(out)
}
