//! Connecting, a prepared insert, a paged select and a batch; TLS and authentication are
//! shown in `secure_builder`.
//!
//! Runs against `CASSIA_CONTACT_POINTS` (e.g. `127.0.0.1:9042`) when set, otherwise against
//! an in-process emulator:
//!
//! ```sh
//! cargo run -p cassia-driver --example quickstart
//! ```

use std::time::Duration;

use cassia_driver::auth::PlainTextAuthenticator;
use cassia_driver::error::{ConnectError, ExecuteError};
use cassia_driver::{
    Batch, BatchType, Compression, Consistency, Session, SessionBuilder, Statement, TlsConfig,
};

#[derive(Debug, thiserror::Error)]
enum ExampleError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    Execute(#[from] ExecuteError),
    #[error(transparent)]
    Rows(#[from] cassia_driver::error::RowDecodeError),
    #[error("emulator: {0}")]
    Emulator(String),
}

/// A production-style builder: TLS with a private CA, mutual TLS and SASL PLAIN
/// credentials. Not run here (it needs certificates and a secured cluster).
#[allow(dead_code)]
fn secure_builder(
    ca_pem: &[u8],
    cert_pem: &[u8],
    key_pem: &[u8],
) -> Result<SessionBuilder, ConnectError> {
    let tls = TlsConfig::new()
        .with_ca_pem(ca_pem)?
        .with_client_cert_pem(cert_pem, key_pem)?;
    Ok(Session::builder()
        .known_nodes([
            "cassandra-1.example.com:9142",
            "cassandra-2.example.com:9142",
        ])
        .tls(tls)
        .authenticator(PlainTextAuthenticator::new("app", "secret"))
        .default_consistency(Consistency::LocalQuorum))
}

#[tokio::main]
async fn main() -> Result<(), ExampleError> {
    let (contact_point, _emulator) = match std::env::var("CASSIA_CONTACT_POINTS") {
        Ok(points) => (points, None),
        Err(_) => {
            let emu = cassia_emulator::Emulator::builder()
                .listen(([127, 0, 0, 1], 0).into())
                .start()
                .await
                .map_err(|e| ExampleError::Emulator(e.to_string()))?;
            (emu.addr().to_string(), Some(emu))
        }
    };

    let session = Session::builder()
        .known_node(contact_point)
        .compression(Some(Compression::Lz4))
        .connect_timeout(Duration::from_secs(5))
        .build()
        .await?;
    println!("connected with protocol {:?}", session.protocol_version());

    session
        .query(
            "CREATE KEYSPACE IF NOT EXISTS demo WITH replication = \
             {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await?;
    session.use_keyspace("demo").await?;
    session
        .query(
            "CREATE TABLE IF NOT EXISTS events (day text, seq int, what text, PRIMARY KEY (day, seq))",
            (),
        )
        .await?;
    session.await_schema_agreement().await?;

    // Prepared insert: prepared once, executed many times.
    let insert = session
        .prepare("INSERT INTO events (day, seq, what) VALUES (?, ?, ?)")
        .await?
        .with_idempotent(true);
    for seq in 0..120 {
        session
            .execute(&insert, ("2024-05-01", seq, format!("event {seq}")))
            .await?;
    }

    // Paged select: 50 rows per page, fetched as the stream advances.
    let mut rows = session
        .query_iter(
            Statement::new("SELECT seq, what FROM events WHERE day = ?").with_page_size(50),
            ("2024-05-01",),
        )
        .await?
        .rows_stream::<(i32, String)>();
    let mut count = 0;
    while let Some(row) = rows.next_row().await {
        let (seq, what) = row?;
        if seq % 40 == 0 {
            println!("{seq}: {what}");
        }
        count += 1;
    }
    println!("{count} rows");

    // A logged batch mixing a simple and a prepared statement.
    let batch = Batch::new(BatchType::Logged)
        .with_statement("DELETE FROM events WHERE day = '2024-05-01' AND seq = 0")
        .with_prepared(&insert);
    let values: [&dyn cassia_driver::SerializeRow; 2] = [&(), &("2024-05-02", 0, "moved")];
    session.batch(&batch, &values).await?;

    // Lightweight transaction.
    let applied = session
        .query(
            "INSERT INTO events (day, seq, what) VALUES ('2024-05-02', 0, 'again') IF NOT EXISTS",
            (),
        )
        .await?
        .was_applied()?;
    println!("second insert applied: {applied}");

    session.shutdown().await;
    Ok(())
}
