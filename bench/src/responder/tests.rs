//! The responder answers a real handshake and prepared statements correctly, on every
//! protocol setting, as decoded by the raw client's codec and the protocol crate's reader.

use cassia_protocol::types::{ColumnType, read_type};
use cassia_protocol::wire::Reader;

use super::Responder;
use super::answers::statement_id;
use crate::clients::raw::RawConn;
use crate::codec::op;
use crate::workload::{SELECT_KV, Setting};

#[tokio::test]
async fn handshake_prepare_and_execute_on_every_setting() {
    let responder = Responder::start(None).expect("responder starts");
    for setting in Setting::ALL {
        let mut conn = RawConn::connect(responder.addr, setting)
            .await
            .expect("handshake");

        let supported = conn.request(op::OPTIONS, &[]).await.expect("options");
        assert_eq!(supported.opcode, op::SUPPORTED, "{setting}");
        assert_eq!(supported.version, setting.version);
        let map = Reader::new(&supported.body)
            .string_multimap("supported")
            .expect("multimap");
        assert!(
            map.iter().any(|(k, v)| k == "COMPRESSION" && v == &["lz4"]),
            "{map:?}"
        );

        let (id, meta_id) = conn.prepare(SELECT_KV).await.expect("prepare");
        assert_eq!(id, statement_id(SELECT_KV).to_vec());
        assert_eq!(meta_id.len(), if setting.version == 5 { 16 } else { 0 });

        // With metadata: kind Rows, global spec bench.kv, (v1 bigint, v2 bigint), one row.
        let body = conn.execute_body(&id, &meta_id, &[7i64.to_be_bytes().to_vec()], false);
        let f = conn.request(op::EXECUTE, &body).await.expect("execute");
        assert_eq!((f.opcode, f.flags), (op::RESULT, 0), "{setting}");
        let mut r = Reader::new(&f.body);
        assert_eq!(r.i32("kind").expect("kind"), 2);
        assert_eq!(r.i32("flags").expect("flags"), 0x0001);
        assert_eq!(r.i32("count").expect("count"), 2);
        assert_eq!(r.string("ks").expect("ks"), "bench");
        assert_eq!(r.string("table").expect("table"), "kv");
        for name in ["v1", "v2"] {
            assert_eq!(r.string("name").expect("name"), name);
            assert_eq!(read_type(&mut r).expect("type"), ColumnType::BigInt);
        }
        assert_eq!(r.i32("rows").expect("rows"), 1);
        assert_eq!(r.bytes("v1").expect("v1"), Some(&42i64.to_be_bytes()[..]));
        assert_eq!(r.bytes("v2").expect("v2"), Some(&(-7i64).to_be_bytes()[..]));
        r.finish("rows").expect("nothing left");

        // skip_metadata: No_metadata flag and no column specs.
        let body = conn.execute_body(&id, &meta_id, &[7i64.to_be_bytes().to_vec()], true);
        let f = conn.request(op::EXECUTE, &body).await.expect("execute");
        let mut r = Reader::new(&f.body);
        assert_eq!(r.i32("kind").expect("kind"), 2);
        assert_eq!(r.i32("flags").expect("flags"), 0x0004);
        assert_eq!(r.i32("count").expect("count"), 2);
        assert_eq!(r.i32("rows").expect("rows"), 1);

        // An unknown id is Unprepared (0x2500) carrying that id.
        let body = conn.execute_body(&[1, 2, 3], &meta_id, &[], false);
        let f = conn.request(op::EXECUTE, &body).await.expect("execute");
        assert_eq!(f.opcode, op::ERROR);
        let mut r = Reader::new(&f.body);
        assert_eq!(r.i32("code").expect("code"), 0x2500);
        r.string("message").expect("message");
        assert_eq!(r.short_bytes("id").expect("id"), &[1, 2, 3]);
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
    let mut body = Vec::new();
    cassia_protocol::wire::put_long_string(
        &mut body,
        "SELECT rpc_address, tokens FROM system.local WHERE key='local'",
        "q",
    )
    .expect("query");
    body.extend_from_slice(&[0, 1, 0]); // consistency ONE, no flags
    let f = conn.request(op::QUERY, &body).await.expect("query");
    let mut r = Reader::new(&f.body);
    assert_eq!(r.i32("kind").expect("kind"), 2);
    r.i32("flags").expect("flags");
    assert_eq!(r.i32("count").expect("count"), 2);
    r.string("ks").expect("ks");
    r.string("table").expect("table");
    assert_eq!(r.string("c1").expect("c1"), "rpc_address");
    assert_eq!(read_type(&mut r).expect("t1"), ColumnType::Inet);
    assert_eq!(r.string("c2").expect("c2"), "tokens");
    assert_eq!(
        read_type(&mut r).expect("t2"),
        ColumnType::Set(Box::new(ColumnType::Text))
    );
    assert_eq!(r.i32("rows").expect("rows"), 1);
    assert_eq!(r.bytes("rpc").expect("rpc"), Some(&[127, 0, 0, 1][..]));
}
