//! Compile-time checks: the session and its futures can be shared across tasks and threads.

use cassia_driver::{Batch, BatchType, PreparedStatement, RowStream, Session, Statement};

fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
fn assert_send<T: Send>(_: &T) {}

#[test]
fn session_and_futures_are_send() {
    assert_send_sync::<Session>();
    assert_send_sync::<PreparedStatement>();
    assert_send_sync::<Statement>();
    assert_send_sync::<Batch>();
    assert_send_sync::<cassia_driver::blocking::Session>();
    fn futures(session: &Session, p: &PreparedStatement, b: &Batch) {
        assert_send(&session.query("SELECT 1", (1i32, "a")));
        assert_send(&session.prepare("SELECT 1"));
        assert_send(&session.execute(p, (1i64,)));
        assert_send(&session.batch(b, &[(1i32,)]));
        assert_send(&session.query_iter("SELECT 1", ()));
        assert_send(&session.shutdown());
        assert_send(&session.await_schema_agreement());
    }
    fn stream_is_send(_: RowStream<(i32,)>) {}
    let _ = (futures, stream_is_send as fn(RowStream<(i32,)>));
    let _ = Batch::new(BatchType::Logged);
}
