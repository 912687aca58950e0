//! The permit counter and its wait queue, shared by `Semaphore` and
//! `BoundedSemaphore`, and the one acquire loop behind every face.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;
use std::task::Poll;

use event_listener::{Event, EventListener, Listener};
use event_listener_strategy::{EventListenerFuture, Strategy};

use crate::ReleasedTooManyTimes;
use crate::sync::{AtomicUsize, seq_cst_for_loom};

/// eventlet's semaphore state: a counter and a FIFO of waiters.
///
/// The counter is an atomic so that the uncontended paths are one
/// compare-exchange each. Waiters queue on `queue` in arrival order; each
/// release notifies one. A notified waiter takes a permit when it runs, so a
/// barging `try_acquire` can take it first (eventlet's window between a
/// release and its deferred wake). Such a waiter must keep its place at the
/// head: it re-waits on `retry`, which releases serve before `queue`.
pub(crate) struct Core {
    permits: AtomicUsize,
    /// Waiters in either lane, counted from before they listen until they
    /// leave; what `balance` subtracts and what tells a release to notify.
    waiting: AtomicUsize,
    queue: Event,
    retry: Event,
    /// `release` fails at this many permits; `usize::MAX` for no bound.
    limit: usize,
}

impl Core {
    const_unless_loom! {
        pub(crate) fn new(permits: usize, limit: usize) -> Core {
            Core {
                permits: AtomicUsize::new(permits),
                waiting: AtomicUsize::new(0),
                queue: Event::new(),
                retry: Event::new(),
                limit,
            }
        }
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
    /// so the count never wraps); wakes a waiter.
    pub(crate) fn release(&self) -> Result<(), ReleasedTooManyTimes> {
        self.permits
            .fetch_update(SeqCst, SeqCst, |permits| {
                permits.checked_add(1).filter(|&after| after <= self.limit)
            })
            .map_err(|_| ReleasedTooManyTimes)?;
        // The permit is counted before `waiting` is read, and a waiter is
        // counted before it reads the permits: one of the two sees the other.
        seq_cst_for_loom();
        if self.waiting.load(SeqCst) > 0 {
            self.wake_one();
        }
        Ok(())
    }

    /// Wakes a waiter for a permit nobody was woken for. A release notifies
    /// the first waiter not yet notified; when every waiter listening then
    /// was notified already (released to twice before it ran), and another
    /// waiter came after, that release's permit has no notification of its
    /// own. The waiter that takes a permit looks, and passes it on.
    fn pass_on_surplus(&self) {
        seq_cst_for_loom();
        if self.permits.load(SeqCst) > 0 && self.waiting.load(SeqCst) > 0 {
            self.wake_one();
        }
    }

    /// Notifies the first waiter not yet notified: one that lost a permit to a
    /// barger first, else the longest waiting.
    fn wake_one(&self) {
        if self.retry.notify_additional(1) == 0 {
            self.queue.notify_additional(1);
        }
    }

    pub(crate) fn permits(&self) -> usize {
        self.permits.load(SeqCst)
    }

    pub(crate) fn balance(&self) -> isize {
        // Read waiters first: a permit handed over in between makes the
        // figure one too high rather than one too low.
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

/// The one acquire loop: every face polls it with its own strategy. Its
/// output is the handle it was given, for the caller to wrap in a guard.
pub(crate) struct AcquirePermit<H: CoreRef> {
    handle: Option<H>,
    /// Timed acquires may take a free permit ahead of queued waiters
    /// (eventlet's barging); untimed ones queue behind them.
    barge: bool,
    listener: Option<EventListener>,
    /// Counted in `Core::waiting`.
    queued: bool,
}

impl<H: CoreRef> AcquirePermit<H> {
    pub(crate) fn new(handle: H, barge: bool) -> Self {
        AcquirePermit {
            handle: Some(handle),
            barge,
            listener: None,
            queued: false,
        }
    }

    fn core(&self) -> &Core {
        self.handle
            .as_ref()
            .expect("acquire polled after completion")
            .core()
    }

    /// Takes a permit if one is free; on success leaves the queue, and
    /// passes on a permit left over with nobody woken for it.
    fn take(&mut self) -> bool {
        if !self.core().try_take() {
            return false;
        }
        self.leave_queue();
        self.core().pass_on_surplus();
        true
    }

    /// Stops waiting. A notification this waiter received but did not use
    /// goes to the next waiter, so no wake-up is lost.
    ///
    /// The order matters (loom found it): uncount first, then pass the
    /// notification on. A newcomer that still saw us counted skips its own
    /// look at the permits, leaving them to those ahead; so by the time we
    /// pass a notification on, it must either be listening already or see
    /// nobody ahead and look for itself.
    fn leave_queue(&mut self) {
        if std::mem::take(&mut self.queued) {
            self.core().waiting.fetch_sub(1, SeqCst);
        }
        if let Some(listener) = self.listener.take() {
            if listener.discard() {
                self.core().wake_one();
            }
        }
    }
}

impl<H: CoreRef> EventListenerFuture for AcquirePermit<H> {
    type Output = H;

    fn poll_with_strategy<'a, S: Strategy<'a>>(
        self: Pin<&mut Self>,
        strategy: &mut S,
        cx: &mut S::Context,
    ) -> Poll<H> {
        // Every field is Unpin.
        let this = self.get_mut();
        if !this.queued {
            let core = this.core();
            if (this.barge || core.waiting.load(SeqCst) == 0) && core.try_take() {
                return Poll::Ready(this.handle.take().expect("polled after completion"));
            }
            this.listener = Some(this.core().queue.listen());
            this.queued = true;
            // The first waiter must look again: a release may have come
            // between the look above and the count, and notified no one.
            // Later waiters leave permits to those ahead of them.
            let ahead = this.core().waiting.fetch_add(1, SeqCst);
            seq_cst_for_loom();
            if ahead == 0 && this.take() {
                return Poll::Ready(this.handle.take().expect("polled after completion"));
            }
        }
        loop {
            if strategy.poll(&mut this.listener, cx).is_pending() {
                return Poll::Pending;
            }
            // Notified: our turn, unless a barger took the permit. The
            // notification orders the release's count before this read
            // (event-listener's lock); loom cannot see that edge.
            seq_cst_for_loom();
            if this.take() {
                return Poll::Ready(this.handle.take().expect("polled after completion"));
            }
            // Keep our place at the head: releases serve `retry` first. Look
            // once more, for a release that came before we listened.
            this.listener = Some(this.core().retry.listen());
            if this.take() {
                return Poll::Ready(this.handle.take().expect("polled after completion"));
            }
        }
    }
}

impl<H: CoreRef> Drop for AcquirePermit<H> {
    fn drop(&mut self) {
        if self.handle.is_some() {
            self.leave_queue();
        }
    }
}
