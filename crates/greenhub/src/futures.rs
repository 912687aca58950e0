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
use std::sync::Mutex;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::WaitError;
use crate::greenthread::read_output;

pin_project! {
    /// The future of [`GreenThread::wait`](crate::GreenThread::wait): a clone
    /// of the output once the greenthread ends.
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
        #[pin]
        ended: greenevent::futures::Wait<'a, (), WaitError>,
        output: &'a Mutex<Option<T>>,
    }
}

impl<'a, T> Wait<'a, T> {
    pub(crate) fn new(
        ended: greenevent::futures::Wait<'a, (), WaitError>,
        output: &'a Mutex<Option<T>>,
    ) -> Self {
        Wait { ended, output }
    }
}

impl<T: Clone> Future for Wait<'_, T> {
    type Output = Result<T, WaitError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        this.ended
            .poll(cx)
            .map(|ended| read_output(ended, this.output))
    }
}

pin_project! {
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
        #[pin]
        ended: greenevent::futures::WaitTimeout<'a, (), WaitError>,
        output: &'a Mutex<Option<T>>,
    }
}

impl<'a, T> WaitTimeout<'a, T> {
    pub(crate) fn new(
        ended: greenevent::futures::WaitTimeout<'a, (), WaitError>,
        output: &'a Mutex<Option<T>>,
    ) -> Self {
        WaitTimeout { ended, output }
    }
}

impl<T: Clone> Future for WaitTimeout<'_, T> {
    type Output = Option<Result<T, WaitError>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        this.ended
            .poll(cx)
            .map(|ended| ended.map(|ended| read_output(ended, this.output)))
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
