//! The named futures and streams of this crate, for users who store them.
//!
//! ```
//! greenhub::run(async {
//!     let pool = greenpool::GreenPool::new(2);
//!     let waiting: greenpool::futures::WaitAll<'_> = pool.waitall();
//!     waiting.await; // an empty pool is idle
//! });
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use event_listener_strategy::FutureWrapper;
use greentimeout::futures::WithTimeout;
use pin_project_lite::pin_project;

pub use crate::imap::Imap;
pub use crate::map_driver::MapDriver;
pub use crate::slots::Pooled;
use crate::slots::WaitAllInner;

pin_project! {
    /// The future of [`GreenPool::waitall`](crate::GreenPool::waitall).
    ///
    /// ```
    /// greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(1);
    ///     pool.spawn(async {}).await;
    ///     let waiting: greenpool::futures::WaitAll<'_> = pool.waitall();
    ///     waiting.await;
    ///     assert_eq!(pool.running(), 0);
    /// });
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct WaitAll<'a> {
        #[pin]
        inner: FutureWrapper<WaitAllInner<'a>>,
    }
}

impl<'a> WaitAll<'a> {
    pub(crate) fn new(inner: FutureWrapper<WaitAllInner<'a>>) -> Self {
        WaitAll { inner }
    }
}

impl Future for WaitAll<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.project().inner.poll(cx)
    }
}

pin_project! {
    /// The future of [`GreenPool::waitall_timeout`](crate::GreenPool::waitall_timeout):
    /// `false` if the pool was still busy when the timeout passed.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(1);
    ///     let waiting: greenpool::futures::WaitAllTimeout<'_> = pool.waitall_timeout(Duration::ZERO);
    ///     assert!(waiting.await);
    /// });
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct WaitAllTimeout<'a> {
        #[pin]
        inner: WithTimeout<WaitAll<'a>>,
    }
}

impl<'a> WaitAllTimeout<'a> {
    pub(crate) fn new(inner: WithTimeout<WaitAll<'a>>) -> Self {
        WaitAllTimeout { inner }
    }
}

impl Future for WaitAllTimeout<'_> {
    type Output = bool;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        self.project().inner.poll(cx).map(|idle| idle.is_ok())
    }
}

impl fmt::Debug for WaitAll<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WaitAll { .. }")
    }
}

impl fmt::Debug for WaitAllTimeout<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WaitAllTimeout { .. }")
    }
}
