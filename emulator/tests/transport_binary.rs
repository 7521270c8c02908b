//! The `cassia-emulator` binary: serves on the address it logs, stops cleanly on SIGTERM and
//! SIGINT, and refuses unusable flags with a clear message.

mod transport_support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use transport_support::*;

const BIN: &str = env!("CARGO_BIN_EXE_cassia-emulator");

/// Starts the binary on an ephemeral port and returns it with the address it logged.
fn spawn(extra: &[&str]) -> (Child, SocketAddr) {
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0"])
        .args(extra)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn the binary");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("the binary exited before listening")
            .expect("read stderr");
        if let Some(rest) = line.split("ready for CQL connections addr=").nth(1) {
            break rest.trim().parse().expect("address in the log line");
        }
    };
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(Instant::now() < deadline, "the binary did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

#[cfg(unix)]
#[tokio::test]
async fn serves_and_exits_cleanly_on_sigterm_and_sigint() {
    for sig in ["TERM", "INT"] {
        let (mut child, addr) = spawn(&[]);
        let mut c = RawClient::connect(addr, 5).await;
        assert_eq!(c.handshake(Some("lz4")).await.opcode, READY);
        signal(&child, sig);
        let status = wait_exit(&mut child);
        assert!(status.success(), "SIG{sig}: {status}");
        c.expect_closed().await;
    }
}

#[tokio::test]
async fn auth_flag_enables_password_authentication() {
    let (mut child, addr) = spawn(&["--auth", "admin:hunter2"]);
    let mut c = RawClient::connect(addr, 4).await;
    assert_eq!(c.handshake(None).await.opcode, AUTHENTICATE);
    c.send(0, 2, AUTH_RESPONSE, &bytes_body(b"\0admin\0hunter2"))
        .await;
    assert_eq!(c.recv_some().await.opcode, AUTH_SUCCESS);
    child.kill().expect("kill");
    let _ = child.wait();
}

#[test]
fn an_unusable_data_dir_is_refused_with_a_clear_error() {
    // A regular file where the directory should be.
    let file = std::env::temp_dir().join(format!("cassia-not-a-dir-{}", std::process::id()));
    std::fs::write(&file, b"x").expect("write");
    let out = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&file)
        .output()
        .expect("run the binary");
    let _ = std::fs::remove_file(&file);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "cassia-emulator: cannot create the data directory {}",
            file.display()
        )),
        "{stderr}"
    );
}

#[test]
fn malformed_auth_flag_is_a_usage_error() {
    let out = Command::new(BIN)
        .args(["--auth", "nocolon"])
        .output()
        .expect("run the binary");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("expected USER:PASS"), "{stderr}");
}
