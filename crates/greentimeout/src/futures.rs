//! The named futures of this crate, for users who store them in structs.
//!
//! ```
//! use std::time::Duration;
//! let bounded: greentimeout::futures::WithTimeout<_> = greentimeout::with_timeout(Duration::ZERO, async {});
//! # drop(bounded);
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use async_io::Timer;
use futures_lite::ready;
use pin_project_lite::pin_project;

use crate::{Elapsed, Timeout};

/// Where a [`WithTimeout`] reads its deadline.
#[derive(Debug)]
pub(crate) enum Clock {
    /// `with_timeout`: fixed when created, so nothing is shared or allocated.
    Fixed {
        deadline: Option<Instant>,
        duration: Duration,
    },
    /// `Timeout::scope`: eventlet's `with` block over the timeout. Entering
    /// (the first poll) re-arms it if it is not pending; leaving (the
    /// output, or a drop after entering) cancels it. Between, the scope
    /// follows the timeout's cancel and start.
    Shared { timeout: Timeout, scope: Scope },
}

/// Where a `Timeout::scope` is in its with-block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    NotEntered,
    Inside,
    Left,
}

pin_project! {
    /// A future bounded by a timeout; returned by [`Timeout::scope`] and
    /// [`with_timeout`](crate::with_timeout).
    ///
    /// Resolves to `Ok(output)` when the inner future finishes first, or to
    /// `Err(Elapsed)` when the deadline passes while it is pending. The inner
    /// future is polled first, so a ready future completes even at a zero
    /// timeout.
    ///
    /// ```
    /// use std::time::Duration;
    /// use greentimeout::futures::WithTimeout;
    ///
    /// let bounded: WithTimeout<_> = greentimeout::with_timeout(Duration::from_secs(1), async { 1 });
    /// assert_eq!(futures_lite::future::block_on(bounded), Ok(1));
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct WithTimeout<F> {
        #[pin]
        future: F,
        clock: Clock,
        // Created on the first pending poll only: a future that is ready at
        // once never touches the reactor. Paired with the deadline it is set to.
        timer: Option<(Timer, Instant)>,
    }

    impl<F> PinnedDrop for WithTimeout<F> {
        fn drop(this: Pin<&mut Self>) {
            // Leaving a with-block by drop (an outer timeout, a kill, a
            // select) cancels its timeout as a normal exit does.
            this.project().clock.leave();
        }
    }
}

impl Clock {
    /// Enters a scope's with-block on its first poll.
    fn enter(&mut self) {
        if let Clock::Shared { timeout, scope } = self {
            if *scope == Scope::NotEntered {
                timeout.enter();
                *scope = Scope::Inside;
            }
        }
    }

    /// Leaves a scope's with-block, once: a timeout restarted after the
    /// scope finished is not cancelled by the finished future's drop.
    fn leave(&mut self) {
        if let Clock::Shared { timeout, scope } = self {
            if *scope == Scope::Inside {
                timeout.cancel();
                *scope = Scope::Left;
            }
        }
    }
}

impl<F: Future> WithTimeout<F> {
    pub(crate) fn new(future: F, clock: Clock) -> Self {
        WithTimeout {
            future,
            clock,
            timer: None,
        }
    }
}

impl<F> WithTimeout<F> {
    /// The bounded future. It is not dropped when the timeout fires, so a
    /// caller can still take back what it holds (a queue put its item).
    ///
    /// ```
    /// use std::pin::pin;
    /// use std::time::Duration;
    /// use greentimeout::with_timeout;
    ///
    /// let mut bounded = pin!(with_timeout(Duration::ZERO, futures_lite::future::pending::<()>()));
    /// assert!(futures_lite::future::block_on(bounded.as_mut()).is_err());
    /// let _inner = bounded.get_pin_mut(); // still there
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut F> {
        self.project().future
    }
}

impl<F: Future> Future for WithTimeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        this.clock.enter();
        if let Poll::Ready(output) = this.future.poll(cx) {
            this.clock.leave();
            return Poll::Ready(Ok(output));
        }
        let (deadline, elapsed) = match this.clock {
            Clock::Fixed { deadline, duration } => (
                *deadline,
                Elapsed {
                    timeout_id: 0,
                    duration: *duration,
                },
            ),
            Clock::Shared { timeout, .. } => (
                timeout.deadline_or_register(cx.waker()),
                Elapsed {
                    timeout_id: timeout.id(),
                    duration: timeout.duration().unwrap_or(Duration::MAX),
                },
            ),
        };
        let Some(deadline) = deadline else {
            // Disarmed or never: only the inner future (or a restart) wakes us.
            *this.timer = None;
            return Poll::Pending;
        };
        let (timer, set_for) = this
            .timer
            .get_or_insert_with(|| (Timer::at(deadline), deadline));
        if *set_for != deadline {
            timer.set_at(deadline);
            *set_for = deadline;
        }
        ready!(Pin::new(timer).poll(cx));
        this.clock.leave();
        Poll::Ready(Err(elapsed))
    }
}

impl<F> fmt::Debug for WithTimeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithTimeout")
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

pin_project! {
    /// A future that gives a fallback value when its own timeout fires;
    /// returned by [`with_timeout_or`](crate::with_timeout_or).
    ///
    /// ```
    /// use std::time::Duration;
    /// use greentimeout::futures::WithTimeoutOr;
    ///
    /// let never = futures_lite::future::pending::<&str>();
    /// let bounded: WithTimeoutOr<_> = greentimeout::with_timeout_or(Duration::ZERO, never, "late");
    /// assert_eq!(futures_lite::future::block_on(bounded), "late");
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct WithTimeoutOr<F: Future> {
        #[pin]
        inner: WithTimeout<F>,
        fallback: Option<F::Output>,
    }
}

impl<F: Future> WithTimeoutOr<F> {
    pub(crate) fn new(inner: WithTimeout<F>, fallback: F::Output) -> Self {
        WithTimeoutOr {
            inner,
            fallback: Some(fallback),
        }
    }
}

impl<F: Future> Future for WithTimeoutOr<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        Poll::Ready(match ready!(this.inner.poll(cx)) {
            Ok(output) => output,
            Err(_) => this
                .fallback
                .take()
                .expect("WithTimeoutOr polled after completion"),
        })
    }
}

impl<F: Future> fmt::Debug for WithTimeoutOr<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithTimeoutOr")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}
