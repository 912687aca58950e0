use std::fmt;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::{Arc, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use greentimeout::futures::WithTimeout;
use pin_project_lite::pin_project;

use crate::sync::{Mutex, MutexGuard};
use crate::waiters::State;
use crate::{AlreadySent, Killed, NotSent};

/// A one-shot broadcast of a value or an error: eventlet's `Event`.
///
/// [`send`](Event::send) (or [`send_exception`](Event::send_exception)) stores
/// the outcome and wakes every waiter, in the order they began to wait; each
/// gets a clone. Waiting on a sent event returns at once, as often as asked.
/// [`reset`](Event::reset) makes the event unsent again; waiters that were
/// waiting when it was sent still get that send's outcome, even if a reset and
/// another send come before they run (eventlet captures at send time).
///
/// Sending never waits and never switches tasks. The event is `Send + Sync`
/// when `T` and `E` are; waiters may be async tasks on any executor or OS
/// threads (the `*_blocking` faces).
///
/// Differences from eventlet: a second send returns `Err(AlreadySent(value))`
/// instead of raising; [`wait_timeout`](Event::wait_timeout) returns `None` on
/// timeout, which cannot be confused with a sent value; [`poll`](Event::poll)
/// returns the error instead of raising it.
///
/// ```
/// use greenevent::Event;
///
/// futures_lite::future::block_on(async {
///     let event = Event::<&str>::new();
///     let waiter = event.wait();
///     event.send("hello").unwrap();
///     assert_eq!(waiter.await, Ok("hello"));
/// });
/// ```
pub struct Event<T = (), E = Killed> {
    /// The outcome, `Some` while sent, and the waiters. Waiters register and
    /// a send reaches them under this lock, so a send reaches exactly the
    /// waiters registered before it.
    state: Mutex<State<T, E>>,
}

impl<T> Event<T> {
    const_unless_loom! {
        /// A new, unsent event whose error type is the default, [`Killed`]
        /// (for an error type of your own, see
        /// [`with_error_type`](Event::with_error_type)). Only the value type
        /// is left to infer, so `Event::new()` needs no annotation once the
        /// event is used.
        ///
        /// ```
        /// use greenevent::Event;
        ///
        /// static READY: Event = Event::new();
        /// assert!(!READY.ready());
        /// let answer = Event::new(); // an Event<i32>, from the send below
        /// answer.send(42).unwrap();
        /// ```
        pub fn new() -> Self {
            Event::with_error_type()
        }
    }
}

impl<T, E> Event<T, E> {
    const_unless_loom! {
        /// A new, unsent event whose error type `E` is yours: what
        /// [`send_exception`](Event::send_exception) sends. Name both types.
        ///
        /// ```
        /// use greenevent::Event;
        ///
        /// let event = Event::<u8, String>::with_error_type();
        /// event.send_exception("no answer".to_string()).unwrap();
        /// assert_eq!(event.poll(), Some(Err("no answer".to_string())));
        /// ```
        pub fn with_error_type() -> Self {
            Event {
                state: Mutex::new(State::new()),
            }
        }
    }

    /// Sends `value` to every waiter, now and later (until a
    /// [`reset`](Event::reset)). Never waits.
    ///
    /// If the event was already sent, nothing changes and the value comes
    /// back in `Err(AlreadySent(value))`.
    ///
    /// ```
    /// use greenevent::Event;
    ///
    /// let event = Event::<u8>::new();
    /// assert!(event.send(1).is_ok());
    /// assert_eq!(event.send(2).unwrap_err().into_inner(), 2);
    /// ```
    pub fn send(&self, value: T) -> Result<(), AlreadySent<T>> {
        self.deliver(Ok(value)).map_err(|outcome| match outcome {
            Ok(value) => AlreadySent(value),
            Err(_) => unreachable!("deliver hands back what it was given"),
        })
    }

    /// Sends `error` to every waiter: each wait returns `Err(error.clone())`.
    /// eventlet's `send_exception`; never waits.
    ///
    /// ```
    /// use greenevent::Event;
    ///
    /// let event = Event::<u8, String>::with_error_type();
    /// event.send_exception("boom".to_string()).unwrap();
    /// assert!(event.has_exception());
    /// assert_eq!(event.wait_blocking(), Err("boom".to_string()));
    /// ```
    pub fn send_exception(&self, error: E) -> Result<(), AlreadySent<E>> {
        self.deliver(Err(error)).map_err(|outcome| match outcome {
            Err(error) => AlreadySent(error),
            Ok(_) => unreachable!("deliver hands back what it was given"),
        })
    }

    fn deliver(&self, result: Result<T, E>) -> Result<(), Result<T, E>> {
        let wakers = {
            let mut state = self.lock();
            if state.outcome.is_some() {
                return Err(result);
            }
            // Under the lock: no waiter registers between the store and the
            // hand-out, and a later send cannot reach a waiter this one did.
            state.send(Arc::new(result))
        };
        // Woken in the order they began to wait, after the lock.
        for (_arrival, waker) in wakers {
            waker.wake();
        }
        Ok(())
    }

    /// Makes a sent event unsent again, so that later waits block until the
    /// next send. Waiters that were waiting at the send still get its outcome.
    ///
    /// eventlet calls `reset` a misfeature; it is kept for ported code. On an
    /// unsent event it returns `Err(NotSent)`.
    ///
    /// ```
    /// use greenevent::{Event, NotSent};
    ///
    /// let event = Event::<u8>::new();
    /// assert_eq!(event.reset(), Err(NotSent));
    /// event.send(1).unwrap();
    /// assert_eq!(event.reset(), Ok(()));
    /// assert!(!event.ready());
    /// event.send(2).unwrap();
    /// assert_eq!(event.wait_blocking(), Ok(2));
    /// ```
    pub fn reset(&self) -> Result<(), NotSent> {
        self.lock().outcome.take().map(drop).ok_or(NotSent)
    }

    /// Whether the event has been sent (and not reset since).
    ///
    /// ```
    /// let event = greenevent::Event::<()>::new();
    /// assert!(!event.ready());
    /// event.send(()).unwrap();
    /// assert!(event.ready());
    /// ```
    pub fn ready(&self) -> bool {
        self.lock().outcome.is_some()
    }

    /// Whether the event was sent a value (not an error).
    ///
    /// ```
    /// let event = greenevent::Event::<u8, ()>::with_error_type();
    /// assert!(!event.has_result());
    /// event.send(1).unwrap();
    /// assert!(event.has_result());
    /// ```
    pub fn has_result(&self) -> bool {
        self.lock().outcome.as_deref().is_some_and(Result::is_ok)
    }

    /// Whether the event was sent an error.
    ///
    /// ```
    /// let event = greenevent::Event::<u8, ()>::with_error_type();
    /// event.send_exception(()).unwrap();
    /// assert!(event.has_exception());
    /// assert!(!event.has_result());
    /// ```
    pub fn has_exception(&self) -> bool {
        self.lock().outcome.as_deref().is_some_and(Result::is_err)
    }

    fn lock(&self) -> MutexGuard<'_, State<T, E>> {
        // Every update is one assignment or one slot's change, so the state
        // is valid after a panic (a panicking `Clone` of the user's value,
        // cloned under the lock on the fast paths, say).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T: Clone, E: Clone> Event<T, E> {
    /// Waits until the event is sent and returns a clone of its outcome.
    ///
    /// On a sent event it returns at once, registering and allocating
    /// nothing. The future is cancel-safe: dropping it loses nothing, and no
    /// other waiter depends on it.
    ///
    /// ```
    /// use greenevent::Event;
    ///
    /// futures_lite::future::block_on(async {
    ///     let event = Event::<u8>::new();
    ///     event.send(9).unwrap();
    ///     assert_eq!(event.wait().await, Ok(9));
    ///     assert_eq!(event.wait().await, Ok(9));
    /// });
    /// ```
    pub fn wait(&self) -> Wait<'_, T, E> {
        Wait {
            inner: self.waiter(),
        }
    }

    /// [`wait`](Event::wait), bounded: `None` if `timeout` passes first. The
    /// event stays unsent and no listener is left behind.
    ///
    /// ```
    /// use std::time::Duration;
    /// use greenevent::Event;
    ///
    /// futures_lite::future::block_on(async {
    ///     let event = Event::<u8>::new();
    ///     assert_eq!(event.wait_timeout(Duration::from_millis(5)).await, None);
    ///     event.send(1).unwrap();
    ///     assert_eq!(event.wait_timeout(Duration::ZERO).await, Some(Ok(1)));
    /// });
    /// ```
    pub fn wait_timeout(&self, timeout: Duration) -> WaitTimeout<'_, T, E> {
        WaitTimeout {
            inner: greentimeout::with_timeout(timeout, self.wait()),
        }
    }

    /// [`wait`](Event::wait) for OS threads: blocks this thread until the
    /// event is sent.
    ///
    /// # Blocking
    /// This blocks the calling thread: in async code use [`wait`](Event::wait).
    ///
    /// ```
    /// use greenevent::Event;
    ///
    /// let event = Event::<u8>::new();
    /// std::thread::scope(|s| {
    ///     s.spawn(|| event.send(5).unwrap());
    ///     assert_eq!(event.wait_blocking(), Ok(5));
    /// });
    /// ```
    pub fn wait_blocking(&self) -> Result<T, E> {
        futures_lite::future::block_on(self.waiter())
    }

    /// [`wait_blocking`](Event::wait_blocking), bounded: `None` if `timeout`
    /// passes first.
    ///
    /// # Blocking
    /// This blocks the calling thread: in async code use
    /// [`wait_timeout`](Event::wait_timeout).
    ///
    /// ```
    /// use std::time::Duration;
    /// use greenevent::Event;
    ///
    /// let event = Event::<u8>::new();
    /// assert_eq!(event.wait_blocking_timeout(Duration::from_millis(5)), None);
    /// ```
    pub fn wait_blocking_timeout(&self, timeout: Duration) -> Option<Result<T, E>> {
        // A timeout too long to add to now is no deadline.
        let deadline = Instant::now().checked_add(timeout);
        greentimeout::blocking::block_on_pinned(pin!(self.waiter()), deadline)
    }

    /// The outcome if the event was sent, without waiting: eventlet's
    /// `poll()`, which raises where this returns `Some(Err(e))`.
    ///
    /// ```
    /// let event = greenevent::Event::<u8, &str>::with_error_type();
    /// assert_eq!(event.poll(), None);
    /// event.send_exception("bad").unwrap();
    /// assert_eq!(event.poll(), Some(Err("bad")));
    /// ```
    pub fn poll(&self) -> Option<Result<T, E>> {
        self.lock().outcome.as_deref().cloned()
    }

    /// The value if the event was sent a value; `None` if it is unsent or was
    /// sent an error.
    ///
    /// ```
    /// let event = greenevent::Event::<u8, &str>::with_error_type();
    /// event.send(3).unwrap();
    /// assert_eq!(event.poll_result(), Some(3));
    /// ```
    pub fn poll_result(&self) -> Option<T> {
        self.poll()?.ok()
    }

    /// The error if the event was sent an error; `None` otherwise. (eventlet's
    /// `poll_exception` raises it, despite its name.)
    ///
    /// ```
    /// let event = greenevent::Event::<u8, &str>::with_error_type();
    /// assert_eq!(event.poll_exception(), None);
    /// event.send_exception("bad").unwrap();
    /// assert_eq!(event.poll_exception(), Some("bad"));
    /// ```
    pub fn poll_exception(&self) -> Option<E> {
        self.poll()?.err()
    }

    /// The one wait loop, for every face to drive with its strategy.
    fn waiter(&self) -> WaitInner<'_, T, E> {
        WaitInner {
            event: self,
            slot: None,
        }
    }
}

impl<T, E> Default for Event<T, E> {
    fn default() -> Self {
        Event::with_error_type()
    }
}

impl<T, E> fmt::Debug for Event<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Event")
            .field("ready", &state.outcome.is_some())
            .field(
                "has_exception",
                &state.outcome.as_deref().is_some_and(Result::is_err),
            )
            .field("waiters", &state.waiting())
            .finish()
    }
}

/// The one wait loop behind every face of [`Event::wait`].
/// The one wait, behind every face: a plain future whose blocking faces
/// park the thread between polls.
struct WaitInner<'a, T, E> {
    event: &'a Event<T, E>,
    /// Our place among the waiters, once we wait.
    slot: Option<usize>,
}

impl<T: Clone, E: Clone> Future for WaitInner<'_, T, E> {
    type Output = Result<T, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T, E>> {
        let mut state = self.event.lock();
        let Some(slot) = self.slot else {
            // Sent: a clone of the outcome, at once and as often as asked.
            if let Some(outcome) = state.outcome.as_deref() {
                return Poll::Ready(outcome.clone());
            }
            let slot = state.register(cx.waker());
            drop(state);
            self.slot = Some(slot);
            return Poll::Pending;
        };
        let Some(outcome) = state.take_sent(slot, cx.waker(), Clone::clone) else {
            return Poll::Pending;
        };
        drop(state);
        self.slot = None;
        Poll::Ready(outcome)
    }
}

impl<T, E> Drop for WaitInner<'_, T, E> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            self.event.lock().leave(slot);
        }
    }
}

pin_project! {
    /// The future of [`Event::wait`].
    ///
    /// ```
    /// let event = greenevent::Event::<u8>::new();
    /// let waiting: greenevent::futures::Wait<'_, u8> = event.wait();
    /// event.send(1).unwrap();
    /// assert_eq!(futures_lite::future::block_on(waiting), Ok(1));
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct Wait<'a, T, E = Killed> {
        #[pin]
        inner: WaitInner<'a, T, E>,
    }
}

impl<T: Clone, E: Clone> Future for Wait<'_, T, E> {
    type Output = Result<T, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll(cx)
    }
}

impl<T, E> fmt::Debug for Wait<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Wait { .. }")
    }
}

pin_project! {
    /// The future of [`Event::wait_timeout`]: `None` if the timeout passed first.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let event = greenevent::Event::<u8>::new();
    /// let waiting: greenevent::futures::WaitTimeout<'_, u8> = event.wait_timeout(Duration::ZERO);
    /// assert_eq!(futures_lite::future::block_on(waiting), None);
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct WaitTimeout<'a, T, E = Killed> {
        #[pin]
        inner: WithTimeout<Wait<'a, T, E>>,
    }
}

impl<T: Clone, E: Clone> Future for WaitTimeout<'_, T, E> {
    type Output = Option<Result<T, E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll(cx).map(Result::ok)
    }
}

impl<T, E> fmt::Debug for WaitTimeout<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WaitTimeout { .. }")
    }
}
