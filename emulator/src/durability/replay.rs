//! Replay: feeds journal records back through the engine's public entry points, each with
//! its tape playing, so the engine re-applies the same changes it applied the first time.

use std::path::Path;

use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::{BatchStatement, Execute};
use cassia_protocol::response::{ResultBody, ServerError};

use super::file::Damage;
use super::record::{Logged, PreparedSource, Record};
use super::{DurabilityError, tape};
use crate::engine::{ClientState, Engine};

/// Replays every payload in order; returns how many records were applied.
pub(super) fn replay_all(
    path: &Path,
    engine: &Engine,
    payloads: &[(u64, &[u8])],
) -> Result<usize, DurabilityError> {
    for (offset, payload) in payloads {
        let record = Record::decode(payload).map_err(|e| {
            tracing::error!(offset, error = %e, "journal record does not decode");
            DurabilityError::Corrupt {
                path: path.to_owned(),
                offset: *offset,
                damage: Damage::Undecodable,
            }
        })?;
        let (result, faithful) = apply(engine, record);
        // A record is only logged after it succeeded; a different outcome at replay means
        // the engine changed behaviour between versions. Keep going: the rest still counts.
        if let Err(e) = result {
            tracing::warn!(offset, error = %e.message, "journal record failed at replay");
        } else if !faithful {
            tracing::warn!(
                offset,
                "journal record replayed with different resolved values"
            );
        }
    }
    Ok(payloads.len())
}

/// Runs one record; returns its result and whether the tape matched exactly.
fn apply(engine: &Engine, record: Record) -> (Result<(), ServerError>, bool) {
    // Replayed writes were acknowledged once: they apply whatever the cluster looks like now.
    let mut client = ClientState::new(ProtocolVersion::V5).replaying();
    let result = match record.request {
        Logged::Query(q) => {
            let _tape = tape::replay(record.tape);
            let r = engine.query(&mut client, &q.query, &q.params).map(drop);
            return (r, tape::replay_faithful());
        }
        Logged::Execute { source, params } => match prepare(engine, &client, &source) {
            Ok(id) => {
                let _tape = tape::replay(record.tape);
                let execute = Execute {
                    id,
                    result_metadata_id: None,
                    params,
                };
                let r = engine.execute(&mut client, &execute).map(drop);
                return (r, tape::replay_faithful());
            }
            Err(e) => Err(e),
        },
        Logged::Batch { sources, mut batch } => {
            // Prepare first, outside the tape: the original PREPAREs were not logged.
            let mut prepared = Ok(());
            for (child, source) in batch.statements.iter_mut().zip(&sources) {
                if let (BatchStatement::Prepared { id, .. }, Some(source)) = (child, source) {
                    match prepare(engine, &client, source) {
                        Ok(fresh) => *id = fresh,
                        Err(e) => {
                            prepared = Err(e);
                            break;
                        }
                    }
                }
            }
            match prepared {
                Ok(()) => {
                    let _tape = tape::replay(record.tape);
                    let r = engine.batch(&mut client, &batch).map(drop);
                    return (r, tape::replay_faithful());
                }
                Err(e) => Err(e),
            }
        }
    };
    (result, false)
}

fn prepare(
    engine: &Engine,
    client: &ClientState,
    source: &PreparedSource,
) -> Result<bytes::Bytes, ServerError> {
    match engine
        .prepare(client, &source.cql, source.keyspace.as_deref())?
        .body
    {
        ResultBody::Prepared(p) => Ok(p.id),
        _ => Err(crate::catalog::invalid("PREPARE returned no statement id")),
    }
}
