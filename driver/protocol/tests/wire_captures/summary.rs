//! Rebuilds each frame's `summary` object in the format of `tools/check_frames.py`, from the
//! crate's decoded structs, so it can be compared with `frames-index.jsonl` as a whole.

use cassia_protocol::envelope::{RequestFrame, ResponseFrame};
use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::{BatchStatement, BatchType, QueryParameters, Request};
use cassia_protocol::response::{
    ColumnSpec, Event, PreparedMetadata, Response, ResultBody, ResultMetadata, SchemaChange,
    SchemaChangeTarget,
};
use cassia_protocol::types::{ColumnType, marshal_class_name};
use serde_json::{Map, Value, json};

use crate::capture::{Message, hex};

/// A type in the checker's notation (`varchar`, `udt ks.name(f type, ...)`, `'Class'`).
/// v4 has no native `duration` id, so the checker saw it as its custom class there.
pub fn render_type(t: &ColumnType, version: ProtocolVersion) -> String {
    let r = |t: &ColumnType| render_type(t, version);
    let list = |items: &[ColumnType]| items.iter().map(r).collect::<Vec<_>>().join(", ");
    match t {
        ColumnType::Duration if version == ProtocolVersion::V4 => {
            "'org.apache.cassandra.db.marshal.DurationType'".into()
        }
        ColumnType::Custom(c) => format!("'{c}'"),
        ColumnType::Vector { .. } => format!("'{}'", marshal_class_name(t)),
        ColumnType::Text => "varchar".into(),
        ColumnType::List(e) => format!("list<{}>", r(e)),
        ColumnType::Set(e) => format!("set<{}>", r(e)),
        ColumnType::Map(k, v) => format!("map<{}, {}>", r(k), r(v)),
        ColumnType::Tuple(items) => format!("tuple<{}>", list(items)),
        ColumnType::Udt {
            keyspace,
            name,
            fields,
        } => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(f, t)| format!("{f} {}", r(t)))
                .collect();
            format!("udt {keyspace}.{name}({})", fields.join(", "))
        }
        other => other.to_string(),
    }
}

fn same_table(columns: &[ColumnSpec]) -> bool {
    columns.first().is_some_and(|f| {
        columns
            .iter()
            .all(|c| c.keyspace == f.keyspace && c.table == f.table)
    })
}

fn types(columns: &[ColumnSpec], version: ProtocolVersion) -> Value {
    columns
        .iter()
        .map(|c| render_type(&c.typ, version))
        .collect()
}

fn params(p: &QueryParameters, s: &mut Map<String, Value>) {
    let bits = [
        (p.values.count > 0, 0x01),
        (p.skip_metadata, 0x02),
        (p.page_size.is_some(), 0x04),
        (p.paging_state.is_some(), 0x08),
        (p.serial_consistency.is_some(), 0x10),
        (p.timestamp.is_some(), 0x20),
        (p.values.named, 0x40),
        (p.keyspace.is_some(), 0x80),
        (p.now_in_seconds.is_some(), 0x100),
    ];
    let flags: u32 = bits.iter().filter(|(on, _)| *on).map(|(_, b)| b).sum();
    s.insert("consistency".into(), json!(p.consistency.code()));
    s.insert("qflags".into(), json!(format!("0x{flags:02x}")));
    if p.values.count > 0 {
        s.insert("values".into(), json!(p.values.count));
    }
    if let Some(n) = p.page_size {
        s.insert("page_size".into(), json!(n));
    }
    if let Some(ps) = &p.paging_state {
        s.insert("paging_state".into(), json!(hex(ps)));
    }
    if let Some(c) = p.serial_consistency {
        s.insert("serial_consistency".into(), json!(c.code()));
    }
    if let Some(t) = p.timestamp {
        s.insert("timestamp".into(), json!(t));
    }
    if let Some(k) = &p.keyspace {
        s.insert("keyspace".into(), json!(k));
    }
    if let Some(n) = p.now_in_seconds {
        s.insert("now_in_seconds".into(), json!(n));
    }
}

fn request(f: &RequestFrame, s: &mut Map<String, Value>) {
    match &f.request {
        Request::Options => {}
        Request::Startup(st) => {
            let m: Map<String, Value> = st
                .options
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            s.insert("options".into(), Value::Object(m));
        }
        Request::Register(r) => {
            s.insert("events".into(), json!(r.events));
        }
        Request::Query(q) => {
            s.insert("query".into(), json!(q.query));
            params(&q.params, s);
        }
        Request::Prepare(p) => {
            s.insert("query".into(), json!(p.query));
            if let Some(k) = &p.keyspace {
                s.insert("keyspace".into(), json!(k));
            }
        }
        Request::Execute(e) => {
            s.insert("id".into(), json!(hex(&e.id)));
            if let Some(id) = &e.result_metadata_id {
                s.insert("result_metadata_id".into(), json!(hex(id)));
            }
            params(&e.params, s);
        }
        Request::Batch(b) => {
            let kind = match b.batch_type {
                BatchType::Logged => "LOGGED",
                BatchType::Unlogged => "UNLOGGED",
                BatchType::Counter => "COUNTER",
            };
            s.insert("batch_type".into(), json!(kind));
            let children: Vec<Value> = b
                .statements
                .iter()
                .map(|st| match st {
                    BatchStatement::Query { query, values } => {
                        json!({"query": query, "values": values.count})
                    }
                    BatchStatement::Prepared { id, values } => {
                        json!({"id": hex(id), "values": values.count})
                    }
                })
                .collect();
            s.insert("children".into(), json!(children));
            s.insert("consistency".into(), json!(b.consistency.code()));
            let bits = [
                (b.serial_consistency.is_some(), 0x10),
                (b.timestamp.is_some(), 0x20),
                (b.keyspace.is_some(), 0x80),
                (b.now_in_seconds.is_some(), 0x100),
            ];
            let flags: u32 = bits.iter().filter(|(on, _)| *on).map(|(_, b)| b).sum();
            s.insert("bflags".into(), json!(format!("0x{flags:02x}")));
            if let Some(c) = b.serial_consistency {
                s.insert("serial_consistency".into(), json!(c.code()));
            }
            if let Some(t) = b.timestamp {
                s.insert("timestamp".into(), json!(t));
            }
            if let Some(k) = &b.keyspace {
                s.insert("keyspace".into(), json!(k));
            }
            if let Some(n) = b.now_in_seconds {
                s.insert("now_in_seconds".into(), json!(n));
            }
        }
        Request::AuthResponse(a) => {
            s.insert("token".into(), json!(a.token.as_ref().map(|_| "...")));
        }
        other => panic!("unexpected request {other:?}"),
    }
}

fn schema_change(c: &SchemaChange) -> Value {
    let change = c.change.as_str();
    match &c.target {
        SchemaChangeTarget::Keyspace { keyspace } => {
            json!({"change": change, "target": "KEYSPACE", "keyspace": keyspace})
        }
        SchemaChangeTarget::Table { keyspace, table } => {
            json!({"change": change, "target": "TABLE", "keyspace": keyspace, "name": table})
        }
        SchemaChangeTarget::Type { keyspace, name } => {
            json!({"change": change, "target": "TYPE", "keyspace": keyspace, "name": name})
        }
        SchemaChangeTarget::Function {
            keyspace,
            name,
            arg_types,
        } => json!({"change": change, "target": "FUNCTION", "keyspace": keyspace,
                    "name": name, "args": arg_types}),
        SchemaChangeTarget::Aggregate {
            keyspace,
            name,
            arg_types,
        } => json!({"change": change, "target": "AGGREGATE", "keyspace": keyspace,
                    "name": name, "args": arg_types}),
    }
}

/// `rows_metadata(prepared=False)` of the checker, without the types.
fn result_metadata(m: &ResultMetadata) -> Map<String, Value> {
    let mut flags = 0;
    if same_table(&m.columns) {
        flags |= 0x01;
    }
    if m.paging_state.is_some() {
        flags |= 0x02;
    }
    if m.columns.is_empty() {
        flags |= 0x04;
    }
    if m.new_metadata_id.is_some() {
        flags |= 0x08;
    }
    let mut md = Map::new();
    md.insert("mflags".into(), json!(flags));
    md.insert("columns".into(), json!(m.column_count));
    if let Some(ps) = &m.paging_state {
        md.insert("paging_state".into(), json!(hex(ps)));
    }
    if let Some(id) = &m.new_metadata_id {
        md.insert("new_metadata_id".into(), json!(hex(id)));
    }
    md
}

fn prepared_metadata(m: &PreparedMetadata, version: ProtocolVersion) -> Value {
    let flags = i32::from(same_table(&m.columns));
    json!({"mflags": flags, "columns": m.columns.len(), "pk_indexes": m.pk_indexes,
           "types": types(&m.columns, version)})
}

fn response(f: &ResponseFrame, version: ProtocolVersion, s: &mut Map<String, Value>) {
    match &f.response {
        Response::Ready => {}
        Response::Supported(opts) => {
            let m: Map<String, Value> = opts.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
            s.insert("options".into(), Value::Object(m));
        }
        Response::Authenticate(a) => {
            s.insert("authenticator".into(), json!(a));
        }
        Response::Result(r) => {
            let kind = [
                "",
                "Void",
                "Rows",
                "Set_keyspace",
                "Prepared",
                "Schema_change",
            ];
            s.insert("kind".into(), json!(kind[r.kind() as usize]));
            match r {
                ResultBody::Void => {}
                ResultBody::Rows(rows) => {
                    s.insert("rows".into(), json!(rows.row_count));
                    s.insert(
                        "metadata".into(),
                        Value::Object(result_metadata(&rows.metadata)),
                    );
                    if !rows.metadata.columns.is_empty() {
                        s.insert("types".into(), types(&rows.metadata.columns, version));
                    }
                }
                ResultBody::SetKeyspace(k) => {
                    s.insert("keyspace".into(), json!(k));
                }
                ResultBody::Prepared(p) => {
                    s.insert("id".into(), json!(hex(&p.id)));
                    if let Some(id) = &p.result_metadata_id {
                        s.insert("result_metadata_id".into(), json!(hex(id)));
                    }
                    s.insert("bind".into(), prepared_metadata(&p.metadata, version));
                    let mut md = result_metadata(&p.result_metadata);
                    if !p.result_metadata.columns.is_empty() {
                        md.insert("types".into(), types(&p.result_metadata.columns, version));
                    }
                    s.insert("result".into(), Value::Object(md));
                }
                ResultBody::SchemaChange(c) => {
                    s.insert("schema_change".into(), schema_change(c));
                }
            }
        }
        Response::Error(e) => {
            s.insert("code".into(), json!(format!("0x{:04x}", e.kind.code())));
            s.insert("message".into(), json!(e.message));
            if let cassia_protocol::response::ErrorKind::Unprepared { id } = &e.kind {
                s.insert("id".into(), json!(hex(id)));
            }
            // The captures hold no other error kinds; their fields are covered by unit tests.
        }
        Response::Event(ev) => match ev {
            Event::SchemaChange(c) => {
                s.insert("event".into(), json!("SCHEMA_CHANGE"));
                s.insert("schema_change".into(), schema_change(c));
            }
            Event::TopologyChange { change, address } | Event::StatusChange { change, address } => {
                let name = if matches!(ev, Event::TopologyChange { .. }) {
                    "TOPOLOGY_CHANGE"
                } else {
                    "STATUS_CHANGE"
                };
                let ip = match address.ip() {
                    std::net::IpAddr::V4(a) => hex(&a.octets()),
                    std::net::IpAddr::V6(a) => hex(&a.octets()),
                };
                s.insert("event".into(), json!(name));
                s.insert("change".into(), json!(change));
                s.insert("address".into(), json!(format!("{ip}:{}", address.port())));
            }
        },
        Response::AuthChallenge(t) | Response::AuthSuccess(t) => {
            s.insert("token".into(), json!(t.as_ref().map(|_| "...")));
        }
        other => panic!("unexpected response {other:?}"),
    }
}

/// The summary object of one decoded frame.
pub fn summary(message: &Message, version: ProtocolVersion) -> Value {
    let mut s = Map::new();
    let payload = match message {
        Message::Request(r) => &r.custom_payload,
        Message::Response(r) => &r.custom_payload,
    };
    if let Message::Response(r) = message {
        if let Some(id) = r.tracing_id {
            s.insert("trace_id".into(), json!(hex(id.as_bytes())));
        }
        if !r.warnings.is_empty() {
            s.insert("warnings".into(), json!(r.warnings));
        }
    }
    if let Some(p) = payload {
        let m: Map<String, Value> = p
            .iter()
            .map(|(k, v)| (k.clone(), json!(v.as_deref().map(hex))))
            .collect();
        s.insert("custom_payload".into(), Value::Object(m));
    }
    match message {
        Message::Request(r) => request(r, &mut s),
        Message::Response(r) => response(r, version, &mut s),
    }
    Value::Object(s)
}
