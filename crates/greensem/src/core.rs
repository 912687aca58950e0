//! The permit counter and its line of waiters, shared by `Semaphore` and
//! `BoundedSemaphore`, and the one acquire future behind every face.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::PoisonError;
use std::sync::atomic::Ordering::SeqCst;
use std::task::{Context, Poll, Waker};

use crate::ReleasedTooManyTimes;
use crate::sync::{AtomicUsize, Mutex, MutexGuard, seq_cst_for_loom};

/// eventlet's semaphore state: a counter and a FIFO line of waiters.
///
/// The counter is an atomic, so the uncontended paths are one
/// compare-exchange each and take no lock. Waiters queue in `line`, each
/// with its waker, in arrival order. A release counts its permit and, if
/// waiters wait, wakes the first one not woken yet; that waiter takes a
/// permit when it runs. So, as in eventlet, a `try_acquire` (or a timed
/// acquire's first look) may take the permit in the moment before the
/// woken waiter runs; that waiter then keeps its place at the head for the
/// next one. One rule, restored under the lock after every change to the
/// line (`settle`), keeps any permit from being stranded: **every free
/// permit has a woken waiter to take it, while waiters wait.** The waiters'
/// wakers live in the line rather than in event-listener listeners, so a
/// wait allocates nothing, and a wake-up reaches exactly the waiter meant.
pub(crate) struct Core {
    permits: AtomicUsize,
    /// Waiters in line, mirrored from `line` for the lock-free paths: a
    /// release that sees none skips the lock, an untimed acquire that sees
    /// some queues behind them, and `balance` counts them.
    waiting: AtomicUsize,
    line: Mutex<Line>,
    /// `release` fails at this many permits; `usize::MAX` for no bound.
    limit: usize,
}

struct Line {
    /// Waiters in arrival order.
    waiters: VecDeque<Waiter>,
    /// How many of them are woken and have not run yet.
    woken: usize,
    next_id: u64,
}

struct Waiter {
    id: u64,
    waker: Option<Waker>,
    /// Woken to take a free permit, and has not run since.
    woken: bool,
}

impl Line {
    /// Where waiter `id` stands. Ids are handed out in increasing order and
    /// waiters join at the back, so the line is sorted by id: a binary
    /// search, as a waiter that just joined a long line is at its far end.
    fn position(&self, id: u64) -> usize {
        self.waiters
            .binary_search_by_key(&id, |waiter| waiter.id)
            .expect("a waiter stays in line until it leaves")
    }

    /// Takes waiter `id` out of line.
    fn remove(&mut self, id: u64) {
        let at = self.position(id);
        let waiter = self.waiters.remove(at).expect("found just now");
        if waiter.woken {
            self.woken -= 1;
        }
    }
}

impl Core {
    const_unless_loom! {
        pub(crate) fn new(permits: usize, limit: usize) -> Core {
            Core {
                permits: AtomicUsize::new(permits),
                waiting: AtomicUsize::new(0),
                line: Mutex::new(Line {
                    waiters: VecDeque::new(),
                    woken: 0,
                    next_id: 0,
                }),
                limit,
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Line> {
        // No user code runs under this lock.
        self.line.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a permit if one is free, ahead of any waiter.
    pub(crate) fn try_take(&self) -> bool {
        let mut permits = self.permits.load(SeqCst);
        while permits > 0 {
            match self
                .permits
                .compare_exchange_weak(permits, permits - 1, SeqCst, SeqCst)
            {
                Ok(_) => return true,
                Err(now) => permits = now,
            }
        }
        false
    }

    /// Adds a permit unless that would pass the limit (at most `usize::MAX`,
    /// so the count never wraps), and wakes a waiter for it.
    pub(crate) fn release(&self) -> Result<(), ReleasedTooManyTimes> {
        self.permits
            .fetch_update(SeqCst, SeqCst, |permits| {
                permits.checked_add(1).filter(|&after| after <= self.limit)
            })
            .map_err(|_| ReleasedTooManyTimes)?;
        // The permit is counted before `waiting` is read, and a waiter is
        // counted before it looks at the permits: one of the two sees the
        // other, so the permit reaches the line either way.
        seq_cst_for_loom();
        if self.waiting.load(SeqCst) > 0 {
            self.settle(&mut self.lock());
        }
        Ok(())
    }

    /// Restores the rule: every free permit has a woken waiter to take it,
    /// while waiters wait. Wakes the first waiters not woken yet, in order.
    fn settle(&self, line: &mut Line) {
        let free = self.permits.load(SeqCst);
        let mut waiters = line.waiters.iter_mut();
        while line.woken < free {
            let Some(waiter) = waiters.find(|waiter| !waiter.woken) else {
                return;
            };
            waiter.woken = true;
            line.woken += 1;
            if let Some(waker) = &waiter.waker {
                waker.wake_by_ref();
            }
        }
    }

    pub(crate) fn permits(&self) -> usize {
        self.permits.load(SeqCst)
    }

    pub(crate) fn balance(&self) -> isize {
        // Read waiters first: a permit taken in between makes the figure one
        // too high rather than one too low.
        let waiting = self.waiting.load(SeqCst);
        to_isize(self.permits.load(SeqCst)) - to_isize(waiting)
    }

    pub(crate) fn limit(&self) -> Option<usize> {
        (self.limit != usize::MAX).then_some(self.limit)
    }
}

fn to_isize(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("counter", &self.permits())
            .field("waiting", &self.waiting.load(SeqCst))
            .field("limit", &self.limit())
            .finish()
    }
}

/// Something that leads to a `Core`: a borrowed semaphore or an `Arc` of one.
pub(crate) trait CoreRef: Unpin {
    fn core(&self) -> &Core;
}

impl CoreRef for &Core {
    fn core(&self) -> &Core {
        self
    }
}

/// The semaphore types, behind `SemaphoreGuardArc`.
pub(crate) trait HasCore: Send + Sync {
    fn core(&self) -> &Core;
}

impl CoreRef for Arc<dyn HasCore> {
    fn core(&self) -> &Core {
        (**self).core()
    }
}

/// The one acquire future: every face polls it, the blocking ones with a
/// thread parked between polls. Its output is the handle it was given, for
/// the caller to wrap in a guard.
pub(crate) struct AcquirePermit<H: CoreRef> {
    handle: Option<H>,
    /// Timed acquires may take a free permit ahead of queued waiters
    /// (eventlet's barging); untimed ones queue behind them.
    barge: bool,
    /// Our place in line, once we wait.
    id: Option<u64>,
}

impl<H: CoreRef> AcquirePermit<H> {
    pub(crate) fn new(handle: H, barge: bool) -> Self {
        AcquirePermit {
            handle: Some(handle),
            barge,
            id: None,
        }
    }

    fn core(&self) -> &Core {
        self.handle
            .as_ref()
            .expect("acquire polled after completion")
            .core()
    }

    fn done(&mut self) -> Poll<H> {
        self.id = None;
        Poll::Ready(self.handle.take().expect("acquire polled after completion"))
    }

    /// Takes a free permit at once, or joins the line.
    fn take_or_join(&mut self, waker: &Waker) -> Poll<H> {
        let barge = self.barge;
        let core = self.core();
        if (barge || core.waiting.load(SeqCst) == 0) && core.try_take() {
            return self.done();
        }
        let (id, took) = {
            let mut line = core.lock();
            let id = line.next_id;
            line.next_id += 1;
            // No waker yet: if `settle` wakes us at once, we take the permit
            // here rather than be polled again for it.
            line.waiters.push_back(Waiter {
                id,
                waker: None,
                woken: false,
            });
            core.waiting.store(line.waiters.len(), SeqCst);
            // A release may have counted its permit before it could see us
            // in line: look at the permits now that it will.
            seq_cst_for_loom();
            core.settle(&mut line);
            (id, take_if_woken(core, &mut line, id, waker))
        };
        if took {
            return self.done();
        }
        self.id = Some(id);
        Poll::Pending
    }
}

/// Waiter `id`'s turn if it was woken: it takes a permit and leaves the
/// line (`true`), or (a barger took the permit) waits again at its place,
/// through `waker`.
fn take_if_woken(core: &Core, line: &mut Line, id: u64, waker: &Waker) -> bool {
    let at = line.position(id);
    if line.waiters[at].woken {
        if core.try_take() {
            line.remove(id);
            core.waiting.store(line.waiters.len(), SeqCst);
            // Another free permit may need its waiter woken now.
            core.settle(line);
            return true;
        }
        line.waiters[at].woken = false;
        line.woken -= 1;
    }
    let kept = &mut line.waiters[at].waker;
    if !kept.as_ref().is_some_and(|kept| kept.will_wake(waker)) {
        *kept = Some(waker.clone());
    }
    // Woken again at once if a permit came meanwhile: it keeps its place.
    core.settle(line);
    false
}

impl<H: CoreRef> Future for AcquirePermit<H> {
    type Output = H;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<H> {
        // Every field is Unpin.
        let this = self.get_mut();
        let Some(id) = this.id else {
            return this.take_or_join(cx.waker());
        };
        let took = {
            let core = this.core();
            take_if_woken(core, &mut core.lock(), id, cx.waker())
        };
        if took { this.done() } else { Poll::Pending }
    }
}

impl<H: CoreRef> Drop for AcquirePermit<H> {
    /// Leaves the line. A wake-up it got and did not use goes to the next
    /// waiter (`settle`), so no permit is left with nobody woken for it.
    fn drop(&mut self) {
        let Some(id) = self.id else { return };
        let core = self.core();
        let mut line = core.lock();
        line.remove(id);
        core.waiting.store(line.waiters.len(), SeqCst);
        core.settle(&mut line);
    }
}

// The handle is a reference or an `Arc`; nothing in it is pinned.
impl<H: CoreRef> Unpin for AcquirePermit<H> {}
