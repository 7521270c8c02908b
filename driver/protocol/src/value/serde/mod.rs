//! serde support for the value types (the `serde` feature, on by default), so values read
//! from Cassandra can go straight into JSON responses and configuration can name them.
//!
//! | type | human-readable form (JSON) | compact form (bincode…) |
//! | --- | --- | --- |
//! | [`CqlDate`](super::CqlDate) | `"2024-02-29"`; the raw day number outside years 1..=9999 | raw day number |
//! | [`CqlTime`](super::CqlTime) | `"13:45:00.000000001"` | nanoseconds |
//! | [`CqlTimestamp`](super::CqlTimestamp) | `"2024-02-29T13:45:00.123Z"` (RFC 3339, UTC); milliseconds outside years 1..=9999 | milliseconds |
//! | [`CqlDuration`](super::CqlDuration) | `"1y2mo3d4h5m6s7ms8us9ns"` (CQL's literal); `{"months", "days", "nanoseconds"}` if the signs differ | the object |
//! | [`Counter`](super::Counter) | number | number |
//! | [`Timeuuid`](super::Timeuuid) | UUID string (must be version 1) | 16 bytes |
//! | varint (`BigInt`) | decimal string, via [`varint_as_string`](super::varint_as_string) | same |
//! | [`CqlValue`](super::CqlValue) | `Serialize` only, see its impl | same |
//!
//! Every form reads back to the value that wrote it. Deserializing from a human-readable
//! format also accepts the other form of each type (a number for a date, an object for a
//! duration, any RFC 3339 offset for a timestamp, ISO 8601 `"P1DT2H"` for a duration).
//! The `uuid`, `chrono` and `bigdecimal` types get their own crates' serde support with this
//! feature (`BigDecimal` as a decimal string).
//!
//! `::serde` is spelled with its leading `::` in this module to keep the crate apart from
//! the module's own name.

mod duration;
mod dynamic;
mod time;
mod wrappers;

pub use wrappers::varint_as_string;
