use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::PoisonError;
use std::task::{Context, Poll};
use std::time::Duration;

use event_listener::{Event, EventListener, Listener};
use event_listener_strategy::{EventListenerFuture, FutureWrapper, Strategy};
use greentimeout::futures::WithTimeout;
use pin_project_lite::pin_project;

use crate::InvalidBounds;
use crate::sync::{Mutex, MutexGuard};

/// A semaphore whose count stays between two bounds: eventlet's
/// `CappedSemaphore`.
///
/// `acquire` takes one from the count and waits while the count is at the
/// lower bound; `release` adds one and waits while the count is at the upper
/// bound. The count never passes either bound, not even while a releaser
/// waits (eventlet's releaser adds its permit first and lets the count pass
/// the limit; this one waits first). With equal bounds, as in
/// `CappedSemaphore::new(0, 0)`, it is a rendezvous: an acquire completes with
/// a waiting release and the other way round.
///
/// Waiters on each side are served in arrival order; `try_*` and the timed
/// faces may take a free slot ahead of them, and the waiter keeps its place.
/// Dropped futures take nothing and lose no wake-up, with one rule: a release
/// that a waiting acquirer already took counts as done even if its future is
/// then dropped (as a queue put that was accepted).
///
/// There are no guards: a guard that released on drop could block in `drop`.
///
/// ```
/// use greensem::CappedSemaphore;
///
/// let sem = CappedSemaphore::new(1, 2).unwrap();
/// assert!(sem.try_release());        // count 2: at the limit
/// assert!(!sem.try_release());       // would pass it
/// assert!(sem.try_acquire());
/// assert_eq!(sem.count(), 1);
/// ```
pub struct CappedSemaphore {
    lower: usize,
    upper: usize,
    state: Mutex<State>,
    /// Waiting acquirers re-check the state when this fires.
    acquirers_woken: Event,
    /// Waiting releasers re-check the state when this fires.
    releasers_woken: Event,
}

struct State {
    count: usize,
    /// Waiter ids, in arrival order; only the head may take a slot.
    acquirers: VecDeque<u64>,
    releasers: VecDeque<u64>,
    /// Releasers whose permit a waiting acquirer took at equal bounds; they
    /// are done and only need to learn it.
    paired: Vec<u64>,
    next_id: u64,
}

/// How a newcomer enters: `Queue` behind the waiters (untimed faces),
/// `Barge` ahead of them (timed faces, as eventlet's), or `Try` (never waits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    Queue,
    Barge,
    Try,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Acquire,
    Release,
}

impl CappedSemaphore {
    /// eventlet's `CappedSemaphore(count, limit)`: `count` permits free, and
    /// releases wait at `limit`. `Err(InvalidBounds)` if `count > limit`.
    ///
    /// ```
    /// use greensem::CappedSemaphore;
    ///
    /// let sem = CappedSemaphore::new(2, 3).unwrap();
    /// assert_eq!((sem.count(), sem.limit()), (2, 3));
    /// assert!(CappedSemaphore::new(4, 3).is_err());
    /// ```
    pub fn new(count: usize, limit: usize) -> Result<CappedSemaphore, InvalidBounds> {
        CappedSemaphore::with_bounds(count, 0, limit)
    }

    /// The documented form `CappedSemaphore(balance, lower_bound,
    /// upper_bound)`: acquire waits at `lower_bound`, release at
    /// `upper_bound`. `Err(InvalidBounds)` unless `lower_bound <= balance <=
    /// upper_bound`.
    ///
    /// ```
    /// use greensem::CappedSemaphore;
    ///
    /// let sem = CappedSemaphore::with_bounds(5, 3, 6).unwrap();
    /// assert!(sem.try_acquire());
    /// assert!(sem.try_acquire());
    /// assert!(!sem.try_acquire()); // count 3 is the lower bound
    /// assert!(CappedSemaphore::with_bounds(2, 3, 6).is_err());
    /// ```
    pub fn with_bounds(
        balance: usize,
        lower_bound: usize,
        upper_bound: usize,
    ) -> Result<CappedSemaphore, InvalidBounds> {
        if !(lower_bound <= balance && balance <= upper_bound) {
            return Err(InvalidBounds);
        }
        Ok(CappedSemaphore {
            lower: lower_bound,
            upper: upper_bound,
            state: Mutex::new(State {
                count: balance,
                acquirers: VecDeque::new(),
                releasers: VecDeque::new(),
                paired: Vec::new(),
                next_id: 0,
            }),
            acquirers_woken: Event::new(),
            releasers_woken: Event::new(),
        })
    }

    /// Takes one from the count, waiting while it is at the lower bound.
    /// Waiters are served in arrival order. Cancel-safe.
    ///
    /// ```
    /// let sem = greensem::CappedSemaphore::new(1, 1).unwrap();
    /// futures_lite::future::block_on(sem.acquire());
    /// assert_eq!(sem.count(), 0);
    /// ```
    pub fn acquire(&self) -> CappedAcquire<'_> {
        CappedAcquire {
            inner: FutureWrapper::new(self.waiter(Side::Acquire, Entry::Queue)),
        }
    }

    /// [`acquire`](CappedSemaphore::acquire), bounded: `false` if `timeout`
    /// passes first (and nothing was taken).
    ///
    /// ```
    /// use std::time::Duration;
    /// let sem = greensem::CappedSemaphore::new(0, 1).unwrap();
    /// assert!(!futures_lite::future::block_on(sem.acquire_timeout(Duration::from_millis(5))));
    /// ```
    pub fn acquire_timeout(&self, timeout: Duration) -> CappedAcquireTimeout<'_> {
        let acquire = CappedAcquire {
            inner: FutureWrapper::new(self.waiter(Side::Acquire, Entry::Barge)),
        };
        CappedAcquireTimeout {
            inner: greentimeout::with_timeout(timeout, acquire),
        }
    }

    /// [`acquire`](CappedSemaphore::acquire) for OS threads.
    ///
    /// # Blocking
    /// This blocks the calling thread: in async code use
    /// [`acquire`](CappedSemaphore::acquire).
    ///
    /// ```
    /// let sem = greensem::CappedSemaphore::new(0, 0).unwrap();
    /// std::thread::scope(|s| {
    ///     s.spawn(|| sem.release_blocking());
    ///     sem.acquire_blocking(); // meets the release
    /// });
    /// assert_eq!(sem.count(), 0);
    /// ```
    pub fn acquire_blocking(&self) {
        self.waiter(Side::Acquire, Entry::Queue).wait();
    }

    /// [`acquire_blocking`](CappedSemaphore::acquire_blocking), bounded:
    /// `false` if `timeout` passes first.
    ///
    /// # Blocking
    /// This blocks the calling thread: in async code use
    /// [`acquire_timeout`](CappedSemaphore::acquire_timeout).
    ///
    /// ```
    /// use std::time::Duration;
    /// let sem = greensem::CappedSemaphore::new(0, 1).unwrap();
    /// assert!(!sem.acquire_blocking_timeout(Duration::from_millis(5)));
    /// ```
    pub fn acquire_blocking_timeout(&self, timeout: Duration) -> bool {
        self.wait_blocking_timeout(Side::Acquire, timeout)
    }

    /// Takes one from the count if it is above the lower bound, without
    /// waiting: eventlet's `acquire(blocking=False)`.
    ///
    /// ```
    /// let sem = greensem::CappedSemaphore::new(1, 1).unwrap();
    /// assert!(sem.try_acquire());
    /// assert!(!sem.try_acquire());
    /// ```
    pub fn try_acquire(&self) -> bool {
        self.try_side(Side::Acquire)
    }

    /// Adds one to the count, waiting while it is at the upper bound. Waiters
    /// are served in arrival order. Cancel-safe (see the type's docs).
    ///
    /// ```
    /// let sem = greensem::CappedSemaphore::new(0, 1).unwrap();
    /// futures_lite::future::block_on(sem.release());
    /// assert_eq!(sem.count(), 1);
    /// ```
    pub fn release(&self) -> CappedRelease<'_> {
        CappedRelease {
            inner: FutureWrapper::new(self.waiter(Side::Release, Entry::Queue)),
        }
    }

    /// [`release`](CappedSemaphore::release), bounded: `false` if `timeout`
    /// passes first (and nothing was added).
    ///
    /// ```
    /// use std::time::Duration;
    /// let sem = greensem::CappedSemaphore::new(1, 1).unwrap();
    /// assert!(!futures_lite::future::block_on(sem.release_timeout(Duration::from_millis(5))));
    /// ```
    pub fn release_timeout(&self, timeout: Duration) -> CappedReleaseTimeout<'_> {
        let release = CappedRelease {
            inner: FutureWrapper::new(self.waiter(Side::Release, Entry::Barge)),
        };
        CappedReleaseTimeout {
            inner: greentimeout::with_timeout(timeout, release),
        }
    }

    /// [`release`](CappedSemaphore::release) for OS threads.
    ///
    /// # Blocking
    /// This blocks the calling thread: in async code use
    /// [`release`](CappedSemaphore::release).
    ///
    /// ```
    /// let sem = greensem::CappedSemaphore::new(0, 1).unwrap();
    /// sem.release_blocking();
    /// assert_eq!(sem.count(), 1);
    /// ```
    pub fn release_blocking(&self) {
        self.waiter(Side::Release, Entry::Queue).wait();
    }

    /// [`release_blocking`](CappedSemaphore::release_blocking), bounded:
    /// `false` if `timeout` passes first.
    ///
    /// # Blocking
    /// This blocks the calling thread: in async code use
    /// [`release_timeout`](CappedSemaphore::release_timeout).
    ///
    /// ```
    /// use std::time::Duration;
    /// let sem = greensem::CappedSemaphore::new(1, 1).unwrap();
    /// assert!(!sem.release_blocking_timeout(Duration::from_millis(5)));
    /// ```
    pub fn release_blocking_timeout(&self, timeout: Duration) -> bool {
        self.wait_blocking_timeout(Side::Release, timeout)
    }

    /// The blocking timed faces: on timeout, out of line at once, unless
    /// the wait took effect first.
    fn wait_blocking_timeout(&self, side: Side, timeout: Duration) -> bool {
        let mut waiter = pin!(self.waiter(side, Entry::Barge));
        // A timeout too long to add to now is no deadline.
        let deadline = std::time::Instant::now().checked_add(timeout);
        greentimeout::blocking::wait_pinned(waiter.as_mut(), deadline).is_some()
            || waiter.withdraw()
    }

    /// Adds one to the count if it is below the upper bound, without
    /// waiting: eventlet's `release(blocking=False)`.
    ///
    /// ```
    /// let sem = greensem::CappedSemaphore::new(0, 1).unwrap();
    /// assert!(sem.try_release());
    /// assert!(!sem.try_release());
    /// ```
    pub fn try_release(&self) -> bool {
        self.try_side(Side::Release)
    }

    /// Whether the count is at the lower bound, so that acquire would wait
    /// (eventlet's `locked()`).
    ///
    /// ```
    /// let sem = greensem::CappedSemaphore::new(0, 2).unwrap();
    /// assert!(sem.locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.lock().count <= self.lower
    }

    /// Whether the count is at the upper bound, so that release would wait
    /// (eventlet's `bounded()`).
    ///
    /// ```
    /// let sem = greensem::CappedSemaphore::new(2, 2).unwrap();
    /// assert!(sem.bounded());
    /// ```
    pub fn bounded(&self) -> bool {
        self.lock().count >= self.upper
    }

    /// eventlet's `balance`: the lower side's permits minus its waiters, less
    /// the upper side's room minus its waiters. With no waiters that is
    /// `2 * count - limit` (for the `new(count, limit)` form), not the
    /// number of acquires left; see [`count`](CappedSemaphore::count) for that.
    ///
    /// ```
    /// let sem = greensem::CappedSemaphore::new(2, 3).unwrap();
    /// assert_eq!(sem.balance(), 1);
    /// assert_eq!(greensem::CappedSemaphore::new(0, 5).unwrap().balance(), -5);
    /// ```
    pub fn balance(&self) -> isize {
        let state = self.lock();
        let acquirable = to_isize(state.count - self.lower) - to_isize(state.acquirers.len());
        let room = to_isize(self.upper - state.count) - to_isize(state.releasers.len());
        // Saturating: near `usize::MAX` permits the figure is past `isize`.
        acquirable.saturating_sub(room)
    }

    /// The count: between the lower and the upper bound.
    ///
    /// ```
    /// assert_eq!(greensem::CappedSemaphore::new(2, 3).unwrap().count(), 2);
    /// ```
    pub fn count(&self) -> usize {
        self.lock().count
    }

    /// The upper bound (eventlet's `limit`).
    ///
    /// ```
    /// assert_eq!(greensem::CappedSemaphore::new(2, 3).unwrap().limit(), 3);
    /// ```
    pub fn limit(&self) -> usize {
        self.upper
    }

    fn waiter(&self, side: Side, entry: Entry) -> CappedWait<'_> {
        CappedWait {
            sem: self,
            side,
            entry,
            id: None,
            listener: None,
        }
    }

    fn try_side(&self, side: Side) -> bool {
        let mut state = self.lock();
        let done = self.take_slot(&mut state, side, None, Entry::Try);
        if done {
            self.wake_waiters(&state);
        }
        done
    }

    /// Moves the count one step for `id` (or a newcomer, `None`) if it may go:
    /// it is first in line (or barges in) and the bound allows it, or, at
    /// equal bounds, an acquirer meets a waiting releaser (not `try_acquire`,
    /// which like eventlet's fails while locked). Leaves the line on success.
    fn take_slot(&self, state: &mut State, side: Side, id: Option<u64>, entry: Entry) -> bool {
        let line = match side {
            Side::Acquire => &state.acquirers,
            Side::Release => &state.releasers,
        };
        let first = match id {
            Some(id) => line.front() == Some(&id),
            None => entry != Entry::Queue || line.is_empty(),
        };
        if !first {
            return false;
        }
        let moved = match side {
            Side::Acquire if state.count > self.lower => {
                state.count -= 1;
                true
            }
            Side::Acquire if entry != Entry::Try => match state.releasers.pop_front() {
                // Equal bounds: take the waiting releaser's permit directly.
                Some(releaser) => {
                    state.paired.push(releaser);
                    true
                }
                None => false,
            },
            Side::Release if state.count < self.upper => {
                state.count += 1;
                true
            }
            _ => false,
        };
        if moved && id.is_some() {
            match side {
                Side::Acquire => state.acquirers.pop_front(),
                Side::Release => state.releasers.pop_front(),
            };
        }
        moved
    }

    /// Lets the heads of both lines look at the new state. Every waiter
    /// hears it, since only the state says which one is first.
    fn wake_waiters(&self, state: &State) {
        if !state.acquirers.is_empty() {
            self.acquirers_woken.notify(usize::MAX);
        }
        if !state.releasers.is_empty() || !state.paired.is_empty() {
            self.releasers_woken.notify(usize::MAX);
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Each update completes under the lock without calling user code.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn to_isize(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

impl fmt::Debug for CappedSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("CappedSemaphore")
            .field("count", &state.count)
            .field("lower_bound", &self.lower)
            .field("upper_bound", &self.upper)
            .field("acquirers", &state.acquirers.len())
            .field("releasers", &state.releasers.len())
            .finish()
    }
}

/// The one wait loop behind every face of acquire and release.
struct CappedWait<'a> {
    sem: &'a CappedSemaphore,
    side: Side,
    entry: Entry,
    /// Our place in line, once we wait.
    id: Option<u64>,
    listener: Option<EventListener>,
}

impl CappedWait<'_> {
    /// One look at the state: done, or in line with a listener registered
    /// under the same lock as the state changes that notify it.
    fn attempt(&mut self) -> bool {
        let sem = self.sem;
        let mut state = sem.lock();
        if let Some(id) = self.id {
            if let Some(at) = state.paired.iter().position(|&p| p == id) {
                state.paired.swap_remove(at);
                self.finish(&state);
                return true;
            }
        }
        if sem.take_slot(&mut state, self.side, self.id, self.entry) {
            self.finish(&state);
            return true;
        }
        if self.id.is_none() {
            let id = state.next_id;
            state.next_id += 1;
            match self.side {
                Side::Acquire => state.acquirers.push_back(id),
                Side::Release => {
                    state.releasers.push_back(id);
                    // At equal bounds a waiting acquirer can take our permit.
                    if !state.acquirers.is_empty() {
                        sem.acquirers_woken.notify(usize::MAX);
                    }
                }
            }
            self.id = Some(id);
        }
        self.listener = Some(match self.side {
            Side::Acquire => sem.acquirers_woken.listen(),
            Side::Release => sem.releasers_woken.listen(),
        });
        false
    }

    fn finish(&mut self, state: &State) {
        self.id = None;
        self.sem.wake_waiters(state);
    }
}

impl EventListenerFuture for CappedWait<'_> {
    type Output = ();

    fn poll_with_strategy<'a, S: Strategy<'a>>(
        self: Pin<&mut Self>,
        strategy: &mut S,
        cx: &mut S::Context,
    ) -> Poll<()> {
        let this = self.get_mut();
        loop {
            if this.listener.is_none() && this.attempt() {
                return Poll::Ready(());
            }
            if strategy.poll(&mut this.listener, cx).is_pending() {
                return Poll::Pending;
            }
        }
    }
}

impl CappedWait<'_> {
    /// Leaves the line: `true` if the wait took effect after all (an
    /// acquirer took this release's permit while it waited), so a timed
    /// face that gave up reports what happened. Once out of line, nothing
    /// can pair with it any more.
    fn withdraw(&mut self) -> bool {
        // Broadcasts reach every waiter, so there is nothing to pass on.
        if let Some(listener) = self.listener.take() {
            listener.discard();
        }
        let Some(id) = self.id.take() else {
            return false;
        };
        let mut state = self.sem.lock();
        if let Some(at) = state.paired.iter().position(|&p| p == id) {
            // An acquirer already took this release's permit: it is done.
            state.paired.swap_remove(at);
            return true;
        }
        let line = match self.side {
            Side::Acquire => &mut state.acquirers,
            Side::Release => &mut state.releasers,
        };
        if let Some(at) = line.iter().position(|&w| w == id) {
            line.remove(at);
        }
        // The next in line may be able to go now that we are gone.
        self.sem.wake_waiters(&state);
        false
    }
}

impl Drop for CappedWait<'_> {
    fn drop(&mut self) {
        self.withdraw();
    }
}

macro_rules! capped_future {
    ($(#[$doc:meta])* $name:ident) => {
        pin_project! {
            $(#[$doc])*
            #[must_use = "futures do nothing unless awaited"]
            pub struct $name<'a> {
                #[pin]
                inner: FutureWrapper<CappedWait<'a>>,
            }
        }

        impl Future for $name<'_> {
            type Output = ();

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
                self.project().inner.poll(cx)
            }
        }

        impl $name<'_> {
            /// Stops waiting: `true` if it took effect after all.
            fn withdraw(self: Pin<&mut Self>) -> bool {
                self.project().inner.get_pin_mut().get_mut().withdraw()
            }
        }

        impl fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), " { .. }"))
            }
        }
    };
}

capped_future! {
    /// The future of [`CappedSemaphore::acquire`].
    ///
    /// ```
    /// let sem = greensem::CappedSemaphore::new(1, 1).unwrap();
    /// let acquiring: greensem::futures::CappedAcquire<'_> = sem.acquire();
    /// futures_lite::future::block_on(acquiring);
    /// ```
    CappedAcquire
}

capped_future! {
    /// The future of [`CappedSemaphore::release`].
    ///
    /// ```
    /// let sem = greensem::CappedSemaphore::new(0, 1).unwrap();
    /// let releasing: greensem::futures::CappedRelease<'_> = sem.release();
    /// futures_lite::future::block_on(releasing);
    /// ```
    CappedRelease
}

macro_rules! capped_timeout_future {
    ($(#[$doc:meta])* $name:ident($inner:ident)) => {
        pin_project! {
            $(#[$doc])*
            #[must_use = "futures do nothing unless awaited"]
            pub struct $name<'a> {
                #[pin]
                inner: WithTimeout<$inner<'a>>,
            }
        }

        impl Future for $name<'_> {
            type Output = bool;

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
                let mut inner = self.project().inner;
                match inner.as_mut().poll(cx) {
                    Poll::Ready(Ok(())) => Poll::Ready(true),
                    // Timed out: leave the line now, under the lock, unless
                    // it took effect first. Left in line until the future
                    // is dropped, a release could still be paired with an
                    // acquirer after reporting `false`.
                    Poll::Ready(Err(_)) => Poll::Ready(inner.get_pin_mut().withdraw()),
                    Poll::Pending => Poll::Pending,
                }
            }
        }

        impl fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), " { .. }"))
            }
        }
    };
}

capped_timeout_future! {
    /// The future of [`CappedSemaphore::acquire_timeout`]: `false` on timeout.
    ///
    /// ```
    /// let sem = greensem::CappedSemaphore::new(1, 1).unwrap();
    /// let acquiring: greensem::futures::CappedAcquireTimeout<'_> =
    ///     sem.acquire_timeout(std::time::Duration::ZERO);
    /// assert!(futures_lite::future::block_on(acquiring));
    /// ```
    CappedAcquireTimeout(CappedAcquire)
}

capped_timeout_future! {
    /// The future of [`CappedSemaphore::release_timeout`]: `false` on timeout.
    ///
    /// ```
    /// let sem = greensem::CappedSemaphore::new(1, 1).unwrap();
    /// let releasing: greensem::futures::CappedReleaseTimeout<'_> =
    ///     sem.release_timeout(std::time::Duration::ZERO);
    /// assert!(!futures_lite::future::block_on(releasing));
    /// ```
    CappedReleaseTimeout(CappedRelease)
}
