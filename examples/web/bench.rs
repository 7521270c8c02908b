//! `--bench`: requests per second of the read endpoint written on the mapper
//! (`/channels/{c}/messages/{id}`) against the same handler on the plain driver
//! (`/raw/...`), side by side in one run: rounds alternate between the two so drift (CPU
//! frequency, the emulator's caches) affects both alike. Everything shares this machine's
//! cores — server, emulator and load generator — so the ratio matters more than the rates.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cassia_examples::ExampleError;
use serde_json::json;

/// Requests in flight at once.
const CONCURRENCY: usize = 16;
/// Length of one measured round.
const ROUND: Duration = Duration::from_secs(2);
/// Rounds per endpoint.
const ROUNDS: usize = 9;
/// Messages the reads pick from.
const MESSAGES: i64 = 100;

fn web_error(e: impl std::fmt::Display) -> ExampleError {
    ExampleError::Web(format!("bench: {e}"))
}

/// Requests per second of `path_of(i)` GETs, `CONCURRENCY` at a time, for [`ROUND`].
async fn round(http: &reqwest::Client, base: &str, raw: bool) -> Result<f64, ExampleError> {
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = tokio::task::JoinSet::new();
    for w in 0..CONCURRENCY {
        let (http, done, stop) = (http.clone(), done.clone(), stop.clone());
        let prefix = if raw { "/raw" } else { "" };
        let base = base.to_owned();
        workers.spawn(async move {
            let mut i = w as i64;
            while !stop.load(Ordering::Relaxed) {
                let url = format!(
                    "{base}{prefix}/channels/bench/messages/{}",
                    i % MESSAGES + 1
                );
                let response = http.get(url).send().await.map_err(web_error)?;
                if !response.status().is_success() {
                    return Err(web_error(format!("status {}", response.status())));
                }
                response.bytes().await.map_err(web_error)?;
                done.fetch_add(1, Ordering::Relaxed);
                i += CONCURRENCY as i64;
            }
            Ok::<(), ExampleError>(())
        });
    }
    let started = Instant::now();
    tokio::time::sleep(ROUND).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed();
    let count = done.load(Ordering::Relaxed);
    while let Some(joined) = workers.join_next().await {
        joined.map_err(web_error)??;
    }
    Ok(count as f64 / elapsed.as_secs_f64())
}

/// Seeds the messages, warms both endpoints up, measures, prints a Markdown table.
pub(crate) async fn run(base: &str) -> Result<(), ExampleError> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .map_err(web_error)?;
    for id in 1..=MESSAGES {
        http.post(format!("{base}/channels/bench/messages"))
            .json(&json!({ "id": id, "author": "bench", "body": format!("message {id}") }))
            .send()
            .await
            .map_err(web_error)?;
    }
    // Warm-up: connections, prepared statements, the mapper's statement-shape cache.
    round(&http, base, false).await?;
    round(&http, base, true).await?;
    // Pairs of rounds, A B then B A, so a drift in between affects both sides alike; the
    // ratio is taken per pair, then its median, which a noisy pair cannot move much.
    let (mut mapper, mut raw, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for pair in 0..ROUNDS {
        let (m, r) = if pair % 2 == 0 {
            let m = round(&http, base, false).await?;
            (m, round(&http, base, true).await?)
        } else {
            let r = round(&http, base, true).await?;
            (round(&http, base, false).await?, r)
        };
        mapper.push(m);
        raw.push(r);
        ratios.push(m / r);
    }
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (m, r, ratio) = (median(&mapper), median(&raw), median(&ratios));
    let spread = |v: &[f64]| {
        let (lo, hi) = v
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(*x), hi.max(*x)));
        format!("{lo:.3}–{hi:.3}")
    };
    println!(
        "\n| read endpoint | req/s (median of {ROUNDS} pairs x {}s, {CONCURRENCY} in flight) |",
        ROUND.as_secs()
    );
    println!("|---|---:|");
    println!("| mapper (`Message::objects().filter(..).first_on`) | {m:.0} |");
    println!("| plain driver (prepared statement, tuple row) | {r:.0} |");
    println!(
        "\nmapper / plain driver per pair: median {ratio:.3} (range {}), i.e. the mapper costs {:.1}%",
        spread(&ratios),
        (1.0 - ratio) * 100.0
    );
    Ok(())
}
