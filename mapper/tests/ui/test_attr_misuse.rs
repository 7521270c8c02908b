#[cassia::test]
fn not_async(session: cassia::Session) {
    let _ = session;
}

#[cassia::test]
async fn two_parameters(a: cassia::Session, b: cassia::Session) {
    let _ = (a, b);
}

#[cassia::test(models(), keyspace = "x")]
async fn bad_arguments(session: cassia::Session) {
    let _ = session;
}

#[cassia::test(migrations = 5)]
async fn bad_migrations(session: cassia::Session) {
    let _ = session;
}

fn main() {}
