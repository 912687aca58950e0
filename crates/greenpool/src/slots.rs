//! A pool's slots: the permits its spawners wait for, its size, and the
//! wake-up of `waitall`, shared by the pool's handles and its greenthreads.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use event_listener::{Event, EventListener, Listener};
use event_listener_strategy::{EventListenerFuture, Strategy};
use greensem::{Semaphore, SemaphoreGuardArc};
use pin_project_lite::pin_project;

/// The slots of one pool.
///
/// Free slots are the permits of a FIFO `Semaphore`, so spawners are served
/// in arrival order and a dropped spawn passes its turn on (the semaphore's
/// cancel safety). A shrink that finds too few free slots records the rest
/// as `debt`, paid by the next slots that come free instead of releasing
/// them (eventlet lets its semaphore's counter go negative).
///
/// So at every instant: free permits + running = size + debt. `running` is
/// derived from that, never kept.
pub(crate) struct Slots {
    pub(crate) permits: Arc<Semaphore>,
    size: Mutex<Size>,
    /// Notified when the pool goes idle: nothing running, no spawner waiting.
    idle: Event,
}

struct Size {
    size: usize,
    debt: usize,
}

thread_local! {
    /// The pool whose greenthread is being polled on this thread: set by
    /// `Pooled` around each poll of its future. It is how a spawn knows it
    /// comes from one of the pool's own greenthreads, as eventlet's
    /// `getcurrent() in coroutines_running`, with no set of ids to keep.
    static OWN_POOL: Cell<*const Slots> = const { Cell::new(std::ptr::null()) };
}

impl Slots {
    pub(crate) fn new(size: usize) -> Slots {
        Slots {
            permits: Arc::new(Semaphore::new(size)),
            size: Mutex::new(Size { size, debt: 0 }),
            idle: Event::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Size> {
        // No user code runs under this lock.
        self.size.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn size(&self) -> usize {
        self.lock().size
    }

    /// Free slots minus the debt: negative after a shrink below `running`.
    pub(crate) fn free(&self) -> isize {
        let size = self.lock();
        signed(self.permits.counter()) - signed(size.debt)
    }

    pub(crate) fn running(&self) -> usize {
        self.running_under(&self.lock())
    }

    fn running_under(&self, size: &Size) -> usize {
        (size.size + size.debt).saturating_sub(self.permits.counter())
    }

    /// Spawners waiting for a slot.
    pub(crate) fn waiting(&self) -> usize {
        let counter = signed(self.permits.counter());
        usize::try_from(counter - self.permits.balance()).unwrap_or(0)
    }

    fn is_idle_under(&self, size: &Size) -> bool {
        self.running_under(size) == 0 && self.waiting() == 0
    }

    /// Wakes `waitall` if the pool is idle now.
    pub(crate) fn wake_if_idle(&self) {
        if self.is_idle_under(&self.lock()) {
            self.idle.notify(usize::MAX);
        }
    }

    /// A slot comes free: it pays a debt, or goes back to the spawners;
    /// `waitall` is woken if that left the pool idle.
    pub(crate) fn free_one(&self) {
        let idle = {
            let mut size = self.lock();
            if size.debt > 0 {
                size.debt -= 1;
            } else {
                self.permits.release();
            }
            self.is_idle_under(&size)
        };
        if idle {
            self.idle.notify(usize::MAX);
        }
    }

    /// eventlet's `resize`: growing frees slots at once (waking waiting
    /// spawners), shrinking takes free slots and owes the rest.
    pub(crate) fn resize(&self, new_size: usize) {
        let mut size = self.lock();
        if new_size >= size.size {
            let grow = new_size - size.size;
            let paid = grow.min(size.debt);
            size.debt -= paid;
            for _ in paid..grow {
                self.permits.release();
            }
        } else {
            let mut shrink = size.size - new_size;
            while shrink > 0 {
                let Some(permit) = self.permits.try_acquire() else {
                    break;
                };
                permit.forget();
                shrink -= 1;
            }
            size.debt += shrink;
        }
        size.size = new_size;
    }

    /// Whether the greenthread being polled on this thread is one of this
    /// pool's.
    pub(crate) fn is_own(self: &Arc<Self>) -> bool {
        OWN_POOL.with(Cell::get) == Arc::as_ptr(self)
    }

    pub(crate) fn waitall(&self) -> WaitAllInner<'_> {
        WaitAllInner {
            slots: self,
            listener: None,
        }
    }
}

fn signed(count: usize) -> isize {
    isize::try_from(count).unwrap_or(isize::MAX)
}

/// One slot, taken from `permits`, until this is dropped.
pub(crate) struct Slot(Arc<Slots>);

impl Slot {
    /// Takes over `permit`, a permit of `slots.permits`: from here it goes
    /// back through `free_one`, which pays a debt first.
    pub(crate) fn of(permit: SemaphoreGuardArc, slots: &Arc<Slots>) -> Slot {
        permit.forget();
        Slot(slots.clone())
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.free_one();
    }
}

pin_project! {
    /// A future run by one of a pool's greenthreads: it marks the pool as
    /// its own while it is polled. The slot is freed when the greenthread
    /// ends (a link, as eventlet's pool uses, so a greenthread killed before
    /// it started frees it at once); for `spawn_n`, which has no handle to
    /// kill it, when this future is dropped.
    ///
    /// ```
    /// greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(1);
    ///     let thread = pool.spawn(async { 1 }).await; // runs a Pooled future
    ///     assert_eq!(thread.wait().await, Ok(1));
    ///     assert_eq!(pool.free(), 1); // its slot came back
    /// });
    /// ```
    pub struct Pooled<F> {
        #[pin]
        future: F,
        owner: Owner,
    }
}

/// What a pooled future keeps of its pool.
enum Owner {
    /// The slot itself, freed when the future is dropped.
    Holds(Slot),
    /// Only the pool, to mark it: a link frees the slot.
    Marks(Arc<Slots>),
}

impl<F> Pooled<F> {
    /// A future that frees `slot` when it is dropped.
    pub(crate) fn holding(future: F, slot: Slot) -> Self {
        Pooled {
            future,
            owner: Owner::Holds(slot),
        }
    }

    /// A future of `slots`' pool whose slot something else frees.
    pub(crate) fn marking(future: F, slots: &Arc<Slots>) -> Self {
        Pooled {
            future,
            owner: Owner::Marks(slots.clone()),
        }
    }
}

impl<F: Future> Future for Pooled<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let pool = match this.owner {
            Owner::Holds(Slot(slots)) | Owner::Marks(slots) => Arc::as_ptr(slots),
        };
        let outer = OWN_POOL.with(|own| own.replace(pool));
        // Put back even if the future panics: the next greenthread polled
        // on this thread is not this pool's.
        let _restore = Restore(outer);
        this.future.poll(cx)
    }
}

struct Restore(*const Slots);

impl Drop for Restore {
    fn drop(&mut self) {
        OWN_POOL.with(|own| own.set(self.0));
    }
}

impl<F> std::fmt::Debug for Pooled<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pooled { .. }")
    }
}

/// The one `waitall` loop, behind every face.
pub(crate) struct WaitAllInner<'a> {
    slots: &'a Slots,
    listener: Option<EventListener>,
}

impl EventListenerFuture for WaitAllInner<'_> {
    type Output = ();

    fn poll_with_strategy<'a, S: Strategy<'a>>(
        self: Pin<&mut Self>,
        strategy: &mut S,
        cx: &mut S::Context,
    ) -> Poll<()> {
        let this = self.get_mut();
        loop {
            // Looked at again after listening: the pool may have gone idle
            // just before.
            if this.slots.is_idle_under(&this.slots.lock()) {
                return Poll::Ready(());
            }
            if this.listener.is_none() {
                this.listener = Some(this.slots.idle.listen());
            } else if strategy.poll(&mut this.listener, cx).is_pending() {
                return Poll::Pending;
            }
        }
    }
}

impl Drop for WaitAllInner<'_> {
    fn drop(&mut self) {
        if let Some(listener) = self.listener.take() {
            listener.discard();
        }
    }
}
