use std::fmt;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::{Arc, OnceLock, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use greentimeout::futures::WithTimeout;
use pin_project_lite::pin_project;

use crate::sync::{AtomicU64, Mutex, MutexGuard};
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
    /// The first send's outcome, set once and never moved, so the waiters it
    /// reached, and every wait while it is the current outcome, clone it
    /// without the lock. Events are almost always sent once: this makes a
    /// broadcast's woken waiters and a wait on a sent event lock-free.
    first: OnceLock<Result<T, E>>,
    /// `sends << 1 | FIRST_IS_CURRENT`, changed only under the lock: how many
    /// sends there were (a waiter that registered after `n` is reached by
    /// send number `n`), and whether `first` is the current outcome (sent
    /// once and not reset since). Read without the lock, it says what a
    /// waiter may take from `first`.
    phase: AtomicU64,
    /// A later send's outcome while current, and the waiters. Waiters
    /// register and a send reaches them under this lock, so a send reaches
    /// exactly the waiters registered before it.
    state: Mutex<State<T, E>>,
}

/// `phase`'s bit for "the current outcome is `first`".
const FIRST_IS_CURRENT: u64 = 1;

/// The number of sends a phase counts.
const fn sends(phase: u64) -> u64 {
    phase >> 1
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
                first: OnceLock::new(),
                phase: AtomicU64::new(0),
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
            let phase = self.phase.load(Relaxed);
            if phase & FIRST_IS_CURRENT != 0 || state.later.is_some() {
                return Err(result);
            }
            // Under the lock: no waiter registers between the store and the
            // hand-out, and a later send cannot reach a waiter this one did.
            let send = sends(phase);
            let wakers = if send == 0 {
                if self.first.set(result).is_err() {
                    unreachable!("only the first send sets `first`");
                }
                state.reach_all(send, None)
            } else {
                let outcome = Arc::new(result);
                let wakers = state.reach_all(send, Some(&outcome));
                state.later = Some(outcome);
                wakers
            };
            // After `first` is set: a waiter that sees this count reads it.
            let current = if send == 0 { FIRST_IS_CURRENT } else { 0 };
            self.phase.store(((send + 1) << 1) | current, Release);
            wakers
        };
        // Woken in the order they began to wait, after the lock.
        for (_arrival, waker) in wakers {
            waker.wake();
        }
        Ok(())
    }

    /// What `read` makes of the current outcome, if the event is sent:
    /// without the lock when it is the first send's.
    fn read_current<R>(&self, read: impl FnOnce(&Result<T, E>) -> R) -> Option<R> {
        self.read_or_lock(read).ok()
    }

    /// What `read` makes of the current outcome if the event is sent
    /// (without the lock when it is the first send's); else the lock, still
    /// held, and the number of sends so far, for a waiter to register with.
    fn read_or_lock<R>(
        &self,
        read: impl FnOnce(&Result<T, E>) -> R,
    ) -> Result<R, (MutexGuard<'_, State<T, E>>, u64)> {
        if self.phase.load(Acquire) & FIRST_IS_CURRENT != 0 {
            return Ok(read(self.first_outcome()));
        }
        let state = self.lock();
        let phase = self.phase.load(Relaxed);
        if phase & FIRST_IS_CURRENT != 0 {
            drop(state); // sent meanwhile
            return Ok(read(self.first_outcome()));
        }
        if let Some(outcome) = state.later.as_deref() {
            return Ok(read(outcome));
        }
        Err((state, sends(phase)))
    }

    /// The first send's outcome, once `phase` counted that send.
    fn first_outcome(&self) -> &Result<T, E> {
        self.first
            .get()
            .unwrap_or_else(|| unreachable!("`first` is set before `phase` counts its send"))
    }

    /// What `read` makes of the outcome of send number `send`, for a waiter
    /// it reached, which has then taken it.
    fn take_reached<R>(&self, send: u64, read: impl FnOnce(&Result<T, E>) -> R) -> R {
        if send == 0 {
            read(self.first_outcome())
        } else {
            self.lock().take_delivered(send, read)
        }
    }

    /// Whether send number `send` has happened (read without the lock).
    fn has_sent(&self, send: u64) -> bool {
        sends(self.phase.load(Acquire)) > send
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
        let mut state = self.lock();
        let phase = self.phase.load(Relaxed);
        if phase & FIRST_IS_CURRENT != 0 {
            // `first` stays, for the waiters it reached; it is just no longer current.
            self.phase.store(phase & !FIRST_IS_CURRENT, Release);
            return Ok(());
        }
        state.later.take().map(drop).ok_or(NotSent)
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
        self.read_current(|_| ()).is_some()
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
        self.read_current(Result::is_ok).unwrap_or(false)
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
        self.read_current(Result::is_err).unwrap_or(false)
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
        self.read_current(Clone::clone)
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
            waiting: None,
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
        let has_exception = self.read_current(Result::is_err);
        f.debug_struct("Event")
            .field("ready", &has_exception.is_some())
            .field("has_exception", &has_exception.unwrap_or(false))
            .field("waiters", &self.lock().waiting())
            .finish()
    }
}

/// The one wait, behind every face: a plain future whose blocking faces
/// park the thread between polls.
struct WaitInner<'a, T, E> {
    event: &'a Event<T, E>,
    /// Our place among the waiters, once we wait.
    waiting: Option<Waiting>,
}

#[derive(Clone, Copy)]
struct Waiting {
    slot: usize,
    /// The send that reaches us: the number of sends when we registered.
    send: u64,
}

impl<T: Clone, E: Clone> Future for WaitInner<'_, T, E> {
    type Output = Result<T, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T, E>> {
        let event = self.event;
        let Some(waiting) = self.waiting else {
            // Sent: a clone of the outcome, at once and as often as asked.
            // (The first send's, checked here first too: inlined, it keeps
            // this path a load and a clone, a nanosecond less.)
            if event.phase.load(Acquire) & FIRST_IS_CURRENT != 0 {
                return Poll::Ready(event.first_outcome().clone());
            }
            let (mut state, send) = match event.read_or_lock(Clone::clone) {
                Ok(outcome) => return Poll::Ready(outcome),
                Err(unsent) => unsent,
            };
            let slot = state.register(cx.waker());
            drop(state);
            self.waiting = Some(Waiting { slot, send });
            return Poll::Pending;
        };
        // Reached: the send freed our slot, and its outcome is ours to take.
        if !event.has_sent(waiting.send) {
            let mut state = event.lock();
            if !event.has_sent(waiting.send) {
                // Polled before the send (a spurious wake-up, or another
                // task polls it now): the wake-up goes to this waker.
                state.keep_waker(waiting.slot, cx.waker());
                return Poll::Pending;
            }
        }
        self.waiting = None;
        Poll::Ready(event.take_reached(waiting.send, Clone::clone))
    }
}

impl<T, E> Drop for WaitInner<'_, T, E> {
    fn drop(&mut self) {
        let Some(waiting) = self.waiting.take() else {
            return;
        };
        let event = self.event;
        if event.has_sent(waiting.send) {
            if waiting.send > 0 {
                event.lock().forgo_delivered(waiting.send);
            }
            return;
        }
        let mut state = event.lock();
        if !event.has_sent(waiting.send) {
            state.leave(waiting.slot);
        } else if waiting.send > 0 {
            state.forgo_delivered(waiting.send);
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
