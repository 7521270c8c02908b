//! Socket-free streaming framing shared by the driver and the emulator.
//!
//! [`FrameDecoder`] turns received bytes into [`Frame`]s (header plus decompressed body);
//! [`FrameEncoder`] turns encoded frames into bytes to send. Both start in plain framing,
//! the v4 layout that v5 also uses for its handshake, and are switched by the connection
//! code at the points the protocol defines:
//!
//! * v4 compression: from the STARTUP that names it, every frame with flag 0x01 has a
//!   compressed body (the server's READY included);
//! * v5 segments: the client switches right after sending STARTUP, the server right after
//!   sending READY (or AUTHENTICATE); each side's decoder switches at the matching point.

mod decoder;
mod encoder;
mod error;

pub use decoder::{Frame, FrameDecoder};
pub use encoder::FrameEncoder;
pub use error::FrameError;

/// The default cap on a frame body: 256 MiB, Cassandra's own default.
pub const DEFAULT_MAX_FRAME_SIZE: usize = 256 * 1024 * 1024;

#[cfg(test)]
mod tests;
