//! Socket-free streaming framing shared by the driver and the emulator.

mod error;

pub use error::FrameError;
