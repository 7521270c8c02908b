//! EVENT bodies: `<event_type>` then the event's fields. Same layout in v4 and v5.

use super::{Event, SchemaChange};
use crate::wire::{DecodeError, EncodeError, Reader, put_inet, put_string};

impl Event {
    /// Appends the EVENT body.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            Event::TopologyChange { change, address } => {
                put_string(out, "TOPOLOGY_CHANGE", "event type")?;
                put_string(out, change, "topology change")?;
                put_inet(out, *address);
            }
            Event::StatusChange { change, address } => {
                put_string(out, "STATUS_CHANGE", "event type")?;
                put_string(out, change, "status change")?;
                put_inet(out, *address);
            }
            Event::SchemaChange(c) => {
                put_string(out, "SCHEMA_CHANGE", "event type")?;
                c.encode(out)?;
            }
        }
        Ok(())
    }

    /// Reads an EVENT body.
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match r.string("event type")? {
            "TOPOLOGY_CHANGE" => Event::TopologyChange {
                change: r.string("topology change")?.to_owned(),
                address: r.inet("node address")?,
            },
            "STATUS_CHANGE" => Event::StatusChange {
                change: r.string("status change")?.to_owned(),
                address: r.inet("node address")?,
            },
            "SCHEMA_CHANGE" => Event::SchemaChange(SchemaChange::decode(r)?),
            other => {
                return Err(DecodeError::Invalid {
                    what: "event type",
                    detail: format!("unknown event {other:?}"),
                });
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::{SchemaChangeTarget, SchemaChangeType};

    #[test]
    fn status_change_bytes() {
        let e = Event::StatusChange {
            change: "UP".into(),
            address: "127.0.0.1:9042".parse().expect("literal"),
        };
        let mut out = Vec::new();
        e.encode(&mut out).expect("encodes");
        let mut expected = b"\0\x0dSTATUS_CHANGE\0\x02UP\x04\x7f\0\0\x01".to_vec();
        expected.extend_from_slice(&9042i32.to_be_bytes());
        assert_eq!(out, expected);
        assert_eq!(Event::decode(&mut Reader::new(&out)), Ok(e));
    }

    #[test]
    fn schema_change_event_round_trip() {
        let e = Event::SchemaChange(SchemaChange {
            change: SchemaChangeType::Dropped,
            target: SchemaChangeTarget::Table {
                keyspace: "ks".into(),
                table: "t".into(),
            },
        });
        let mut out = Vec::new();
        e.encode(&mut out).expect("encodes");
        let mut r = Reader::new(&out);
        assert_eq!(Event::decode(&mut r), Ok(e));
        assert_eq!(r.remaining(), 0);
        assert!(Event::decode(&mut Reader::new(b"\0\x03FOO")).is_err());
    }
}
