use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::Waker;
use std::time::{Duration, Instant};

use crate::AlreadyStarted;
use crate::futures::{Clock, Scope, WithTimeout};

/// A timer that bounds futures: eventlet's `Timeout`.
///
/// eventlet interrupts the greenthread that made the timeout, wherever it
/// is; Rust cannot, so a `Timeout` bounds the futures you give it. eventlet's
/// first timeout example, and its port:
///
/// ```python
/// with eventlet.Timeout(0.1):
///     eventlet.sleep(0.2)          # raises Timeout after 0.1 s
/// ```
///
/// ```
/// use std::time::Duration;
/// use greentimeout::Timeout;
///
/// futures_lite::future::block_on(async {
///     let timeout = Timeout::new(Duration::from_millis(100));
///     let slept = timeout.scope(async_io::Timer::after(Duration::from_millis(200))).await;
///     assert!(slept.unwrap_err().is(&timeout));
/// });
/// ```
///
/// A `Timeout` on its own line (`Timeout::new(d);`), or one never scoped,
/// bounds nothing: the compiler warns about the first, and
/// [`with_timeout`](crate::with_timeout) is the one-line form when you need
/// no handle.
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// // eventlet's `Timeout(0.1)` ported as a statement: it would bound nothing.
/// greentimeout::Timeout::new(std::time::Duration::from_millis(100));
/// ```
///
/// ```
/// #![deny(unused_must_use)]
/// // The same lint passes once the timeout bounds a future.
/// let timeout = greentimeout::Timeout::new(std::time::Duration::from_millis(100));
/// futures_lite::future::block_on(timeout.scope(async {})).unwrap();
/// ```
///
/// Like eventlet's, it **starts when it is created**. A
/// [`scope`](Timeout::scope) is eventlet's `with` block:
/// - entering it (the scope's first poll) keeps a pending timeout's
///   deadline, and re-arms a cancelled or expired one for its full duration
///   from that moment;
/// - leaving it cancels the timeout, however the block ends: the future
///   finished, the deadline passed (`Err(Elapsed)`, the future dropped at its
///   await point), or the scope itself was dropped (an outer timeout, a
///   kill). So the same `Timeout` can bound one block after another, as in
///   eventlet;
/// - a scope nested inside another timeout's scope cancels only its own
///   timeout when it ends.
///
/// A future that is ready when polled completes even after the deadline, as
/// eventlet never interrupts code that does not yield.
///
/// `Timeout::new(None)` never fires and is never pending.
///
/// A `Timeout` is a cheap handle: clones share one timer, so a timeout can be
/// cancelled or restarted from inside the future it bounds, or from another
/// task or thread.
///
/// eventlet's `exception=` argument maps to ordinary Rust:
/// - default (raise the Timeout): `timeout.scope(fut).await?` gives [`Elapsed`](crate::Elapsed);
/// - `exception=False` (silent): `timeout.scope(fut).await.ok()`;
/// - a custom exception: `timeout.scope(fut).await.map_err(|_| MyError)`.
///
/// ```
/// use std::time::Duration;
/// use greentimeout::Timeout;
///
/// futures_lite::future::block_on(async {
///     let timeout = Timeout::new(Duration::from_millis(10));
///     assert!(timeout.pending());
///     let slow = async_io::Timer::after(Duration::from_secs(60));
///     let err = timeout.scope(slow).await.unwrap_err();
///     assert!(err.is(&timeout));
///     // Leaving the block cancelled it; the next block re-arms it.
///     assert!(!timeout.pending());
///     assert_eq!(timeout.scope(async { 7 }).await, Ok(7));
/// });
/// ```
#[must_use = "a Timeout bounds nothing by itself: give it a future with `timeout.scope(fut)`, or use `with_timeout(d, fut)`"]
#[derive(Clone)]
pub struct Timeout {
    shared: Arc<Shared>,
}

struct Shared {
    /// Tells this timeout's [`Elapsed`](crate::Elapsed) apart from others'.
    id: u64,
    duration: Option<Duration>,
    state: Mutex<State>,
}

struct State {
    /// `Some` while armed: from `new`/`start` until `cancel`.
    deadline: Option<Instant>,
    /// Scopes that found the timeout disarmed; `start` wakes them so they arm
    /// their timers. Cancel wakes no one: a scope whose timer fires after a
    /// cancel re-reads the state and keeps waiting.
    disarmed_scopes: Vec<Waker>,
}

/// 0 is kept for the anonymous timeout of `with_timeout`.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// `now + duration`, or `None` (never) when that is not representable.
pub(crate) fn deadline_after(duration: Duration) -> Option<Instant> {
    Instant::now().checked_add(duration)
}

impl Timeout {
    /// Creates a timeout and starts it at once. `None` never fires.
    ///
    /// A zero duration fires at the first await that is not immediately ready.
    ///
    /// ```
    /// use std::time::Duration;
    /// use greentimeout::Timeout;
    ///
    /// assert!(Timeout::new(Duration::from_secs(1)).pending());
    /// assert!(!Timeout::new(None).pending());
    /// ```
    pub fn new(duration: impl Into<Option<Duration>>) -> Timeout {
        let duration = duration.into();
        Timeout {
            shared: Arc::new(Shared {
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                duration,
                state: Mutex::new(State {
                    deadline: duration.and_then(deadline_after),
                    disarmed_scopes: Vec::new(),
                }),
            }),
        }
    }

    /// Re-arms the timeout for its full duration from now.
    ///
    /// Allowed after [`cancel`](Timeout::cancel) or after the timeout fired;
    /// while it is still pending this returns [`AlreadyStarted`] and changes
    /// nothing. A timeout of `None` stays disarmed.
    ///
    /// ```
    /// use std::time::Duration;
    /// use greentimeout::Timeout;
    ///
    /// let timeout = Timeout::new(Duration::from_secs(60));
    /// assert!(timeout.start().is_err());
    /// timeout.cancel();
    /// assert!(!timeout.pending());
    /// timeout.start().unwrap();
    /// assert!(timeout.pending());
    /// ```
    pub fn start(&self) -> Result<(), AlreadyStarted> {
        let mut state = self.state();
        if state.is_pending() {
            return Err(AlreadyStarted);
        }
        self.arm(&mut state);
        Ok(())
    }

    /// Entering a scope: a pending timeout keeps its deadline (it started
    /// when it was created, as eventlet's does); a cancelled or expired one
    /// is re-armed for its full duration from now.
    pub(crate) fn enter(&self) {
        let mut state = self.state();
        if !state.is_pending() {
            self.arm(&mut state);
        }
    }

    fn arm(&self, state: &mut State) {
        state.deadline = self.shared.duration.and_then(deadline_after);
        if state.deadline.is_some() {
            state.disarmed_scopes.drain(..).for_each(Waker::wake);
        }
    }

    /// Disarms the timeout so that it does not fire. Idempotent. Called
    /// inside a scope, the rest of the block runs unbounded (eventlet's
    /// `with Timeout(d) as t: t.cancel()`); entering a scope later re-arms
    /// it.
    ///
    /// ```
    /// use std::time::Duration;
    /// use greentimeout::Timeout;
    ///
    /// futures_lite::future::block_on(async {
    ///     let timeout = Timeout::new(Duration::from_millis(1));
    ///     let body = async {
    ///         timeout.cancel();
    ///         async_io::Timer::after(Duration::from_millis(20)).await;
    ///     };
    ///     assert!(timeout.scope(body).await.is_ok());
    /// });
    /// ```
    pub fn cancel(&self) {
        self.state().deadline = None;
    }

    /// Whether the timeout is armed and its deadline has not passed yet
    /// (eventlet's `pending`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use greentimeout::Timeout;
    ///
    /// let timeout = Timeout::new(Duration::from_secs(60));
    /// assert!(timeout.pending());
    /// timeout.cancel();
    /// assert!(!timeout.pending());
    /// ```
    pub fn pending(&self) -> bool {
        self.state().is_pending()
    }

    /// Whether the timeout is armed and its deadline has passed: it fired, or
    /// fires at the next await of a future it bounds.
    ///
    /// ```
    /// use std::time::Duration;
    /// use greentimeout::Timeout;
    ///
    /// let timeout = Timeout::new(Duration::ZERO);
    /// assert!(timeout.expired());
    /// timeout.cancel();
    /// assert!(!timeout.expired());
    /// ```
    pub fn expired(&self) -> bool {
        self.state()
            .deadline
            .is_some_and(|deadline| Instant::now() >= deadline)
    }

    /// The duration it was created with; `None` for a timeout that never fires.
    ///
    /// ```
    /// use std::time::Duration;
    /// use greentimeout::Timeout;
    ///
    /// assert_eq!(Timeout::new(Duration::from_secs(2)).duration(), Some(Duration::from_secs(2)));
    /// assert_eq!(Timeout::new(None).duration(), None);
    /// ```
    pub fn duration(&self) -> Option<Duration> {
        self.shared.duration
    }

    /// Bounds `future` by this timeout: eventlet's `with timeout:` block.
    ///
    /// The result is `Ok(output)` if the future finishes first, or
    /// `Err(Elapsed)` if the deadline passes while it is pending; the future
    /// is then dropped at its current await point. Entering the block (the
    /// first poll) re-arms a cancelled or expired timeout; leaving it in any
    /// way, including dropping the scope, cancels the timeout (see
    /// [`Timeout`]). Inside, the scope follows [`cancel`](Timeout::cancel)
    /// and [`start`](Timeout::start). The returned future is `Send` when
    /// `future` is.
    ///
    /// ```
    /// use std::time::Duration;
    /// use greentimeout::Timeout;
    ///
    /// futures_lite::future::block_on(async {
    ///     let timeout = Timeout::new(Duration::from_secs(5));
    ///     let answer = timeout.scope(async { 42 }).await;
    ///     assert_eq!(answer, Ok(42));
    /// });
    /// ```
    pub fn scope<F: Future>(&self, future: F) -> WithTimeout<F> {
        WithTimeout::new(
            future,
            Clock::Shared {
                timeout: self.clone(),
                scope: Scope::NotEntered,
            },
        )
    }

    pub(crate) fn id(&self) -> u64 {
        self.shared.id
    }

    /// The current deadline, registering `waker` to learn of a restart when
    /// there is none.
    pub(crate) fn deadline_or_register(&self, waker: &Waker) -> Option<Instant> {
        let mut state = self.state();
        if state.deadline.is_none() && !state.disarmed_scopes.iter().any(|w| w.will_wake(waker)) {
            state.disarmed_scopes.push(waker.clone());
        }
        state.deadline
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is valid after any panic: every update is one assignment.
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    fn is_pending(&self) -> bool {
        self.deadline
            .is_some_and(|deadline| Instant::now() < deadline)
    }
}

impl fmt::Debug for Timeout {
    /// Like eventlet's repr: `Timeout { seconds: 2.0, pending: true }`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("seconds", &self.shared.duration.map(|d| d.as_secs_f64()))
            .field("pending", &self.pending())
            .finish()
    }
}
