//! `--help` of every command, pinned: a change to the command line shows up in review as a
//! change to these files. Regenerate with `BLESS=1 cargo test -p cassia-cli --test help`.

use std::path::PathBuf;
use std::process::Command;

const COMMANDS: &[&[&str]] = &[
    &[],
    &["migrate"],
    &["migrate", "add"],
    &["migrate", "run"],
    &["migrate", "revert"],
    &["migrate", "info"],
    &["migrate", "validate"],
    &["migrate", "baseline"],
    &["migrate", "repair"],
    &["migrate", "unlock"],
    &["schema"],
    &["schema", "diff"],
    &["schema", "generate"],
    &["schema", "dump"],
    &["schema", "snapshot"],
    &["keyspace"],
    &["keyspace", "create"],
    &["keyspace", "drop"],
];

#[test]
fn help_output_is_pinned() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/help");
    let bless = std::env::var_os("BLESS").is_some();
    let mut mismatches = Vec::new();
    for path in COMMANDS {
        let out = Command::new(env!("CARGO_BIN_EXE_cassia"))
            .args(*path)
            .arg("--help")
            .output()
            .expect("cassia runs");
        assert_eq!(out.status.code(), Some(0), "{path:?} --help exits 0");
        let text = String::from_utf8(out.stdout).expect("utf-8 help");
        assert!(text.contains("Usage: cassia"), "{path:?}: {text}");
        let file = dir.join(format!(
            "{}.txt",
            if path.is_empty() {
                "cassia".to_owned()
            } else {
                format!("cassia-{}", path.join("-"))
            }
        ));
        if bless {
            std::fs::create_dir_all(&dir).expect("dir");
            std::fs::write(&file, &text).expect("write");
            continue;
        }
        let expected = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{} is missing ({e}); run with BLESS=1", file.display()));
        if expected != text {
            mismatches.push(format!(
                "{}:\n--- expected\n{expected}\n--- actual\n{text}",
                file.display()
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_subcommand_help_has_examples() {
    for path in COMMANDS.iter().filter(|p| p.len() == 2) {
        let out = Command::new(env!("CARGO_BIN_EXE_cassia"))
            .args(*path)
            .arg("--help")
            .output()
            .expect("cassia runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Examples:"),
            "{path:?} --help has no examples:\n{text}"
        );
    }
}

#[test]
fn usage_errors_exit_1_not_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_cassia"))
        .args(["migrate", "frobnicate"])
        .output()
        .expect("cassia runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit 2 means 'check failed' for cassia"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("unrecognized subcommand"));
}
