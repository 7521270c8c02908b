//! A small admin interface for controlling a running emulator from outside the process (the
//! binary's `--admin ADDR`): a line protocol over TCP, one command per line, one reply per
//! command (`ok ...` or `error <why>`), so `nc` or a few lines of any language drive it.
//!
//! ```text
//! nodes                       one line per node: <index> <address> <dc> <rack> <status>, then ok
//! stop N | start N            stop node N (DOWN) / start it again (UP)
//! pause N | resume N          stop answering / answer again
//! decommission N              remove node N from the ring (REMOVED_NODE)
//! add DC RACK                 add a node: ok <index> <address>
//! fault KEY=VALUE...          add a fault rule: ok <id>
//! unfault ID | clear-faults   remove one rule / all rules
//! ```
//!
//! `fault` keys: `node=N`, `op=QUERY|PREPARE|EXECUTE|BATCH|OPTIONS|STARTUP|REGISTER`,
//! `times=N`, `prob=P` with `seed=S`, one action (`delay=250ms` (or `2s`), `drop`, `close`,
//! or `error=unavailable|read_timeout|write_timeout|overloaded|bootstrapping|server_error`
//! with `cl=QUORUM`, `required=`/`alive=` (unavailable), `received=`/`block_for=`
//! (timeouts), `data_present=true|false` (read timeout), `write_type=SIMPLE|BATCH|...`,
//! `message=WORD`), and last, optionally, `cql=TEXT` where TEXT runs to the end of the line
//! (containing `*`: a wildcard pattern of the whole CQL; else a substring).
//! Example: `fault node=1 op=QUERY times=2 error=read_timeout cl=ONE cql=users`.

use std::sync::Arc;
use std::time::Duration;

use cassia_protocol::consistency::Consistency;
use cassia_protocol::frame::Opcode;
use cassia_protocol::response::WriteType;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::EmulatorHandle;
use crate::cluster::faults::{Fault, FaultRule, RuleId};

/// Longest accepted command line; longer input closes the connection.
const MAX_LINE: u64 = 16 * 1024;

/// Serves admin connections on `listener` until the task is dropped or aborted.
pub async fn serve(listener: TcpListener, handle: Arc<EmulatorHandle>) {
    loop {
        match listener.accept().await {
            Ok((socket, _)) => {
                tokio::spawn(session(socket, Arc::clone(&handle)));
            }
            Err(e) => {
                tracing::warn!(error = %e, "admin accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

async fn session(socket: TcpStream, handle: Arc<EmulatorHandle>) {
    let (read, mut write) = socket.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let mut line = Vec::new();
        match (&mut reader)
            .take(MAX_LINE)
            .read_until(b'\n', &mut line)
            .await
        {
            Ok(0) | Err(_) => return,
            Ok(_) if !line.ends_with(b"\n") && line.len() as u64 >= MAX_LINE => {
                let _ = write.write_all(b"error line too long\n").await;
                return;
            }
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let reply = match run(&handle, text.trim()).await {
            Ok(reply) => reply,
            Err(why) => format!("error {why}\n"),
        };
        if write.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Executes one command; the reply (ending with a newline) or why it failed.
pub(crate) async fn run(handle: &EmulatorHandle, line: &str) -> Result<String, String> {
    let mut words = line.split_whitespace();
    let command = words.next().unwrap_or_default();
    let node = |arg: Option<&str>| -> Result<usize, String> {
        let index: usize = arg
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| format!("{command} needs a node index"))?;
        if index >= handle.node_addrs().len() {
            return Err(format!("no node {index}"));
        }
        Ok(index)
    };
    let done =
        |r: Result<(), crate::NodeError>| r.map(|()| "ok\n".to_owned()).map_err(|e| e.to_string());
    match command {
        "nodes" => {
            let mut out = String::new();
            for n in handle.nodes() {
                out.push_str(&format!(
                    "{} {} {} {} {:?}\n",
                    n.index, n.addr, n.datacenter, n.rack, n.status
                ));
            }
            out.push_str("ok\n");
            Ok(out)
        }
        "stop" => done(handle.node(node(words.next())?).stop().await),
        "start" => done(handle.node(node(words.next())?).start().await),
        "pause" => done(handle.node(node(words.next())?).pause()),
        "resume" => done(handle.node(node(words.next())?).resume()),
        "decommission" => done(handle.node(node(words.next())?).decommission().await),
        "add" => {
            let (Some(dc), Some(rack)) = (words.next(), words.next()) else {
                return Err("add needs a data centre and a rack".to_owned());
            };
            let index = handle.add_node(dc, rack).await.map_err(|e| e.to_string())?;
            Ok(format!("ok {index} {}\n", handle.node(index).addr()))
        }
        "fault" => {
            let rest = line.trim_start_matches("fault").trim_start();
            let rule = parse_rule(rest)?;
            Ok(format!("ok {}\n", handle.add_rule(rule).0))
        }
        "unfault" => {
            let id: u64 = words
                .next()
                .and_then(|w| w.parse().ok())
                .ok_or("unfault needs a rule id")?;
            if handle.remove_rule(RuleId(id)) {
                Ok("ok\n".to_owned())
            } else {
                Err(format!("no rule {id}"))
            }
        }
        "clear-faults" => {
            handle.clear_rules();
            Ok("ok\n".to_owned())
        }
        "" => Err("empty command".to_owned()),
        other => Err(format!("unknown command {other:?}")),
    }
}

/// Parses the arguments of `fault`.
pub(crate) fn parse_rule(spec: &str) -> Result<FaultRule, String> {
    let (head, cql) = match spec.find("cql=") {
        Some(at) => (&spec[..at], Some(spec[at + 4..].trim())),
        None => (spec, None),
    };
    let mut rule = FaultRule::new();
    let mut opts = std::collections::HashMap::new();
    let mut action: Option<&str> = None;
    for word in head.split_whitespace() {
        match word.split_once('=') {
            Some((k, v)) => {
                opts.insert(k, v);
            }
            None if matches!(word, "drop" | "close") && action.is_none() => action = Some(word),
            None => return Err(format!("unexpected {word:?}")),
        }
    }
    let num = |k: &str| -> Result<Option<i64>, String> {
        opts.get(k)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| format!("{k} must be a number"))
            })
            .transpose()
    };
    let int = |k: &str, default: i64| -> Result<i32, String> {
        Ok(i32::try_from(num(k)?.unwrap_or(default)).unwrap_or(i32::MAX))
    };
    if let Some(n) = num("node")? {
        rule = rule.node(usize::try_from(n).map_err(|_| "node must be >= 0")?);
    }
    if let Some(op) = opts.get("op") {
        rule = rule.opcode(opcode(op)?);
    }
    if let Some(n) = num("times")? {
        rule = rule.times(u64::try_from(n).map_err(|_| "times must be >= 0")?);
    }
    if let Some(p) = opts.get("prob") {
        let p: f64 = p.parse().map_err(|_| "prob must be a number")?;
        let seed = u64::try_from(num("seed")?.unwrap_or(0)).unwrap_or(0);
        rule = rule.probability(p, seed);
    }
    let cl = match opts.get("cl") {
        Some(c) => consistency(c)?,
        None => Consistency::One,
    };
    let fault = match (action, opts.get("delay"), opts.get("error")) {
        (Some("drop"), None, None) => Fault::Drop,
        (Some("close"), None, None) => Fault::CloseConnection,
        (None, Some(d), None) => Fault::Delay(duration(d)?),
        (None, None, Some(kind)) => match *kind {
            "unavailable" => Fault::unavailable(cl, int("required", 1)?, int("alive", 0)?),
            "read_timeout" => Fault::read_timeout(
                cl,
                int("received", 0)?,
                int("block_for", 1)?,
                opts.get("data_present") == Some(&"true"),
            ),
            "write_timeout" => Fault::write_timeout(
                cl,
                int("received", 0)?,
                int("block_for", 1)?,
                WriteType::from_name(opts.get("write_type").copied().unwrap_or("SIMPLE")),
            ),
            "overloaded" => Fault::overloaded(),
            "bootstrapping" => Fault::is_bootstrapping(),
            "server_error" => {
                Fault::server_error(opts.get("message").copied().unwrap_or("injected fault"))
            }
            other => return Err(format!("unknown error {other:?}")),
        },
        _ => return Err("give exactly one of drop, close, delay=, error=".to_owned()),
    };
    rule = rule.then(fault);
    if let Some(cql) = cql.filter(|c| !c.is_empty()) {
        rule = if cql.contains('*') {
            rule.cql_matches(cql)
        } else {
            rule.cql_contains(cql)
        };
    }
    Ok(rule)
}

fn duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("bad duration {text:?} (e.g. 250ms, 2s)");
    if let Some(ms) = text.strip_suffix("ms") {
        ms.parse().map(Duration::from_millis).map_err(|_| bad())
    } else if let Some(s) = text.strip_suffix('s') {
        s.parse().map(Duration::from_secs).map_err(|_| bad())
    } else {
        Err(bad())
    }
}

fn opcode(name: &str) -> Result<Opcode, String> {
    Ok(match name.to_ascii_uppercase().as_str() {
        "QUERY" => Opcode::Query,
        "PREPARE" => Opcode::Prepare,
        "EXECUTE" => Opcode::Execute,
        "BATCH" => Opcode::Batch,
        "OPTIONS" => Opcode::Options,
        "STARTUP" => Opcode::Startup,
        "REGISTER" => Opcode::Register,
        other => return Err(format!("unknown opcode {other:?}")),
    })
}

fn consistency(name: &str) -> Result<Consistency, String> {
    Ok(match name.to_ascii_uppercase().as_str() {
        "ANY" => Consistency::Any,
        "ONE" => Consistency::One,
        "TWO" => Consistency::Two,
        "THREE" => Consistency::Three,
        "QUORUM" => Consistency::Quorum,
        "ALL" => Consistency::All,
        "LOCAL_QUORUM" => Consistency::LocalQuorum,
        "EACH_QUORUM" => Consistency::EachQuorum,
        "SERIAL" => Consistency::Serial,
        "LOCAL_SERIAL" => Consistency::LocalSerial,
        "LOCAL_ONE" => Consistency::LocalOne,
        other => return Err(format!("unknown consistency {other:?}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules() {
        assert!(parse_rule("node=1 op=QUERY times=2 error=read_timeout cl=ONE cql=users").is_ok());
        assert!(parse_rule("delay=250ms cql=SELECT * FROM ks.t*").is_ok());
        assert!(parse_rule("drop prob=0.5 seed=3").is_ok());
        assert!(parse_rule("close").is_ok());
        assert!(parse_rule("drop close").is_err());
        assert!(parse_rule("error=nope").is_err());
        assert!(parse_rule("delay=5").is_err());
        assert!(parse_rule("op=FROB drop").is_err());
    }
}
