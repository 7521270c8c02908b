//! Every `cassia` command end to end through the real binary: output, exit codes, and what
//! the cluster holds afterwards.

mod common;

use std::time::{Duration, Instant};

use common::{Env, code, json, stderr, stdout};

const USERS: &str = "-- the first table\nCREATE TABLE users (id int PRIMARY KEY, name text);\nCREATE INDEX users_name ON users (name);\n";
const USERS_DOWN: &str = "DROP TABLE users;\n";
const POSTS: &str = "CREATE TABLE posts (author int, at timestamp, title text, PRIMARY KEY (author, at));\nALTER TABLE users ADD email text;\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_info_validate_and_json_output() {
    let env = Env::new("run").await;
    env.write("20240101000000_users.up.cql", USERS);
    env.write("20240101000000_users.down.cql", USERS_DOWN);
    env.write("20240102000000_posts.cql", POSTS);

    // Nothing exists yet and no replication is configured: a clear error, exit 1.
    let o = env.run(&["migrate", "run"]).await;
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("does not exist") && stderr(&o).contains("replication"),
        "{}",
        stderr(&o)
    );
    env.run(&["keyspace", "create", "--replication", "simple:1"])
        .await;

    let o = env.run(&["migrate", "info", "--check"]).await;
    assert_eq!(
        code(&o),
        2,
        "pending migrations fail the check: {}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("pending"), "{}", stdout(&o));

    let o = env.run(&["migrate", "run", "--format", "json"]).await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["ok"], true);
    assert_eq!(j["locked"], true);
    assert_eq!(j["applied"].as_array().map(Vec::len), Some(2));
    assert_eq!(j["applied"][0]["version"], 20240101000000u64);
    assert_eq!(j["applied"][1]["statements"], 2);
    assert_eq!(
        env.history().await,
        vec![
            (20240101000000, "applied".into(), 2, 2),
            (20240102000000, "applied".into(), 2, 2)
        ]
    );
    assert!(
        env.columns()
            .await
            .iter()
            .any(|(t, c, _)| t == "users" && c == "email")
    );

    let o = env.run(&["migrate", "run"]).await;
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "nothing pending\n");
    let o = env
        .run(&["migrate", "info", "--check", "--format", "json"])
        .await;
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let j = json(&o);
    assert_eq!(j["migrations"][0]["status"], "applied");
    assert_eq!(j["migrations"][1]["file"], "20240102000000_posts.cql");
    assert_eq!(j["pending"], 0);
    let o = env.run(&["migrate", "validate"]).await;
    assert_eq!(
        (code(&o), stdout(&o)),
        (0, "migrations and history agree\n".to_owned())
    );

    // Revert the newest: a forward-only file cannot be reverted.
    let o = env.run(&["migrate", "revert"]).await;
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("has no .down.cql file"),
        "{}",
        stderr(&o)
    );
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_every_statement_and_leaves_system_schema_unchanged() {
    let env = Env::new("dry").await;
    env.run(&["keyspace", "create", "--replication", "simple:1"])
        .await;
    env.write("20240101000000_users.cql", USERS);
    env.run(&["migrate", "run"]).await;
    env.write("20240102000000_posts.cql", POSTS);
    let before = env.columns().await;
    let o = env.run(&["migrate", "run", "--dry-run"]).await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "-- 20240102000000 posts (20240102000000_posts.cql)\n\
         CREATE TABLE posts (author int, at timestamp, title text, PRIMARY KEY (author, at));\n\
         ALTER TABLE users ADD email text;\n"
    );
    assert_eq!(env.columns().await, before, "a dry run changes nothing");
    assert_eq!(env.history().await.len(), 1);
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edited_file_is_drift_crlf_is_not_and_repair_accepts_it() {
    let env = Env::new("drift").await;
    env.run(&["keyspace", "create", "--replication", "simple:1"])
        .await;
    env.write("20240101000000_users.cql", USERS);
    assert_eq!(code(&env.run(&["migrate", "run"]).await), 0);
    // CRLF line endings and a new comment: not drift.
    env.write(
        "20240101000000_users.cql",
        &format!("-- reviewed 2024-02-01\r\n{}", USERS.replace('\n', "\r\n")),
    );
    let o = env.run(&["migrate", "validate"]).await;
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // A real edit: info and validate report it, run refuses.
    env.write(
        "20240101000000_users.cql",
        &USERS.replace("name text", "name text, nick text"),
    );
    let o = env.run(&["migrate", "info"]).await;
    assert!(stdout(&o).contains("edited"), "{}", stdout(&o));
    let o = env.run(&["migrate", "validate"]).await;
    assert_eq!(code(&o), 2);
    assert!(
        stdout(&o).contains("changed after it was applied"),
        "{}",
        stdout(&o)
    );
    let o = env.run(&["migrate", "run", "--format", "json"]).await;
    assert_eq!(code(&o), 1);
    assert_eq!(json(&o)["error"]["kind"], "drift");
    let o = env.run(&["migrate", "repair"]).await;
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).contains("recorded the edited file's checksum"),
        "{}",
        stdout(&o)
    );
    assert_eq!(code(&env.run(&["migrate", "validate"]).await), 0);
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_migration_blocks_until_fixed() {
    let env = Env::new("failed").await;
    env.run(&["keyspace", "create", "--replication", "simple:1"])
        .await;
    env.write("20240101000000_users.cql", USERS);
    env.write("20240102000000_bad.cql", "CREATE TABLE ok1 (k int PRIMARY KEY);\nCREATE TABLE bad (k int PRIMARY KEY, v nosuchtype);\n");
    env.write(
        "20240103000000_later.cql",
        "CREATE TABLE later (k int PRIMARY KEY);\n",
    );
    let o = env.run(&["migrate", "run"]).await;
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("20240102000000_bad.cql") && stderr(&o).contains("statement 2 of 2"),
        "{}",
        stderr(&o)
    );
    let o = env.run(&["migrate", "run"]).await;
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("fix the file"), "{}", stderr(&o));
    let tables: Vec<String> = env.columns().await.into_iter().map(|(t, _, _)| t).collect();
    assert!(
        !tables.contains(&"later".to_owned()),
        "a failed migration blocks later ones"
    );
    env.write(
        "20240102000000_bad.cql",
        "CREATE TABLE ok1 (k int PRIMARY KEY);\nCREATE TABLE bad (k int PRIMARY KEY, v text);\n",
    );
    let o = env.run(&["migrate", "run", "--format", "json"]).await;
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(json(&o)["applied"][0]["resumed_at"], 1);
    assert_eq!(env.history().await.len(), 3);
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_processes_at_once_apply_each_migration_once() {
    let env = Env::new("twenty").await;
    env.run(&["keyspace", "create", "--replication", "simple:1"])
        .await;
    env.write(
        "20240101000000_hits.cql",
        "CREATE TABLE hits (k int PRIMARY KEY, n counter);\n",
    );
    env.write(
        "20240102000000_bump.cql",
        "UPDATE hits SET n = n + 1 WHERE k = 1;\nCREATE TABLE t2 (k int PRIMARY KEY);\n",
    );
    env.write(
        "20240103000000_bump.cql",
        "UPDATE hits SET n = n + 1 WHERE k = 1;\nALTER TABLE t2 ADD v text;\n",
    );
    let children: Vec<_> = (0..20)
        .map(|_| {
            env.cmd(&["migrate", "run", "--format", "json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|c| c.wait_with_output().expect("wait"))
            .collect::<Vec<_>>()
    })
    .await
    .expect("join");
    let mut applied = Vec::new();
    for o in &outputs {
        assert_eq!(
            code(o),
            0,
            "every runner exits 0: {}{}",
            stdout(o),
            stderr(o)
        );
        for a in json(o)["applied"].as_array().expect("applied") {
            applied.push(a["version"].as_u64().expect("version"));
        }
    }
    applied.sort_unstable();
    assert_eq!(
        applied,
        vec![20240101000000, 20240102000000, 20240103000000]
    );
    let (n,): (i64,) = env
        .session
        .query(
            format!("SELECT n FROM {}.hits WHERE k = 1", env.keyspace),
            (),
        )
        .await
        .expect("counter")
        .first_row()
        .expect("row");
    assert_eq!(n, 2, "each counter bump ran once");
    assert!(
        env.history()
            .await
            .iter()
            .all(|(_, s, d, t)| s == "applied" && d == t)
    );
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_migration_then_rerun_resumes_after_the_lease_expires() {
    let env = Env::new("kill").await;
    env.run(&["keyspace", "create", "--replication", "simple:1"])
        .await;
    let columns = 400;
    let mut big = String::from("CREATE TABLE wide (k int PRIMARY KEY);\n");
    for i in 0..columns {
        big.push_str(&format!("ALTER TABLE wide ADD c{i} int;\n"));
    }
    env.write("20240101000000_wide.cql", &big);
    let mut child = env
        .cmd(&["migrate", "run", "--lock-ttl", "2"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    // Kill it once it has recorded some progress, well before the end.
    let started = Instant::now();
    let done = loop {
        let h = if started.elapsed() > Duration::from_millis(50) {
            env.session
                .query(
                    format!(
                        "SELECT statements_done FROM {}.cassia_migrations",
                        env.keyspace
                    ),
                    (),
                )
                .await
                .ok()
                .and_then(|r| r.rows::<(i32,)>().ok())
                .and_then(|r| r.first().map(|(d,)| *d))
        } else {
            None
        };
        if let Some(d) = h.filter(|d| *d >= 3) {
            child.kill().expect("SIGKILL");
            break d;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no progress seen"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let _ = child.wait();
    let h = env.history().await;
    assert_eq!(h[0].1, "running", "killed mid-migration: {h:?}");
    assert!(h[0].2 >= done && h[0].2 < columns + 1, "{h:?}");
    // The dead runner's lease is still there: unlock without --force reports it (exit 3).
    let o = env.run(&["migrate", "unlock"]).await;
    if code(&o) == 3 {
        assert!(stdout(&o).contains("held by"), "{}", stdout(&o));
    }
    // A rerun waits for the lease to lapse, then resumes.
    let o = env.run(&["migrate", "run", "--format", "json"]).await;
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let j = json(&o);
    let resumed = j["applied"][0]["resumed_at"].as_u64().expect("resumed_at");
    assert!(resumed >= u64::try_from(done).expect("positive"), "{j}");
    let h = env.history().await;
    assert_eq!(
        h[0],
        (20240101000000, "applied".into(), columns + 1, columns + 1)
    );
    let wide: Vec<_> = env
        .columns()
        .await
        .into_iter()
        .filter(|(t, _, _)| t == "wide")
        .collect();
    assert_eq!(wide.len(), usize::try_from(columns).expect("positive") + 1);
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_lock_exits_3_with_its_owner_and_unlock_force_frees_it() {
    let env = Env::new("lock").await;
    env.run(&["keyspace", "create", "--replication", "simple:1"])
        .await;
    env.write("20240101000000_users.cql", USERS);
    assert_eq!(code(&env.run(&["migrate", "run"]).await), 0);
    env.write("20240102000000_posts.cql", POSTS);
    env.session
        .query(
            format!("INSERT INTO {}.cassia_migrations_lock (name, owner, expires_at) VALUES ('migrations', 'ci-runner-7 pid 42', toTimestamp(now())) USING TTL 600", env.keyspace),
            (),
        )
        .await
        .expect("lease");
    let o = env
        .run(&["migrate", "run", "--lock-wait", "0", "--format", "json"])
        .await;
    assert_eq!(code(&o), 3);
    let j = json(&o);
    assert_eq!(j["error"]["kind"], "lock_held");
    assert_eq!(j["error"]["lock"]["owner"], "ci-runner-7 pid 42");
    let o = env.run(&["migrate", "unlock"]).await;
    assert_eq!(code(&o), 3);
    assert!(
        stdout(&o).contains("ci-runner-7 pid 42") && stdout(&o).contains("--force"),
        "{}",
        stdout(&o)
    );
    let o = env.run(&["migrate", "unlock", "--force"]).await;
    assert_eq!(code(&o), 0);
    assert_eq!(code(&env.run(&["migrate", "unlock"]).await), 0);
    assert_eq!(code(&env.run(&["migrate", "run"]).await), 0);
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_baseline_and_keyspace_commands() {
    let env = Env::new("add").await;
    let o = env
        .run(&[
            "migrate",
            "add",
            "create_users",
            "--reversible",
            "--format",
            "json",
        ])
        .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j = json(&o);
    let files: Vec<String> = j["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f.as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(files.len(), 2);
    assert!(
        files[0].ends_with("_create_users.up.cql") && files[1].ends_with("_create_users.down.cql"),
        "{files:?}"
    );
    let o = env.run(&["migrate", "add", "second"]).await;
    assert_eq!(code(&o), 0);
    let names: Vec<String> = std::fs::read_dir(env.migrations())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    let o = env.run(&["migrate", "add", "bad name"]).await;
    assert_eq!(code(&o), 1);
    // Baseline: the existing users table is adopted, not created again.
    std::fs::remove_dir_all(env.migrations()).expect("clean");
    std::fs::create_dir_all(env.migrations()).expect("dir");
    env.write("20240101000000_users.cql", USERS);
    env.write("20240102000000_posts.cql", POSTS);
    let o = env
        .run(&["keyspace", "create", "--replication", "simple:1"])
        .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    env.session
        .query(
            format!(
                "CREATE TABLE {}.users (id int PRIMARY KEY, name text)",
                env.keyspace
            ),
            (),
        )
        .await
        .expect("table");
    env.session
        .await_schema_agreement()
        .await
        .expect("agreement");
    let o = env.run(&["migrate", "baseline", "20240101000000"]).await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = env.run(&["migrate", "info"]).await;
    assert!(stdout(&o).contains("baseline"), "{}", stdout(&o));
    let o = env.run(&["migrate", "run", "--format", "json"]).await;
    assert_eq!(json(&o)["applied"].as_array().map(Vec::len), Some(1));
    let o = env.run(&["keyspace", "drop"]).await;
    assert_eq!(code(&o), 1, "drop needs --yes");
    let o = env.run(&["keyspace", "drop", "--yes"]).await;
    assert_eq!(code(&o), 0);
    assert!(env.columns().await.is_empty());
    env.finish().await;
}
