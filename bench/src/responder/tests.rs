//! The responder answers a real handshake and prepared statements correctly, on every
//! protocol setting, as decoded by the protocol crate's codec.

use cassia_protocol::request::{Query, QueryParameters, Request};
use cassia_protocol::response::{ErrorKind, Response, ResultBody, Rows};
use cassia_protocol::types::ColumnType;

use super::Responder;
use super::answers::statement_id;
use crate::clients::raw::{RawConn, execute};
use crate::workload::{SELECT_KV, Setting};

fn rows(response: Response) -> Rows {
    match response {
        Response::Result(ResultBody::Rows(rows)) => rows,
        other => panic!("expected Rows, got {other:?}"),
    }
}

fn cells(rows: &Rows) -> Vec<Vec<Option<Vec<u8>>>> {
    rows.iter()
        .map(|r| {
            r.expect("row")
                .cells()
                .map(|c| c.map(<[u8]>::to_vec))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn handshake_prepare_and_execute_on_every_setting() {
    let responder = Responder::start(None).expect("responder starts");
    for setting in Setting::ALL {
        let mut conn = RawConn::connect(responder.addr, setting)
            .await
            .expect("handshake");

        match conn.call(Request::Options).await.expect("options") {
            Response::Supported(map) => {
                assert!(
                    map.iter().any(|(k, v)| k == "COMPRESSION" && v == &["lz4"]),
                    "{map:?}"
                )
            }
            other => panic!("{setting}: expected SUPPORTED, got {other:?}"),
        }

        let (id, meta_id) = conn.prepare(SELECT_KV).await.expect("prepare");
        assert_eq!(id, statement_id(SELECT_KV));
        assert_eq!(meta_id.is_some(), setting.version == 5, "{setting}");

        // With metadata: bench.kv (v1 bigint, v2 bigint), one row (42, -7).
        let key = 7i64.to_be_bytes();
        let full = rows(
            conn.call(execute(&id, &meta_id, &[&key], false))
                .await
                .expect("execute"),
        );
        let names: Vec<(&str, &str, &str, &ColumnType)> = full
            .metadata
            .columns
            .iter()
            .map(|c| {
                (
                    c.keyspace.as_str(),
                    c.table.as_str(),
                    c.name.as_str(),
                    &c.typ,
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("bench", "kv", "v1", &ColumnType::BigInt),
                ("bench", "kv", "v2", &ColumnType::BigInt)
            ],
            "{setting}"
        );
        let expected = vec![vec![
            Some(42i64.to_be_bytes().to_vec()),
            Some((-7i64).to_be_bytes().to_vec()),
        ]];
        assert_eq!(cells(&full), expected, "{setting}");

        // skip_metadata: No_metadata (count kept, no specs), same cells.
        let bare = rows(
            conn.call(execute(&id, &meta_id, &[&key], true))
                .await
                .expect("execute"),
        );
        assert_eq!(
            (bare.metadata.column_count, bare.metadata.columns.len()),
            (2, 0)
        );
        assert_eq!(cells(&bare), expected);

        // An unknown id is Unprepared (0x2500) carrying that id.
        let unknown = bytes::Bytes::from_static(&[1, 2, 3]);
        match conn
            .call(execute(&unknown, &meta_id, &[], false))
            .await
            .expect("execute")
        {
            Response::Error(e) => assert_eq!(e.kind, ErrorKind::Unprepared { id: unknown }),
            other => panic!("expected Unprepared, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn system_local_answers_the_columns_asked_for() {
    let responder = Responder::start(None).expect("responder starts");
    let mut conn = RawConn::connect(
        responder.addr,
        Setting {
            version: 4,
            lz4: true,
        },
    )
    .await
    .expect("handshake");
    let query = Request::Query(Query {
        query: "SELECT rpc_address, tokens FROM system.local WHERE key='local'".into(),
        params: QueryParameters::default(),
    });
    let local = rows(conn.call(query).await.expect("query"));
    let cols: Vec<(&str, &ColumnType)> = local
        .metadata
        .columns
        .iter()
        .map(|c| (c.name.as_str(), &c.typ))
        .collect();
    assert_eq!(
        cols,
        [
            ("rpc_address", &ColumnType::Inet),
            ("tokens", &ColumnType::Set(Box::new(ColumnType::Text)))
        ]
    );
    let row = cells(&local);
    assert_eq!(row.len(), 1);
    assert_eq!(row[0][0], Some(vec![127, 0, 0, 1]));
}
