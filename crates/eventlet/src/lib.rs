//! eventlet's synchronization API for Rust, in one import.
//!
//! This facade re-exports the workspace's crates; it has no logic of its own.
//! It holds [`greentimeout`], [`greenevent`], [`greensem`], [`greenqueue`]
//! and [`greenhub`]; the facade issue adds the migration table and a feature
//! per sub-crate.
//!
//! ```
//! use std::time::Duration;
//! use eventlet::{with_timeout, Timeout};
//!
//! let timeout = Timeout::new(Duration::from_secs(1));
//! assert!(timeout.pending());
//! let done = futures_lite::future::block_on(with_timeout(Duration::from_secs(1), async { 1 }));
//! assert_eq!(done, Ok(1));
//! ```

#[doc(inline)]
pub use greentimeout::{
    AlreadyStarted, Elapsed, IsTimeout, TaggedTimeout, Timeout, is_timeout, with_timeout,
    with_timeout_or, wrap_is_timeout,
};

#[doc(inline)]
pub use greenevent::{AlreadySent, Event, Killed, NotSent};

/// Events: the whole [`greenevent`] crate.
pub mod event {
    #[doc(inline)]
    pub use greenevent::*;
}

#[doc(inline)]
pub use greensem::{
    BoundedSemaphore, CappedSemaphore, InvalidBounds, ReleasedTooManyTimes, Semaphore,
    SemaphoreGuard, SemaphoreGuardArc,
};

/// Semaphores: the whole [`greensem`] crate.
pub mod semaphore {
    #[doc(inline)]
    pub use greensem::*;
}

#[doc(inline)]
pub use greenqueue::{
    Empty, Full, LifoQueue, LightQueue, PriorityQueue, Queue, TaskDoneTooManyTimes,
};

/// Queues: the whole [`greenqueue`] crate.
pub mod queue {
    #[doc(inline)]
    pub use greenqueue::*;
}

#[doc(inline)]
pub use greenhub::{
    GreenThread, Hub, HubBuilder, Sleep, WaitError, run, sleep, spawn, spawn_after, spawn_n,
};

/// The hub: the whole [`greenhub`] crate.
pub mod hub {
    #[doc(inline)]
    pub use greenhub::*;
}

/// Timeouts: the whole [`greentimeout`] crate.
pub mod timeout {
    #[doc(inline)]
    pub use greentimeout::*;
}
