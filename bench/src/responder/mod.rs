//! The responder: a minimal, fast CQL server that answers from precomputed frames.
//!
//! It runs on its own thread with a current-thread tokio runtime, pinned to core 0, so the
//! clients (pinned to core 1) are measured against a server that costs them nothing and
//! whose own CPU time can be read from `/proc/self/task/<tid>/stat` to prove it was not the
//! bottleneck.

pub(crate) mod answers;
pub(crate) mod body;
mod conn;
pub(crate) mod system;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::procfs;
use cassia_protocol::codec::FrameError;

/// Why the responder failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum ResponderError {
    /// Socket or runtime I/O.
    #[error("responder I/O: {0}")]
    Io(#[source] std::io::Error),
    /// Framing (the protocol crate's codec).
    #[error("responder framing: {0}")]
    Frame(#[from] FrameError),
    /// A request body could not be parsed.
    #[error("responder could not decode a request: {0}")]
    Decode(#[from] cassia_protocol::wire::DecodeError),
    /// A precomputed body could not be built.
    #[error("responder tables: {0}")]
    Body(#[from] body::BodyError),
    /// The responder thread died before reporting its thread id.
    #[error("responder thread did not start")]
    NoThread,
}

/// A running responder.
#[derive(Debug)]
pub(crate) struct Responder {
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    /// Kernel thread id of the responder thread (for CPU accounting).
    tid: u32,
    /// Whether pinning to the requested core succeeded.
    pub(crate) pinned: bool,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Responder {
    /// Starts the responder on 127.0.0.1 (ephemeral port), pinned to `core` if given.
    pub(crate) fn start(core: Option<usize>) -> Result<Self, ResponderError> {
        let std_listener =
            std::net::TcpListener::bind("127.0.0.1:0").map_err(ResponderError::Io)?;
        std_listener
            .set_nonblocking(true)
            .map_err(ResponderError::Io)?;
        let addr = std_listener.local_addr().map_err(ResponderError::Io)?;
        let answers = Arc::new(answers::Answers::build(addr.port())?);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<(u32, bool)>();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("responder".into())
            .spawn(move || {
                let pinned = core.is_some_and(crate::pin::to_core);
                let tid = procfs::current_tid().unwrap_or(0);
                let _ = ready_tx.send((tid, pinned));
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(accept_loop(std_listener, answers, stop_rx));
            })
            .map_err(ResponderError::Io)?;
        let (tid, pinned) = ready_rx
            .recv_timeout(Duration::from_secs(10))
            .map_err(|_| ResponderError::NoThread)?;
        Ok(Responder {
            addr,
            tid,
            pinned,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// CPU time (user + system) the responder thread has used so far.
    pub(crate) fn cpu(&self) -> Option<Duration> {
        procfs::thread_cpu(self.tid).ok()
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn accept_loop(
    listener: std::net::TcpListener,
    answers: Arc<answers::Answers>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => {
                let Ok((socket, _)) = accepted else { continue };
                let answers = Arc::clone(&answers);
                tokio::spawn(async move {
                    if let Err(e) = conn::serve(socket, answers).await {
                        eprintln!("responder: connection closed with error: {e}");
                    }
                });
            }
        }
    }
}

#[cfg(test)]
mod tests;
