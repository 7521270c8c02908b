//! The blocking wrapper runs the same requests from plain threads.

mod common;

use cassia_driver::{ProtocolVersion, Session, blocking};
use cassia_protocol::request::Request;
use common::int_rows;
use common::mock::{Action, MockConfig, MockServer, void};

#[test]
fn blocking_session_queries_and_pages() {
    let rt = tokio::runtime::Runtime::new().expect("runtime for the mock");
    let server = rt.block_on(MockServer::start(MockConfig::new(|req, _| {
        match &req.request {
            Request::Query(q) if q.query == "SELECT n FROM t" => {
                let rows = match q.params.paging_state.as_deref() {
                    None => int_rows(&["n"], &[vec![Some(1)], vec![Some(2)]], Some(b"next")),
                    _ => int_rows(&["n"], &[vec![Some(3)]], None),
                };
                vec![Action::Reply(rows)]
            }
            _ => vec![Action::Reply(void())],
        }
    })));
    let session = blocking::Session::connect(
        Session::builder()
            .known_node(server.addr.to_string())
            .protocol_version(ProtocolVersion::V4),
    )
    .expect("blocking session");
    let first = session.query("SELECT n FROM t", ()).expect("query");
    assert_eq!(first.rows::<(i32,)>().expect("rows"), vec![(1,), (2,)]);
    let all: Vec<(i32,)> = session
        .query_iter("SELECT n FROM t", ())
        .expect("iter")
        .rows::<(i32,)>()
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(all, vec![(1,), (2,), (3,)]);
    session.shutdown();
    assert!(session.query("SELECT n FROM t", ()).is_err());
}
