//! eventlet's `Event`: one sender broadcasts a value or an error to any number
//! of waiters, on any executor or OS thread.
//!
//! ```
//! use std::sync::Arc;
//! use greenevent::Event;
//!
//! let event = Arc::new(Event::<u32, String>::with_error_type());
//! let waiter = {
//!     let event = event.clone();
//!     std::thread::spawn(move || event.wait_blocking())
//! };
//! event.send(42).unwrap();
//! assert_eq!(waiter.join().unwrap(), Ok(42));
//! // A sent event answers at once, as often as asked.
//! assert_eq!(futures_lite::future::block_on(event.wait()), Ok(42));
//! ```
//!
//! Every waiting operation comes in the workspace's faces: `wait()` (async),
//! `wait_timeout(d)`, `wait_blocking()` and `wait_blocking_timeout(d)`, all
//! one implementation; `poll()` never waits.
//!
//! # Timed waits
//!
//! Every `*_timeout` face follows one rule across the workspace: what
//! eventlet's call returns on timeout, made unambiguous, handing back
//! anything it was given (the table is in the `eventlet` facade's docs
//! and the repository's `docs/semantics.md`). Here:
//! `wait_timeout` returns `Option<Result<T, E>>`, `None` when the timeout
//! passed: eventlet returns `None` there, which a sent `None` could not be
//! told apart from.

#[macro_use]
mod sync;

mod error;
mod event;
mod waiters;

pub use error::{AlreadySent, Killed, NotSent};
pub use event::Event;

/// The named futures of this crate, for users who store them in structs.
///
/// ```
/// let event = greenevent::Event::<u8>::new();
/// let waiting: greenevent::futures::Wait<'_, u8> = event.wait();
/// # drop(waiting);
/// ```
pub mod futures {
    pub use crate::event::{Wait, WaitTimeout};
}
