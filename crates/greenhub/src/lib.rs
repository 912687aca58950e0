//! eventlet's hub over smol: [`run`], [`spawn`], [`spawn_n`], [`spawn_after`],
//! [`sleep`] and [`GreenThread`].
//!
//! A greenthread is a task on a smol executor. On the default one-thread
//! [`Hub`] they keep eventlet's order: spawned tasks run in spawn order, a
//! spawned task runs only once its spawner yields, and
//! `sleep(Duration::ZERO)` round-robins.
//!
//! ```
//! use std::time::Duration;
//!
//! let total = greenhub::run(async {
//!     let workers: Vec<_> = (1..=3)
//!         .map(|n| greenhub::spawn(async move {
//!             greenhub::sleep(Duration::from_millis(n)).await;
//!             n * 10
//!         }))
//!         .collect();
//!     let mut total = 0;
//!     for worker in workers {
//!         total += worker.wait().await.unwrap();
//!     }
//!     total
//! });
//! assert_eq!(total, 60);
//! ```
//!
//! # Timed waits
//!
//! Every `*_timeout` face follows one rule across the workspace: what
//! eventlet's call returns on timeout, made unambiguous, handing back
//! anything it was given (the table is in the `eventlet` facade's docs
//! and the repository's `docs/semantics.md`). Here:
//! `GreenThread::wait_timeout` returns `Option<Result<T, WaitError>>`, `None`
//! when the timeout passed, as `Event::wait_timeout` does.

mod error;
mod greenthread;
mod hub;
mod sleep;

use std::future::Future;
use std::time::Duration;

pub use error::WaitError;
pub use greenthread::GreenThread;
pub use hub::{Hub, HubBuilder};
pub use sleep::{Sleep, sleep};

/// Runs `future` as the main greenthread of the current hub and blocks until
/// it finishes. See [`Hub::run`].
///
/// # Panics
/// If called from a greenthread of the same hub, or if `future` panics.
///
/// ```
/// assert_eq!(greenhub::run(async { 3 }), 3);
/// ```
pub fn run<F>(future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    Hub::current().run(future)
}

/// Starts `future` as a greenthread of the current hub. See [`Hub::spawn`].
///
/// ```
/// let thread = greenhub::spawn(async { 5 });
/// assert_eq!(thread.wait_blocking(), Ok(5));
/// ```
pub fn spawn<F>(future: F) -> GreenThread<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + Sync + 'static,
{
    Hub::current().spawn(future)
}

/// Starts `future` and forgets it. See [`Hub::spawn_n`].
///
/// ```
/// let (tx, rx) = std::sync::mpsc::channel();
/// greenhub::spawn_n(async move { tx.send("ran").unwrap() });
/// assert_eq!(rx.recv(), Ok("ran"));
/// ```
pub fn spawn_n<F>(future: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    Hub::current().spawn_n(future);
}

/// Starts `future` after `delay`. See [`Hub::spawn_after`].
///
/// ```
/// use std::time::Duration;
/// let later = greenhub::spawn_after(Duration::from_millis(1), async { 9 });
/// assert_eq!(later.wait_blocking(), Ok(9));
/// ```
pub fn spawn_after<F>(delay: Duration, future: F) -> GreenThread<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + Sync + 'static,
{
    Hub::current().spawn_after(delay, future)
}
