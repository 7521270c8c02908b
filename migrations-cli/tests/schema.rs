//! `cassia schema ...` end to end: models (as a snapshot file, or compiled into an
//! embedding binary) → a generated migration → applied → no difference left, against the
//! migration files and against the live keyspace.

mod common;

use std::collections::BTreeSet;

use cassia::prelude::*;
use cassia::schema::SchemaSnapshot;
use common::{Env, code, json, stderr, stdout};

#[derive(Debug, Model)]
#[cassia(table = "posts")]
struct Post {
    #[cassia(partition_key)]
    author: String,
    #[cassia(clustering_key, order = "desc")]
    at: i64,
    title: String,
    #[cassia(index)]
    category: Option<String>,
}

#[derive(Debug, Model)]
#[cassia(table = "posts")]
struct PostV2 {
    #[cassia(partition_key)]
    author: String,
    #[cassia(clustering_key, order = "desc")]
    at: i64,
    title: String,
    #[cassia(index)]
    category: Option<String>,
    tags: BTreeSet<String>,
}

#[derive(Debug, Model)]
#[cassia(table = "authors")]
struct Author {
    #[cassia(partition_key)]
    name: String,
    bio: Option<String>,
}

fn snapshot(env: &Env, file: &str, models: &[&cassia::schema::TableSchema]) -> String {
    let path = env.dir.join(file);
    let text = serde_json::to_string_pretty(&SchemaSnapshot::new(models)).expect("json");
    std::fs::write(&path, text).expect("write snapshot");
    path.display().to_string()
}

fn migration_files(env: &Env) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(env.migrations())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_apply_and_diff_round_trip() {
    let env = Env::new("schema").await;
    let v1 = snapshot(&env, "v1.json", &[Post::schema(), Author::schema()]);

    // No migrations yet: the models differ from what the files produce.
    let o = env
        .run(&["schema", "diff", "--check", "--models", &v1])
        .await;
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("safe"), "{}", stdout(&o));

    let o = env
        .run(&[
            "schema", "generate", "init", "--models", &v1, "--format", "json",
        ])
        .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["destructive"], false);
    let files = migration_files(&env);
    assert_eq!(files.len(), 1);
    assert!(files[0].ends_with("_init.cql"), "{files:?}");
    let text = std::fs::read_to_string(env.migrations().join(&files[0])).expect("read");
    assert!(
        text.contains("CREATE TABLE IF NOT EXISTS posts ("),
        "{text}"
    );
    assert!(text.contains("CLUSTERING ORDER BY (at DESC)"), "{text}");
    assert!(text.contains("CREATE INDEX"), "{text}");

    // The files now produce the models' schema; applying them leaves the database equal too.
    let o = env
        .run(&["schema", "diff", "--check", "--models", &v1])
        .await;
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        code(
            &env.run(&["keyspace", "create", "--replication", "simple:1"])
                .await
        ),
        0
    );
    let o = env.run(&["migrate", "run"]).await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = env
        .run(&[
            "schema",
            "diff",
            "--check",
            "--against",
            "database",
            "--models",
            &v1,
        ])
        .await;
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));

    // A model gains a column and another model is removed: the column is added, the drop is
    // written commented out unless allowed.
    let v2 = snapshot(&env, "v2.json", &[PostV2::schema()]);
    let o = env
        .run(&[
            "schema",
            "diff",
            "--check",
            "--against",
            "database",
            "--models",
            &v2,
            "--format",
            "json",
        ])
        .await;
    assert_eq!(code(&o), 2);
    let classes: Vec<String> = json(&o)["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["class"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        classes.contains(&"safe".to_owned()) && classes.contains(&"destructive".to_owned()),
        "{classes:?}"
    );
    let o = env
        .run(&["schema", "generate", "add_tags", "--models", &v2])
        .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("warning: destructive changes are written commented out"),
        "{}",
        stdout(&o)
    );
    let files = migration_files(&env);
    let text = std::fs::read_to_string(env.migrations().join(&files[1])).expect("read");
    assert!(
        text.contains("ALTER TABLE posts ADD tags set<text>"),
        "{text}"
    );
    assert!(text.contains("-- DROP TABLE IF EXISTS authors;"), "{text}");
    assert_eq!(code(&env.run(&["migrate", "run"]).await), 0);
    assert!(
        env.columns()
            .await
            .iter()
            .any(|(t, c, _)| t == "posts" && c == "tags")
    );
    assert!(
        env.columns().await.iter().any(|(t, _, _)| t == "authors"),
        "nothing was dropped"
    );

    // The dump replays: it names every table.
    let o = env.run(&["schema", "dump"]).await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("CREATE TABLE") && stdout(&o).contains("posts"),
        "{}",
        stdout(&o)
    );

    // The standalone binary has no models of its own.
    let o = env.run(&["schema", "snapshot"]).await;
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("no models"), "{}", stderr(&o));
    env.finish().await;
}

#[test]
fn an_application_binary_embeds_the_cli_with_its_models() {
    let dir = std::env::temp_dir().join(format!("cassia-cli-embed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let out = dir.join("schema.json");
    let code = cassia_cli::run_from(
        [
            "myapp",
            "schema",
            "snapshot",
            "--output",
            out.to_str().expect("utf-8"),
        ],
        &[Post::schema(), Author::schema()],
    );
    assert_eq!(code, std::process::ExitCode::SUCCESS);
    let snapshot: SchemaSnapshot =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("written")).expect("snapshot");
    let names: Vec<&str> = snapshot.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["posts", "authors"]);
    assert_eq!(snapshot.tables[0], *Post::schema());
    let _ = std::fs::remove_dir_all(&dir);
}
