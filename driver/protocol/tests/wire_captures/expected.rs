//! Checks against `expected.json`: for every step, the responses the Python driver saw
//! (kinds, ids, metadata flags, paging states, warnings, errors), the raw cells
//! (`cells_hex`) and the bound values the driver sent.

use std::path::Path;

use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::{RawValue, Request};
use cassia_protocol::response::{ErrorKind, Response, ResultBody, Rows, SchemaChangeTarget};
use serde_json::{Value, json};

use crate::capture::{Decoded, Message, Stream, hex, read_json};

fn find(stream: &Stream, id: i64) -> &Decoded {
    stream
        .frames
        .iter()
        .find(|f| i64::from(f.frame.header.stream) == id)
        .unwrap_or_else(|| panic!("no frame on stream {id}"))
}

fn response(d: &Decoded) -> &cassia_protocol::envelope::ResponseFrame {
    match &d.message {
        Message::Response(r) => r,
        Message::Request(_) => panic!("expected a response"),
    }
}

/// The two large blobs, regenerated from the README's generators and keyed by sha256.
fn large_blobs(expected: &Value) -> Vec<(String, Vec<u8>)> {
    let random = {
        let mut x: u32 = 0x2545_F491;
        let mut out = Vec::with_capacity(204_800);
        while out.len() < 204_800 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            out.extend_from_slice(&x.to_le_bytes());
        }
        out
    };
    let pattern: Vec<u8> = (0..139_264u32).map(|i| (i % 251) as u8).collect();
    let blobs = &expected["large_blobs"];
    let sha = |k: &str| blobs[k]["sha256"].as_str().expect("sha256").to_owned();
    assert_eq!(
        hex(&random[..32]),
        blobs["random_200k"]["head_hex"],
        "generator"
    );
    assert_eq!(
        hex(&pattern[pattern.len() - 32..]),
        blobs["pattern_136k"]["tail_hex"]
    );
    vec![(sha("random_200k"), random), (sha("pattern_136k"), pattern)]
}

/// Compares one value/cell with its expected form: hex, null, "UNSET", or for the large
/// blobs `{length, sha256}` (checked against the regenerated blob).
fn same_value(got: &Value, raw: Option<&[u8]>, want: &Value, blobs: &[(String, Vec<u8>)]) -> bool {
    match (want.get("sha256"), raw) {
        (Some(sha), Some(bytes)) => blobs
            .iter()
            .find(|(s, _)| sha == s.as_str())
            .is_some_and(|(_, blob)| blob.as_slice() == bytes),
        _ => got == want,
    }
}

fn check_values(
    ctx: &str,
    got: &[(Value, Option<&[u8]>)],
    want: &Value,
    blobs: &[(String, Vec<u8>)],
) {
    let want = want
        .as_array()
        .unwrap_or_else(|| panic!("{ctx}: expected an array"));
    assert_eq!(got.len(), want.len(), "{ctx}: count");
    for (i, ((g, raw), w)) in got.iter().zip(want).enumerate() {
        assert!(
            same_value(g, *raw, w, blobs),
            "{ctx} #{i}: got {:.80}, want {w:.80}",
            g.to_string()
        );
    }
}

/// A value as JSON (hex/null/"UNSET") beside its raw bytes.
type Cell<'a> = (Value, Option<&'a [u8]>);

fn cell_list(rows: &Rows) -> Vec<Vec<Cell<'_>>> {
    rows.iter()
        .map(|r| {
            let r = r.expect("valid row");
            r.cells()
                .map(|c| (c.map_or(Value::Null, |b| json!(hex(b))), c))
                .collect()
        })
        .collect()
}

fn names(columns: &[cassia_protocol::response::ColumnSpec]) -> Value {
    columns.iter().map(|c| json!(c.name)).collect()
}

fn expected_names(v: &Value) -> Value {
    v.as_array()
        .expect("column list")
        .iter()
        .map(|c| c[0].clone())
        .collect()
}

fn check_response(ctx: &str, d: &Decoded, e: &Value) {
    let r = response(d);
    let get = |k: &str| e.get(k);
    assert_eq!(
        get("frame_flags"),
        Some(&json!(format!("0x{:02x}", d.frame.header.flags.0))),
        "{ctx}: frame flags"
    );
    if let Some(w) = get("warnings") {
        assert_eq!(&json!(r.warnings), w, "{ctx}: warnings");
    } else {
        assert!(r.warnings.is_empty(), "{ctx}: unexpected warnings");
    }
    if let Some(t) = get("trace_id") {
        assert_eq!(
            r.tracing_id.map(|u| u.to_string()).as_ref(),
            t.as_str().map(str::to_owned).as_ref(),
            "{ctx}: trace id"
        );
    }
    match &r.response {
        Response::Error(err) => {
            assert_eq!(
                get("code"),
                Some(&json!(format!("0x{:04x}", err.kind.code()))),
                "{ctx}"
            );
            assert_eq!(get("error_message"), Some(&json!(err.message)), "{ctx}");
            if let ErrorKind::Unprepared { id } = &err.kind {
                assert_eq!(get("info"), Some(&json!(hex(id))), "{ctx}: unprepared id");
            }
        }
        Response::Result(body) => {
            let kind = [
                "",
                "Void",
                "Rows",
                "Set_keyspace",
                "Prepared",
                "Schema_change",
            ];
            assert_eq!(
                get("result_kind"),
                Some(&json!(kind[body.kind() as usize])),
                "{ctx}"
            );
            match body {
                ResultBody::Rows(rows) => {
                    let m = &rows.metadata;
                    assert_eq!(get("row_count"), Some(&json!(rows.row_count)), "{ctx}");
                    assert_eq!(get("column_count"), Some(&json!(m.column_count)), "{ctx}");
                    assert_eq!(
                        get("paging_state"),
                        m.paging_state.as_ref().map(|p| json!(hex(p))).as_ref(),
                        "{ctx}: paging state"
                    );
                    assert_eq!(
                        get("new_metadata_id"),
                        m.new_metadata_id.as_ref().map(|p| json!(hex(p))).as_ref(),
                        "{ctx}: new metadata id"
                    );
                    let flags = i32::from(!m.columns.is_empty())
                        | if m.paging_state.is_some() { 2 } else { 0 }
                        | if m.new_metadata_id.is_some() { 8 } else { 0 };
                    assert_eq!(
                        get("metadata_flags"),
                        Some(&json!(format!("0x{flags:04x}"))),
                        "{ctx}"
                    );
                }
                ResultBody::Prepared(p) => {
                    assert_eq!(get("prepared_id"), Some(&json!(hex(&p.id))), "{ctx}");
                    assert_eq!(
                        get("result_metadata_id"),
                        p.result_metadata_id
                            .as_ref()
                            .map(|i| json!(hex(i)))
                            .as_ref(),
                        "{ctx}: result metadata id"
                    );
                    assert_eq!(
                        get("pk_indexes"),
                        Some(&json!(p.metadata.pk_indexes)),
                        "{ctx}"
                    );
                    let bind = get("bind_columns").expect("bind columns");
                    assert_eq!(expected_names(bind), names(&p.metadata.columns), "{ctx}");
                    let res = get("result_columns").expect("result columns");
                    assert_eq!(
                        expected_names(res),
                        names(&p.result_metadata.columns),
                        "{ctx}"
                    );
                }
                ResultBody::SetKeyspace(k) => {
                    assert_eq!(get("new_keyspace"), Some(&json!(k)), "{ctx}");
                }
                ResultBody::SchemaChange(c) => {
                    let sc = get("schema_change").expect("schema change");
                    assert_eq!(sc["change_type"], c.change.as_str(), "{ctx}");
                    let (target, ks, name) = match &c.target {
                        SchemaChangeTarget::Keyspace { keyspace } => ("KEYSPACE", keyspace, None),
                        SchemaChangeTarget::Table { keyspace, table } => {
                            ("TABLE", keyspace, Some(table))
                        }
                        SchemaChangeTarget::Type { keyspace, name } => {
                            ("TYPE", keyspace, Some(name))
                        }
                        other => panic!("{ctx}: unexpected target {other:?}"),
                    };
                    assert_eq!(sc["target_type"], target, "{ctx}");
                    assert_eq!(sc["keyspace"], json!(ks), "{ctx}");
                    if let Some(n) = name {
                        let key = if target == "TABLE" { "table" } else { "type" };
                        assert_eq!(sc[key], json!(n), "{ctx}: {sc}");
                    }
                }
                ResultBody::Void => {}
            }
        }
        other => panic!("{ctx}: unexpected response {other:?}"),
    }
}

fn value_hex(v: RawValue<'_>) -> Value {
    match v {
        RawValue::Null => Value::Null,
        RawValue::Unset => json!("UNSET"),
        RawValue::Value(b) => json!(hex(b)),
    }
}

pub fn check(dir: &Path, conns: &[(u64, &Stream, &Stream)], version: ProtocolVersion) {
    let expected = read_json(&dir.join("expected.json"));
    let steps = expected["steps"].as_array().expect("steps");
    let blobs = large_blobs(&expected);
    let mut checked_cells = 0;
    for step in steps {
        let Some(responses) = step["responses"].as_array().filter(|r| !r.is_empty()) else {
            continue;
        };
        let ctx = format!("step {} ({})", step["step"], step["name"]);
        let conn = step["conn"].as_u64().expect("conn");
        let (_, c2s, s2c) = conns
            .iter()
            .find(|(n, ..)| *n == conn)
            .expect("conn exists");
        let mut last_rows = None;
        for r in responses {
            let id = r["stream_id"].as_i64().expect("stream id");
            let d = find(s2c, id);
            check_response(&format!("{ctx} stream {id}"), d, r);
            if let Response::Result(ResultBody::Rows(rows)) = &response(d).response {
                last_rows = Some(rows);
            }
        }
        if let Some(cells_hex) = step["result"].get("cells_hex") {
            let rows = last_rows.unwrap_or_else(|| panic!("{ctx}: no Rows response"));
            let got = cell_list(rows);
            let want = cells_hex.as_array().expect("rows");
            assert_eq!(got.len(), want.len(), "{ctx}: row count");
            for (i, (g, w)) in got.iter().zip(want).enumerate() {
                check_values(&format!("{ctx} row {i}"), g, w, &blobs);
            }
            checked_cells += 1;
        }
        // The request that got the last response.
        let last_id = responses
            .last()
            .and_then(|r| r["stream_id"].as_i64())
            .expect("id");
        let request = match &find(c2s, last_id).message {
            Message::Request(r) => r,
            Message::Response(_) => panic!("{ctx}: expected a request"),
        };
        if let Some(bound) = step.get("bound_wire_values") {
            let Request::Execute(e) = &request.request else {
                panic!("{ctx}: expected EXECUTE");
            };
            assert_eq!(step["prepared_id"], json!(hex(&e.id)), "{ctx}: prepared id");
            if version == ProtocolVersion::V5
                && step["name"] != "select pk=1 with the statement prepared before ALTER"
            {
                let rmid = e.result_metadata_id.as_ref().map(|i| json!(hex(i)));
                assert_eq!(Some(&step["result_metadata_id"]), rmid.as_ref(), "{ctx}");
            }
            let values: Vec<Cell<'_>> = e
                .params
                .values
                .iter()
                .map(|v| {
                    let v = v.expect("well-formed values").1;
                    let raw = match v {
                        RawValue::Value(b) => Some(b),
                        _ => None,
                    };
                    (value_hex(v), raw)
                })
                .collect();
            check_values(&format!("{ctx}: bound values"), &values, bound, &blobs);
        }
        if let Some(payload) = step.get("custom_payload") {
            let got: serde_json::Map<String, Value> = request
                .custom_payload
                .as_ref()
                .expect("custom payload sent")
                .iter()
                .map(|(k, v)| (k.clone(), json!(v.as_deref().map(hex))))
                .collect();
            assert_eq!(&Value::Object(got), payload, "{ctx}: custom payload");
        }
        if step.get("tracing_flag") == Some(&json!(true)) {
            assert!(request.tracing, "{ctx}: tracing flag");
        }
    }
    assert!(
        checked_cells >= 20,
        "only {checked_cells} steps with cells were checked"
    );
}
