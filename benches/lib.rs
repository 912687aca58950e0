//! Benchmarks of the eventlet-rs workspace against its peers; the benches live
//! in `benches/benches/` and run with `cargo xtask bench`. This library holds
//! what they share.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Polls `future` once with a no-op waker and returns its output; panics if it
/// is not ready. Measures a future's own cost without an executor's.
///
/// # Panics
/// If the future is pending: a bench that measures a ready path must be ready.
///
/// ```
/// assert_eq!(eventlet_benches::poll_ready(async { 3 }), 3);
/// ```
pub fn poll_ready<F: Future>(future: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("poll_ready: the future was pending"),
    }
}
