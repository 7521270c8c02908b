//! The native scalar functions usable in terms: `now()`, `uuid()`, time conversions
//! (`toTimestamp`, `toDate`, `toUnixTimestamp`, `minTimeuuid`, ...) and the
//! `blobAsX` / `xAsBlob` family.

use bytes::Bytes;
use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;

use super::term::{
    Binds, Receiver, Val, eval, timeuuid_at_micros, timeuuid_millis, timeuuid_now, validate,
};
use crate::catalog::invalid;
use crate::cql::ast::Term;
use crate::store::now_micros;

/// The CQL type named in `blobAsX` / `xAsBlob`.
pub(crate) fn native_by_name(name: &str) -> Option<ColumnType> {
    Some(match name {
        "ascii" => ColumnType::Ascii,
        "bigint" => ColumnType::BigInt,
        "blob" => ColumnType::Blob,
        "boolean" => ColumnType::Boolean,
        "counter" => ColumnType::Counter,
        "date" => ColumnType::Date,
        "decimal" => ColumnType::Decimal,
        "double" => ColumnType::Double,
        "duration" => ColumnType::Duration,
        "float" => ColumnType::Float,
        "inet" => ColumnType::Inet,
        "int" => ColumnType::Int,
        "smallint" => ColumnType::SmallInt,
        "text" | "varchar" => ColumnType::Text,
        "time" => ColumnType::Time,
        "timestamp" => ColumnType::Timestamp,
        "timeuuid" => ColumnType::Timeuuid,
        "tinyint" => ColumnType::TinyInt,
        "uuid" => ColumnType::Uuid,
        "varint" => ColumnType::Varint,
        _ => return None,
    })
}

/// The return type of a function used as a term (for bind-marker typing and checks).
pub(crate) fn return_type(name: &str) -> Option<ColumnType> {
    if let Some(t) = name.strip_prefix("blobas") {
        return native_by_name(t);
    }
    if name.ends_with("asblob") {
        return Some(ColumnType::Blob);
    }
    Some(match name {
        "now" | "currenttimeuuid" | "mintimeuuid" | "maxtimeuuid" => ColumnType::Timeuuid,
        "uuid" => ColumnType::Uuid,
        "totimestamp" | "currenttimestamp" | "dateof" => ColumnType::Timestamp,
        "todate" | "currentdate" => ColumnType::Date,
        "currenttime" => ColumnType::Time,
        "tounixtimestamp" | "token" | "unixtimestampof" => ColumnType::BigInt,
        "tojson" => ColumnType::Text,
        _ => return None,
    })
}

fn one_arg<'a>(name: &str, args: &'a [Term]) -> Result<&'a Term, ServerError> {
    match args {
        [a] => Ok(a),
        _ => Err(invalid(format!(
            "Invalid number of arguments in call to function system.{name}: 1 required but {} provided",
            args.len()
        ))),
    }
}

fn arg_value(t: &Term, typ: &ColumnType, binds: &Binds<'_>) -> Result<Option<Bytes>, ServerError> {
    let recv = Receiver { name: "arg", typ };
    Ok(eval(t, recv, binds)?.bytes().cloned())
}

/// `SimpleDateSerializer.timeInMillisToDay`: the day of a millisecond instant, as a date.
pub(crate) fn millis_to_date(ms: i64) -> Bytes {
    let days = ms.div_euclid(86_400_000);
    Bytes::copy_from_slice(&((days + (1i64 << 31)) as u32).to_be_bytes())
}

/// `SimpleDateSerializer.dayToTimeInMillis`: the unsigned day, centred on the epoch.
pub(crate) fn date_to_millis(d: &[u8]) -> Option<i64> {
    let raw = u32::from_be_bytes(d.try_into().ok()?);
    Some((i64::from(raw) - (1i64 << 31)) * 86_400_000)
}

/// The argument of a time conversion as milliseconds, whatever its type
/// (timeuuid, timestamp or date; a bare `now()` is a timeuuid).
fn time_arg_millis(t: &Term, binds: &Binds<'_>) -> Result<Option<i64>, ServerError> {
    let typ = match t {
        Term::Function { name, .. } => return_type(name).unwrap_or(ColumnType::Timeuuid),
        Term::Literal(crate::cql::ast::Literal::String(_)) => ColumnType::Timestamp,
        _ => ColumnType::Timeuuid,
    };
    let Some(v) = arg_value(t, &typ, binds)? else {
        return Ok(None);
    };
    Ok(match typ {
        ColumnType::Timeuuid => timeuuid_millis(&v),
        ColumnType::Date => date_to_millis(&v),
        _ => <[u8; 8]>::try_from(v.as_ref()).ok().map(i64::from_be_bytes),
    })
}

/// `UUIDGen.minTimeUUID` / `maxTimeUUID`: the smallest (largest) timeuuid of a millisecond.
pub(crate) fn timeuuid_bound(min: bool, ms: i64) -> Bytes {
    let mut u = timeuuid_at_micros(ms * 1000).to_vec();
    if let Some(tail) = u.get_mut(8..16) {
        let fill = if min { [0x80; 8] } else { [0x7f; 8] };
        tail.copy_from_slice(&fill);
    }
    Bytes::from(u)
}

/// Calls a native function in a term position.
pub(crate) fn call(
    name: &str,
    args: &[Term],
    recv: Receiver<'_>,
    binds: &Binds<'_>,
) -> Result<Val, ServerError> {
    let v = |b: Bytes| Ok(Val::Value(b));
    if let Some(t) = name.strip_prefix("blobas").and_then(native_by_name) {
        let Some(b) = arg_value(one_arg(name, args)?, &ColumnType::Blob, binds)? else {
            return Ok(Val::Null);
        };
        // BytesConversionFcts.makeFromBlobFunction: the target type's validate; tinyint,
        // smallint, date and time (fixed sizes, no empty escape) refuse an empty blob too.
        let no_empty = matches!(
            t,
            ColumnType::TinyInt | ColumnType::SmallInt | ColumnType::Date | ColumnType::Time
        );
        if validate(&t, &b).is_err() || (b.is_empty() && no_empty) {
            return Err(invalid(format!(
                "In call to function system.{name}, value 0x{} is not a valid binary representation for type {}",
                super::hex(&b),
                &name["blobas".len()..]
            )));
        }
        return v(b);
    }
    if let Some(t) = name.strip_suffix("asblob").and_then(native_by_name) {
        return match arg_value(one_arg(name, args)?, &t, binds)? {
            Some(b) => v(b),
            None => Ok(Val::Null),
        };
    }
    match name {
        "now" | "currenttimeuuid" => v(timeuuid_now()),
        "uuid" => v(Bytes::copy_from_slice(
            crate::durability::tape::uuid(uuid::Uuid::new_v4).as_bytes(),
        )),
        "currenttimestamp" => v(Bytes::copy_from_slice(&(now_micros() / 1000).to_be_bytes())),
        "currentdate" => v(millis_to_date(now_micros() / 1000)),
        "currenttime" => {
            let nanos = (now_micros() % 86_400_000_000) * 1000;
            v(Bytes::copy_from_slice(&nanos.to_be_bytes()))
        }
        "totimestamp" | "tounixtimestamp" | "dateof" | "unixtimestampof" => {
            match time_arg_millis(one_arg(name, args)?, binds)? {
                Some(ms) => v(Bytes::copy_from_slice(&ms.to_be_bytes())),
                None => Ok(Val::Null),
            }
        }
        "todate" => match time_arg_millis(one_arg(name, args)?, binds)? {
            Some(ms) => v(millis_to_date(ms)),
            None => Ok(Val::Null),
        },
        "mintimeuuid" | "maxtimeuuid" => {
            let Some(ms) = time_arg_millis(one_arg(name, args)?, binds)? else {
                return Ok(Val::Null);
            };
            v(timeuuid_bound(name == "mintimeuuid", ms))
        }
        "fromjson" => {
            let Some(text) = arg_value(one_arg(name, args)?, &ColumnType::Text, binds)? else {
                return Ok(Val::Null);
            };
            let text =
                std::str::from_utf8(&text).map_err(|_| invalid("String didn't validate."))?;
            let term = super::json::term_for(text, recv.typ, recv.name)?;
            eval(&term, recv, binds)
        }
        _ => Err(invalid(format!(
            "Unknown function '{name}' (receiving column {} of type {})",
            recv.name, recv.typ
        ))),
    }
}
