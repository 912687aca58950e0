//! The named futures of this crate, for users who store them.
//!
//! ```
//! greenhub::run(async {
//!     let thread = greenhub::spawn(async { 3 });
//!     let waiting: greenhub::futures::Wait<'_, i32> = thread.wait();
//!     assert_eq!(waiting.await, Ok(3));
//! });
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use async_io::Timer;

use crate::life::{Life, Slot, Waiting, cloned};
use crate::{GreenThread, WaitError};

/// The future of [`GreenThread::wait`](crate::GreenThread::wait): a clone
/// of the output once the greenthread ends. Dropping it cancels the wait
/// and leaves nothing behind.
///
/// ```
/// let out = greenhub::run(async {
///     let thread = greenhub::spawn(async { "done" });
///     let waiting: greenhub::futures::Wait<'_, &str> = thread.wait();
///     waiting.await
/// });
/// assert_eq!(out, Ok("done"));
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Wait<'a, T> {
    waiting: Waiting<'a, T>,
}

impl<'a, T> Wait<'a, T> {
    pub(crate) fn new(life: &'a Life<T>) -> Self {
        Wait {
            waiting: Waiting::new(life),
        }
    }
}

impl<T: Clone> Future for Wait<'_, T> {
    type Output = Result<T, WaitError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.waiting.poll_read(cx, &mut cloned)
    }
}

/// The future of [`GreenThread::wait_timeout`](crate::GreenThread::wait_timeout):
/// `None` if the greenthread did not end in time.
///
/// ```
/// use std::time::Duration;
/// greenhub::run(async {
///     let slow = greenhub::spawn(greenhub::sleep(Duration::from_secs(60)));
///     let waiting: greenhub::futures::WaitTimeout<'_, ()> = slow.wait_timeout(Duration::ZERO);
///     assert_eq!(waiting.await, None);
///     slow.kill();
/// });
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct WaitTimeout<'a, T> {
    waiting: Waiting<'a, T>,
    timer: Timer,
}

impl<'a, T> WaitTimeout<'a, T> {
    pub(crate) fn new(life: &'a Life<T>, timeout: Duration) -> Self {
        WaitTimeout {
            waiting: Waiting::new(life),
            timer: Timer::after(timeout),
        }
    }
}

impl<T: Clone> Future for WaitTimeout<'_, T> {
    type Output = Option<Result<T, WaitError>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // The end first: one that came with the deadline is still reported.
        if let Poll::Ready(output) = self.waiting.poll_read(cx, &mut cloned) {
            return Poll::Ready(Some(output));
        }
        Pin::new(&mut self.timer).poll(cx).map(|_| None)
    }
}

/// The future of [`GreenThread::join`](crate::GreenThread::join): the output
/// itself, for any `T`. It owns the handle, so it can be stored (a stream of
/// results keeps one); dropping it cancels the wait and leaves nothing behind.
///
/// ```
/// let out = greenhub::run(async {
///     let joining: greenhub::futures::Join<String> = greenhub::spawn(async { "owned".to_string() }).join();
///     joining.await
/// });
/// assert_eq!(out.as_deref(), Ok("owned"));
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Join<T> {
    thread: GreenThread<T>,
    slot: Slot,
}

impl<T> Join<T> {
    pub(crate) fn new(thread: GreenThread<T>) -> Self {
        Join { thread, slot: None }
    }

    /// The greenthread it waits for: to finish the wait another way (a
    /// blocking face) after dropping this one.
    ///
    /// ```
    /// let joining = greenhub::spawn(async { 2 }).join();
    /// let thread = joining.thread().clone();
    /// drop(joining);
    /// assert_eq!(thread.join_blocking(), Ok(2));
    /// ```
    pub fn thread(&self) -> &GreenThread<T> {
        &self.thread
    }
}

impl<T> Future for Join<T> {
    type Output = Result<T, WaitError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        this.thread.poll_join(&mut this.slot, cx)
    }
}

impl<T> Drop for Join<T> {
    fn drop(&mut self) {
        self.thread.unregister(&mut self.slot);
    }
}

impl<T> fmt::Debug for Join<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join")
            .field("thread", &self.thread)
            .finish()
    }
}

impl<T> fmt::Debug for Wait<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Wait { .. }")
    }
}

impl<T> fmt::Debug for WaitTimeout<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WaitTimeout { .. }")
    }
}
