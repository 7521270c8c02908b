//! RESULT bodies: Void, Rows, Set_keyspace, Prepared and Schema_change, plus the schema
//! change payload that SCHEMA_CHANGE events share.

use bytes::Bytes;

use super::{
    MetadataCache, Prepared, PreparedMetadata, ResultBody, ResultMetadata, Rows, SchemaChange,
    SchemaChangeTarget, SchemaChangeType,
};
use crate::frame::ProtocolVersion;
use crate::wire::{
    DecodeError, EncodeError, Reader, put_i32, put_short_bytes, put_string, put_string_list,
};

impl ResultBody {
    /// The `[int]` kind that starts the body.
    pub fn kind(&self) -> i32 {
        match self {
            ResultBody::Void => 1,
            ResultBody::Rows(_) => 2,
            ResultBody::SetKeyspace(_) => 3,
            ResultBody::Prepared(_) => 4,
            ResultBody::SchemaChange(_) => 5,
        }
    }

    /// Appends the RESULT body.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        put_i32(out, self.kind());
        match self {
            ResultBody::Void => Ok(()),
            ResultBody::Rows(rows) => rows.encode(version, out),
            ResultBody::SetKeyspace(ks) => put_string(out, ks, "keyspace"),
            ResultBody::Prepared(p) => p.encode(version, out),
            ResultBody::SchemaChange(c) => c.encode(out),
        }
    }

    /// Reads a RESULT body; see [`Rows`] for `owner`.
    pub(crate) fn decode(
        r: &mut Reader<'_>,
        version: ProtocolVersion,
        owner: Option<&Bytes>,
        cache: Option<&mut MetadataCache>,
    ) -> Result<Self, DecodeError> {
        Ok(match r.i32("result kind")? {
            1 => ResultBody::Void,
            2 => ResultBody::Rows(Rows::decode(r, version, owner, cache)?),
            3 => ResultBody::SetKeyspace(r.string("keyspace")?.to_owned()),
            4 => ResultBody::Prepared(Prepared::decode(r, version)?),
            5 => ResultBody::SchemaChange(SchemaChange::decode(r)?),
            other => {
                return Err(DecodeError::Invalid {
                    what: "result kind",
                    detail: format!("unknown kind {other}"),
                });
            }
        })
    }
}

impl Prepared {
    /// Appends the Prepared result body (after the kind). v5 needs a result metadata id;
    /// v4 must not have one.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        put_short_bytes(out, &self.id, "prepared id")?;
        match (version, &self.result_metadata_id) {
            (ProtocolVersion::V5, Some(id)) => put_short_bytes(out, id, "result metadata id")?,
            (ProtocolVersion::V4, None) => {}
            (ProtocolVersion::V5, None) => {
                return Err(EncodeError::Invalid {
                    what: "Prepared result",
                    detail: "protocol v5 requires a result metadata id".to_owned(),
                });
            }
            (ProtocolVersion::V4, Some(_)) => {
                return Err(EncodeError::Unsupported {
                    what: "Prepared result metadata id",
                    version: 4,
                });
            }
        }
        self.metadata.encode(version, out)?;
        self.result_metadata.encode(version, out)
    }

    fn decode(r: &mut Reader<'_>, version: ProtocolVersion) -> Result<Self, DecodeError> {
        let id = Bytes::copy_from_slice(r.short_bytes("prepared id")?);
        let result_metadata_id = match version {
            ProtocolVersion::V4 => None,
            ProtocolVersion::V5 => {
                Some(Bytes::copy_from_slice(r.short_bytes("result metadata id")?))
            }
        };
        let metadata = PreparedMetadata::decode(r)?;
        let result_metadata = ResultMetadata::decode(r, version)?;
        Ok(Prepared {
            id,
            result_metadata_id,
            metadata,
            result_metadata,
        })
    }
}

impl SchemaChangeType {
    /// The wire name (`CREATED`, `UPDATED`, `DROPPED`).
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaChangeType::Created => "CREATED",
            SchemaChangeType::Updated => "UPDATED",
            SchemaChangeType::Dropped => "DROPPED",
        }
    }
}

impl SchemaChange {
    /// Appends `<change_type><target><options>`.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        put_string(out, self.change.as_str(), "schema change type")?;
        match &self.target {
            SchemaChangeTarget::Keyspace { keyspace } => {
                put_string(out, "KEYSPACE", "schema change target")?;
                put_string(out, keyspace, "keyspace")
            }
            SchemaChangeTarget::Table { keyspace, table } => {
                put_string(out, "TABLE", "schema change target")?;
                put_string(out, keyspace, "keyspace")?;
                put_string(out, table, "table")
            }
            SchemaChangeTarget::Type { keyspace, name } => {
                put_string(out, "TYPE", "schema change target")?;
                put_string(out, keyspace, "keyspace")?;
                put_string(out, name, "type name")
            }
            SchemaChangeTarget::Function {
                keyspace,
                name,
                arg_types,
            }
            | SchemaChangeTarget::Aggregate {
                keyspace,
                name,
                arg_types,
            } => {
                let target = if matches!(self.target, SchemaChangeTarget::Function { .. }) {
                    "FUNCTION"
                } else {
                    "AGGREGATE"
                };
                put_string(out, target, "schema change target")?;
                put_string(out, keyspace, "keyspace")?;
                put_string(out, name, "function name")?;
                put_string_list(out, arg_types, "argument types")
            }
        }
    }

    /// Reads `<change_type><target><options>`.
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let change = match r.string("schema change type")? {
            "CREATED" => SchemaChangeType::Created,
            "UPDATED" => SchemaChangeType::Updated,
            "DROPPED" => SchemaChangeType::Dropped,
            other => {
                return Err(DecodeError::Invalid {
                    what: "schema change type",
                    detail: format!("unknown change {other:?}"),
                });
            }
        };
        let target = match r.string("schema change target")? {
            "KEYSPACE" => SchemaChangeTarget::Keyspace {
                keyspace: r.string("keyspace")?.to_owned(),
            },
            "TABLE" => SchemaChangeTarget::Table {
                keyspace: r.string("keyspace")?.to_owned(),
                table: r.string("table")?.to_owned(),
            },
            "TYPE" => SchemaChangeTarget::Type {
                keyspace: r.string("keyspace")?.to_owned(),
                name: r.string("type name")?.to_owned(),
            },
            t @ ("FUNCTION" | "AGGREGATE") => {
                let keyspace = r.string("keyspace")?.to_owned();
                let name = r.string("function name")?.to_owned();
                let arg_types = r.string_list("argument types")?;
                if t == "FUNCTION" {
                    SchemaChangeTarget::Function {
                        keyspace,
                        name,
                        arg_types,
                    }
                } else {
                    SchemaChangeTarget::Aggregate {
                        keyspace,
                        name,
                        arg_types,
                    }
                }
            }
            other => {
                return Err(DecodeError::Invalid {
                    what: "schema change target",
                    detail: format!("unknown target {other:?}"),
                });
            }
        };
        Ok(SchemaChange { change, target })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(body: &ResultBody, version: ProtocolVersion) -> Vec<u8> {
        let mut out = Vec::new();
        body.encode(version, &mut out).expect("encodes");
        let mut r = Reader::new(&out);
        assert_eq!(
            ResultBody::decode(&mut r, version, None, None).as_ref(),
            Ok(body)
        );
        assert_eq!(r.remaining(), 0);
        out
    }

    #[test]
    fn void_and_set_keyspace_bytes() {
        assert_eq!(
            round_trip(&ResultBody::Void, ProtocolVersion::V4),
            [0, 0, 0, 1]
        );
        assert_eq!(
            round_trip(&ResultBody::SetKeyspace("ks".into()), ProtocolVersion::V4),
            [0, 0, 0, 3, 0, 2, b'k', b's']
        );
    }

    #[test]
    fn schema_change_function_round_trip() {
        let c = ResultBody::SchemaChange(SchemaChange {
            change: SchemaChangeType::Created,
            target: SchemaChangeTarget::Aggregate {
                keyspace: "ks".into(),
                name: "agg".into(),
                arg_types: vec!["int".into()],
            },
        });
        let out = round_trip(&c, ProtocolVersion::V5);
        assert_eq!(&out[4..13], b"\0\x07CREATED");
    }

    #[test]
    fn prepared_v5_needs_a_metadata_id() {
        let p = Prepared {
            id: Bytes::from_static(&[1]),
            result_metadata_id: Some(Bytes::from_static(&[2])),
            metadata: PreparedMetadata::default(),
            result_metadata: ResultMetadata::default(),
        };
        round_trip(&ResultBody::Prepared(p.clone()), ProtocolVersion::V5);
        assert!(p.encode(ProtocolVersion::V4, &mut Vec::new()).is_err());
        let unknown = [0, 0, 0, 9];
        assert!(
            ResultBody::decode(&mut Reader::new(&unknown), ProtocolVersion::V4, None, None)
                .is_err()
        );
    }
}
