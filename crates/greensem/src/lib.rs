//! eventlet's `Semaphore`, `BoundedSemaphore` and `CappedSemaphore`: FIFO,
//! cancel-safe, on any executor or OS thread.
//!
//! ```
//! use greensem::Semaphore;
//!
//! futures_lite::future::block_on(async {
//!     let sem = Semaphore::new(2);
//!     let first = sem.acquire().await;
//!     let _second = sem.acquire().await;
//!     assert!(sem.locked());
//!     assert!(sem.try_acquire().is_none());
//!     drop(first); // the guard gives its permit back
//!     assert!(sem.try_acquire().is_some());
//! });
//! ```
//!
//! Every waiting operation comes in the workspace's faces, one
//! implementation each: `acquire()` (async), `acquire_timeout(d)`,
//! `acquire_blocking()`, `acquire_blocking_timeout(d)` and `try_acquire()`.
//!
//! Waiters are served in arrival order. As in eventlet, `try_acquire` and the
//! timed acquires may take a released permit before a queued waiter has run;
//! that waiter then keeps its place at the head of the queue. Dropping an
//! acquire future at any point takes no permit and loses no wake-up.
//!
//! # Timed waits
//!
//! Every `*_timeout` face follows one rule across the workspace: what
//! eventlet's call returns on timeout, made unambiguous, handing back
//! anything it was given (the table is in the `eventlet` facade's docs
//! and the repository's `docs/semantics.md`). Here:
//! `Semaphore::acquire_timeout` returns `Option<SemaphoreGuard>` (`None`:
//! eventlet's `False`); `CappedSemaphore::acquire_timeout` and
//! `release_timeout` return `bool`, as they have no guard.

#[macro_use]
mod sync;

mod bounded;
mod capped;
mod core;
mod error;
mod faces;
mod guard;
mod semaphore;

pub use bounded::BoundedSemaphore;
pub use capped::CappedSemaphore;
pub use error::{InvalidBounds, ReleasedTooManyTimes};
pub use guard::{SemaphoreGuard, SemaphoreGuardArc};
pub use semaphore::Semaphore;

/// The named futures of this crate, for users who store them in structs.
///
/// ```
/// let sem = greensem::Semaphore::new(1);
/// let acquiring: greensem::futures::Acquire<'_> = sem.acquire();
/// # drop(acquiring);
/// ```
pub mod futures {
    pub use crate::capped::{
        CappedAcquire, CappedAcquireTimeout, CappedRelease, CappedReleaseTimeout,
    };
    pub use crate::faces::{Acquire, AcquireArc, AcquireArcTimeout, AcquireTimeout};
}
