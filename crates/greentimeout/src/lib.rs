//! eventlet's timeouts for async Rust: [`Timeout`], [`with_timeout`],
//! [`with_timeout_or`], [`is_timeout`] and [`wrap_is_timeout`].
//!
//! In eventlet a `Timeout` raises inside the greenthread at its next yield. In
//! Rust a timeout bounds a future: when it fires, the future is dropped at its
//! current await point and the bounded future resolves to `Err(Elapsed)`. Every
//! primitive of this workspace is cancel-safe, which is what makes that safe.
//!
//! The timers come from async-io, so these futures run on any executor.
//!
//! ```
//! use std::time::Duration;
//! use greentimeout::{with_timeout, Timeout};
//!
//! futures_lite::future::block_on(async {
//!     // eventlet: `with Timeout(0.01): sleep(10)`
//!     let timeout = Timeout::new(Duration::from_millis(10));
//!     let slow = async_io::Timer::after(Duration::from_secs(10));
//!     let err = timeout.scope(slow).await.unwrap_err();
//!     assert!(err.is(&timeout));
//!
//!     // A future that finishes in time gives its output back.
//!     assert_eq!(with_timeout(Duration::from_secs(1), async { 7 }).await, Ok(7));
//! });
//! ```
//!
//! The [`blocking`] module holds what the other crates' `*_blocking_timeout`
//! faces need: a deadline strategy for event-listener futures.
//!
//! # Timed waits
//!
//! Every `*_timeout` face follows one rule across the workspace: what
//! eventlet's call returns on timeout, made unambiguous, handing back
//! anything it was given (the table is in the `eventlet` facade's docs
//! and the repository's `docs/semantics.md`). Here:
//! `with_timeout` and `Timeout::scope` return `Result<T, Elapsed>` (eventlet
//! raises `Timeout`); `with_timeout_or` gives your fallback value instead.

pub mod blocking;
mod error;
pub mod futures;
mod is_timeout;
mod timeout;
mod with_timeout;

pub use error::{AlreadyStarted, Elapsed};
pub use is_timeout::{IsTimeout, TaggedTimeout, is_timeout, wrap_is_timeout};
pub use timeout::Timeout;
pub use with_timeout::{with_timeout, with_timeout_or};
