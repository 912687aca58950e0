use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use event_listener_strategy::FutureWrapper;
use futures_lite::FutureExt;
use greenhub::GreenThread;

use crate::futures::{WaitAll, WaitAllTimeout};
use crate::slots::{Pooled, Slot, Slots};
use crate::{BlockOn, PoolFull, Spawner, ThisThread};

/// eventlet's `GreenPool`: at most `size` greenthreads at a time.
///
/// [`spawn`](GreenPool::spawn) waits for a free slot (spawners are served
/// in arrival order), then starts the future as a greenthread that holds
/// the slot until it ends: finished, panicked or killed. A greenthread of
/// this pool that spawns into it while it is full runs the new work inline
/// instead of waiting for a slot it may itself hold (eventlet's rule that
/// keeps recursive crawlers alive).
///
/// A pool is a cheap handle: clones share the slots. `GreenPool::new`
/// spawns on the calling thread's own hub (futures need not be `Send`);
/// [`GreenPool::on`] spawns on an explicit multi-threaded
/// [`Hub`](greenhub::Hub).
///
/// ```
/// use greenpool::GreenPool;
///
/// let total = greenhub::run(async {
///     let pool = GreenPool::new(2);
///     let mut threads = Vec::new();
///     for n in 1..=5 {
///         threads.push(pool.spawn(async move { n * n }).await);
///         assert!(pool.running() <= 2);
///     }
///     pool.waitall().await;
///     let mut total = 0;
///     for thread in threads {
///         total += thread.wait().await.unwrap();
///     }
///     total
/// });
/// assert_eq!(total, 55);
/// ```
pub struct GreenPool<H = ThisThread> {
    pub(crate) slots: Arc<Slots>,
    pub(crate) hub: H,
}

impl GreenPool {
    /// A pool of `size` slots on the calling thread's own hub. `size` 0 is
    /// allowed (every spawn waits until a [`resize`](GreenPool::resize)).
    ///
    /// ```
    /// let pool = greenpool::GreenPool::new(10);
    /// assert_eq!((pool.size(), pool.free(), pool.running()), (10, 10, 0));
    /// ```
    pub fn new(size: usize) -> GreenPool {
        GreenPool::on(ThisThread, size)
    }
}

impl Default for GreenPool {
    /// eventlet's default pool: 1000 slots.
    ///
    /// ```
    /// assert_eq!(greenpool::GreenPool::default().size(), 1000);
    /// ```
    fn default() -> Self {
        GreenPool::new(1000)
    }
}

impl<H> GreenPool<H> {
    /// A pool of `size` slots whose greenthreads `hub` starts: a
    /// [`Hub`](greenhub::Hub) for parallel work, or [`ThisThread`].
    ///
    /// ```
    /// use greenpool::GreenPool;
    ///
    /// let hub = greenhub::Hub::builder().threads(2).build();
    /// let pool = GreenPool::on(hub.clone(), 4);
    /// let squares = hub.run(async move {
    ///     let mut threads = Vec::new();
    ///     for n in 0..8_u64 {
    ///         threads.push(pool.spawn(async move { n * n }).await);
    ///     }
    ///     let mut squares = Vec::new();
    ///     for thread in threads {
    ///         squares.push(thread.wait().await.unwrap());
    ///     }
    ///     squares
    /// });
    /// assert_eq!(squares, vec![0, 1, 4, 9, 16, 25, 36, 49]);
    /// ```
    pub fn on(hub: H, size: usize) -> Self {
        GreenPool {
            slots: Arc::new(Slots::new(size)),
            hub,
        }
    }

    /// Waits for a free slot, then starts `future` as a greenthread of the
    /// pool and returns its handle. eventlet's `spawn`.
    ///
    /// Called from one of this pool's own greenthreads while the pool is
    /// full, it runs `future` inline, in the calling greenthread, and
    /// returns a handle that has already finished; a panic in it then
    /// reaches the caller, as eventlet re-raises.
    ///
    /// Cancel-safe: dropped while it waits for a slot, it takes none and
    /// starts nothing, and its turn passes to the next spawner.
    ///
    /// ```
    /// greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(1);
    ///     let first = pool.spawn(greenhub::sleep(std::time::Duration::from_millis(5))).await;
    ///     assert_eq!(pool.free(), 0);
    ///     let second = pool.spawn(async { "waited for the first" }).await;
    ///     assert!(first.is_dead());
    ///     assert_eq!(second.wait().await, Ok("waited for the first"));
    /// });
    /// ```
    pub async fn spawn<F>(&self, future: F) -> GreenThread<F::Output>
    where
        F: Future,
        H: Spawner<Pooled<F>>,
    {
        if self.is_own_and_full() {
            return GreenThread::finished(future.await);
        }
        let Some(slot) = self.wait_for_slot(None).await else {
            unreachable!("a wait without a timeout ends with a slot")
        };
        self.start(slot, future)
    }

    /// [`spawn`](GreenPool::spawn), bounded: `Err(PoolFull(future))` (not
    /// started) if no slot came free within `timeout`. The inline rule
    /// applies as in `spawn`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use greenpool::{GreenPool, PoolFull};
    ///
    /// greenhub::run(async {
    ///     let pool = GreenPool::new(1);
    ///     let busy = pool.spawn(greenhub::sleep(Duration::from_secs(60))).await;
    ///     let refused = pool.spawn_timeout(Duration::from_millis(5), async { 1 }).await;
    ///     assert!(matches!(refused, Err(PoolFull(_))));
    ///     busy.kill();
    ///     let thread = pool.spawn_timeout(Duration::from_secs(5), async { 2 }).await.unwrap();
    ///     assert_eq!(thread.wait().await, Ok(2));
    /// });
    /// ```
    pub async fn spawn_timeout<F>(
        &self,
        timeout: Duration,
        future: F,
    ) -> Result<GreenThread<F::Output>, PoolFull<F>>
    where
        F: Future,
        H: Spawner<Pooled<F>>,
    {
        if self.is_own_and_full() {
            return Ok(GreenThread::finished(future.await));
        }
        match self.wait_for_slot(Some(timeout)).await {
            Some(slot) => Ok(self.start(slot, future)),
            None => Err(PoolFull(future)),
        }
    }

    /// [`spawn`](GreenPool::spawn) for OS threads: blocks the thread until a
    /// slot is free (no inline rule: an OS thread is no greenthread of the
    /// pool). On a pool of [`ThisThread`] it drives the calling thread's hub
    /// meanwhile, as the greenthreads holding the slots run there.
    ///
    /// # Blocking
    /// This blocks the calling thread: in a greenthread use
    /// [`spawn`](GreenPool::spawn).
    ///
    /// # Panics
    /// On a pool of [`ThisThread`], inside `greenhub::run` on the same
    /// thread, as [`BlockOn::block_on`].
    ///
    /// ```
    /// let hub = greenhub::Hub::builder().build();
    /// let pool = greenpool::GreenPool::on(hub, 1);
    /// let thread = pool.spawn_blocking(async { 5 });
    /// assert_eq!(thread.wait_blocking(), Ok(5));
    /// ```
    pub fn spawn_blocking<F>(&self, future: F) -> GreenThread<F::Output>
    where
        F: Future,
        H: Spawner<Pooled<F>> + BlockOn,
    {
        self.hub.block_on(self.spawn(future))
    }

    /// [`spawn_blocking`](GreenPool::spawn_blocking), bounded:
    /// `Err(PoolFull(future))` if no slot came free within `timeout`.
    ///
    /// # Blocking
    /// This blocks the calling thread: in a greenthread use
    /// [`spawn_timeout`](GreenPool::spawn_timeout).
    ///
    /// # Panics
    /// As [`spawn_blocking`](GreenPool::spawn_blocking).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = greenpool::GreenPool::on(greenhub::Hub::builder().build(), 0);
    /// let refused = pool.spawn_blocking_timeout(Duration::from_millis(5), async { 1 });
    /// let not_started = refused.unwrap_err().into_inner();
    /// assert_eq!(futures_lite::future::block_on(not_started), 1);
    /// ```
    pub fn spawn_blocking_timeout<F>(
        &self,
        timeout: Duration,
        future: F,
    ) -> Result<GreenThread<F::Output>, PoolFull<F>>
    where
        F: Future,
        H: Spawner<Pooled<F>> + BlockOn,
    {
        self.hub.block_on(self.spawn_timeout(timeout, future))
    }

    /// Starts `future` if a slot is free now; else `Err(PoolFull(future))`,
    /// not started. Never waits and never runs inline. Like every `try_`
    /// face in the workspace, it may take a slot that came free ahead of a
    /// waiting spawner (eventlet's `try_acquire` does the same).
    ///
    /// ```
    /// greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(1);
    ///     let first = pool.try_spawn(async { 1 }).unwrap();
    ///     assert!(pool.try_spawn(async { 2 }).is_err());
    ///     assert_eq!(first.wait().await, Ok(1));
    ///     assert!(pool.try_spawn(async { 3 }).is_ok());
    /// });
    /// ```
    pub fn try_spawn<F>(&self, future: F) -> Result<GreenThread<F::Output>, PoolFull<F>>
    where
        F: Future,
        H: Spawner<Pooled<F>>,
    {
        match self.slots.permits.try_acquire_arc() {
            Some(permit) => Ok(self.start(Slot::of(permit, &self.slots), future)),
            None => Err(PoolFull(future)),
        }
    }

    /// [`spawn`](GreenPool::spawn), forgetting the greenthread: eventlet's
    /// `spawn_n`. A panic in it is reported on stderr and frees its slot;
    /// run inline (the pool's own greenthread, pool full), a panic is
    /// printed by the panic hook and the caller carries on, as eventlet's.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    ///
    /// let count = Rc::new(Cell::new(0));
    /// greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(2);
    ///     for _ in 0..5 {
    ///         let count = count.clone();
    ///         pool.spawn_n(async move { count.set(count.get() + 1) }).await;
    ///     }
    ///     pool.waitall().await;
    /// });
    /// assert_eq!(count.get(), 5);
    /// ```
    pub async fn spawn_n<F>(&self, future: F)
    where
        F: Future<Output = ()>,
        H: Spawner<Pooled<F>>,
    {
        if self.is_own_and_full() {
            // The panic hook has printed it, as eventlet prints the
            // traceback; the calling greenthread carries on.
            let _panicked = AssertUnwindSafe(future).catch_unwind().await;
            return;
        }
        let Some(slot) = self.wait_for_slot(None).await else {
            unreachable!("a wait without a timeout ends with a slot")
        };
        // No handle, so no kill: the future's end is the greenthread's.
        self.hub.spawn_n(Pooled::holding(future, slot));
    }

    /// Waits in line for a slot, as long as it takes or until `timeout`
    /// (`None` then). A spawner that leaves the line without one may have
    /// left the pool idle: `waitall` is told.
    async fn wait_for_slot(&self, timeout: Option<Duration>) -> Option<Slot> {
        let line = InLine::enter(&self.slots);
        let permit = match timeout {
            None => Some(self.slots.permits.acquire_arc().await),
            Some(timeout) => self.slots.permits.acquire_arc_timeout(timeout).await,
        }?;
        line.served();
        Some(Slot::of(permit, &self.slots))
    }

    /// Starts `future` in `slot`.
    pub(crate) fn start<F>(&self, slot: Slot, future: F) -> GreenThread<F::Output>
    where
        F: Future,
        H: Spawner<Pooled<F>>,
    {
        // The slot is the greenthread's until it ends: finished, panicked,
        // or killed (at once if it had not started, as eventlet's `kill`
        // ends it). A link runs then, as eventlet's pool links
        // `_spawn_done`; a greenthread that ended already runs it at once.
        let thread = self.hub.spawn(Pooled::marking(future, &self.slots));
        thread.link(move |_| drop(slot));
        thread
    }

    /// A spawn from one of this pool's own greenthreads into the full pool.
    pub(crate) fn is_own_and_full(&self) -> bool {
        self.slots.is_own() && self.slots.free() <= 0
    }

    /// Waits until none of the pool's greenthreads runs and no spawner
    /// waits for a slot. eventlet's `waitall`.
    ///
    /// # Panics
    /// Called from one of the pool's own greenthreads: it would wait for
    /// itself forever (eventlet asserts the same).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(3);
    ///     for n in 1..=3 {
    ///         pool.spawn(greenhub::sleep(Duration::from_millis(n))).await;
    ///     }
    ///     assert_eq!(pool.running(), 3);
    ///     pool.waitall().await;
    ///     assert_eq!(pool.running(), 0);
    /// });
    /// ```
    pub fn waitall(&self) -> WaitAll<'_> {
        self.refuse_from_inside();
        WaitAll::new(FutureWrapper::new(self.slots.waitall()))
    }

    /// [`waitall`](GreenPool::waitall), bounded: `false` if the pool was
    /// still busy when `timeout` passed.
    ///
    /// # Panics
    /// As [`waitall`](GreenPool::waitall).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(1);
    ///     let slow = pool.spawn(greenhub::sleep(Duration::from_secs(60))).await;
    ///     assert!(!pool.waitall_timeout(Duration::from_millis(5)).await);
    ///     slow.kill();
    ///     assert!(pool.waitall_timeout(Duration::from_secs(5)).await);
    /// });
    /// ```
    pub fn waitall_timeout(&self, timeout: Duration) -> WaitAllTimeout<'_> {
        self.refuse_from_inside();
        WaitAllTimeout::new(greentimeout::with_timeout(
            timeout,
            WaitAll::new(FutureWrapper::new(self.slots.waitall())),
        ))
    }

    /// [`waitall`](GreenPool::waitall) for OS threads. On a pool of
    /// [`ThisThread`] it drives the calling thread's hub meanwhile: that is
    /// where the pool's greenthreads run.
    ///
    /// # Blocking
    /// This blocks the calling thread: in a greenthread use
    /// [`waitall`](GreenPool::waitall).
    ///
    /// # Panics
    /// As [`waitall`](GreenPool::waitall), and as
    /// [`spawn_blocking`](GreenPool::spawn_blocking).
    ///
    /// ```
    /// let pool = greenpool::GreenPool::on(greenhub::Hub::builder().build(), 2);
    /// for _ in 0..4 {
    ///     pool.spawn_blocking(async {});
    /// }
    /// pool.waitall_blocking();
    /// assert_eq!(pool.running(), 0);
    /// ```
    pub fn waitall_blocking(&self)
    where
        H: BlockOn,
    {
        self.hub.block_on(self.waitall());
    }

    /// [`waitall_blocking`](GreenPool::waitall_blocking), bounded: `false`
    /// if the pool was still busy when `timeout` passed.
    ///
    /// # Blocking
    /// This blocks the calling thread: in a greenthread use
    /// [`waitall_timeout`](GreenPool::waitall_timeout).
    ///
    /// # Panics
    /// As [`waitall_blocking`](GreenPool::waitall_blocking).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = greenpool::GreenPool::on(greenhub::Hub::builder().build(), 1);
    /// let slow = pool.spawn_blocking(greenhub::sleep(Duration::from_secs(60)));
    /// assert!(!pool.waitall_blocking_timeout(Duration::from_millis(5)));
    /// slow.kill();
    /// assert!(pool.waitall_blocking_timeout(Duration::from_secs(5)));
    /// ```
    pub fn waitall_blocking_timeout(&self, timeout: Duration) -> bool
    where
        H: BlockOn,
    {
        self.hub.block_on(self.waitall_timeout(timeout))
    }

    /// Whether the pool is idle now: the never-waits face of
    /// [`waitall`](GreenPool::waitall).
    ///
    /// ```
    /// greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(1);
    ///     assert!(pool.try_waitall());
    ///     let thread = pool.spawn(async {}).await;
    ///     assert!(!pool.try_waitall());
    ///     thread.wait().await.unwrap();
    ///     assert!(pool.try_waitall());
    /// });
    /// ```
    pub fn try_waitall(&self) -> bool {
        self.running() == 0 && self.waiting() == 0
    }

    fn refuse_from_inside(&self) {
        assert!(
            !self.slots.is_own(),
            "GreenPool::waitall called from one of the pool's own greenthreads \
             would wait for itself forever"
        );
    }

    /// The number of the pool's greenthreads that have not ended (started
    /// or about to). eventlet's `running()`.
    ///
    /// ```
    /// greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(4);
    ///     let thread = pool.spawn(async {}).await;
    ///     assert_eq!(pool.running(), 1);
    ///     thread.wait().await.unwrap();
    ///     assert_eq!(pool.running(), 0);
    /// });
    /// ```
    pub fn running(&self) -> usize {
        self.slots.running()
    }

    /// Free slots: the size minus what runs. Negative after a
    /// [`resize`](GreenPool::resize) below what runs. eventlet's `free()`.
    ///
    /// ```
    /// greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(2);
    ///     let _thread = pool.spawn(async {}).await;
    ///     assert_eq!(pool.free(), 1);
    /// });
    /// ```
    pub fn free(&self) -> isize {
        self.slots.free()
    }

    /// Spawners waiting for a free slot. eventlet's `waiting()`.
    ///
    /// ```
    /// greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(0);
    ///     assert_eq!(pool.waiting(), 0);
    ///     let spawner = {
    ///         let pool = pool.clone();
    ///         greenhub::spawn(async move { pool.spawn(async {}).await; })
    ///     };
    ///     greenhub::sleep(std::time::Duration::ZERO).await;
    ///     assert_eq!(pool.waiting(), 1);
    ///     pool.resize(1);
    ///     spawner.wait().await.unwrap();
    ///     assert_eq!(pool.waiting(), 0);
    /// });
    /// ```
    pub fn waiting(&self) -> usize {
        self.slots.waiting()
    }

    /// The most greenthreads the pool runs at once.
    ///
    /// ```
    /// assert_eq!(greenpool::GreenPool::new(7).size(), 7);
    /// ```
    pub fn size(&self) -> usize {
        self.slots.size()
    }

    /// Changes the size. Growing lets waiting spawners through at once;
    /// shrinking lets running greenthreads finish, and no new one starts
    /// until fewer than `new_size` run ([`free`](GreenPool::free) is
    /// negative meanwhile). eventlet's `resize`.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(2);
    ///     let a = pool.spawn(greenhub::sleep(Duration::from_millis(5))).await;
    ///     let b = pool.spawn(greenhub::sleep(Duration::from_millis(5))).await;
    ///     pool.resize(1);
    ///     assert_eq!(pool.free(), -1); // both finish; then one at a time
    ///     a.wait().await.unwrap();
    ///     b.wait().await.unwrap();
    ///     assert_eq!(pool.free(), 1);
    /// });
    /// ```
    pub fn resize(&self, new_size: usize) {
        self.slots.resize(new_size);
    }
}

impl<H: Clone> Clone for GreenPool<H> {
    fn clone(&self) -> Self {
        GreenPool {
            slots: self.slots.clone(),
            hub: self.hub.clone(),
        }
    }
}

impl<H> fmt::Debug for GreenPool<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GreenPool")
            .field("size", &self.size())
            .field("running", &self.running())
            .field("waiting", &self.waiting())
            .finish()
    }
}

/// A spawner in line for a slot. If it leaves without one (timed out or
/// dropped), the pool may have gone idle with it: `waitall` is told.
struct InLine<'a> {
    slots: Option<&'a Slots>,
}

impl<'a> InLine<'a> {
    fn enter(slots: &'a Slots) -> Self {
        InLine { slots: Some(slots) }
    }

    /// It got its slot: the pool is busy, nobody to tell.
    fn served(mut self) {
        self.slots = None;
    }
}

impl Drop for InLine<'_> {
    fn drop(&mut self) {
        if let Some(slots) = self.slots {
            slots.wake_if_idle();
        }
    }
}
