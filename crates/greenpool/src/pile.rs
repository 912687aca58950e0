use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use futures_lite::Stream;
use greenhub::futures::Join;
use greenhub::{GreenThread, WaitError};

use crate::slots::Pooled;
use crate::{GreenPool, Spawner, ThisThread};

/// eventlet's `GreenPile`: spawn work into a pool, then take the results
/// in spawn order.
///
/// It is a [`Stream`] of results (and [`next_blocking`](GreenPile::next_blocking)
/// for OS threads) that ends when everything spawned so far has been taken;
/// spawning more makes it give more. Over its own pool
/// ([`GreenPile::new`]) or one shared with other piles and spawners
/// ([`GreenPile::with_pool`]).
///
/// ```
/// use futures_lite::StreamExt;
///
/// let words = greenhub::run(async {
///     let mut pile = greenpool::GreenPile::new(10);
///     for word in ["green", "pile", "order"] {
///         pile.spawn(async move { word.to_uppercase() }).await;
///     }
///     let words: Vec<_> = (&mut pile).map(Result::unwrap).collect().await;
///     words
/// });
/// assert_eq!(words, ["GREEN", "PILE", "ORDER"]);
/// ```
pub struct GreenPile<T, H = ThisThread> {
    pool: GreenPool<H>,
    /// Spawned and not taken yet, in spawn order.
    spawned: Mutex<VecDeque<GreenThread<T>>>,
    /// The oldest, being waited for by the stream.
    taking: Option<Join<T>>,
}

impl<T> GreenPile<T> {
    /// A pile over a pool of its own of `size` slots, on the calling
    /// thread's hub.
    ///
    /// ```
    /// let pile = greenpool::GreenPile::<u8>::new(4);
    /// assert_eq!(pile.pool().size(), 4);
    /// ```
    pub fn new(size: usize) -> Self {
        GreenPile::with_pool(GreenPool::new(size))
    }
}

impl<T> Default for GreenPile<T> {
    /// eventlet's default: a pool of its own of 1000 slots.
    ///
    /// ```
    /// assert_eq!(greenpool::GreenPile::<()>::default().pool().size(), 1000);
    /// ```
    fn default() -> Self {
        GreenPile::new(1000)
    }
}

impl<T, H> GreenPile<T, H> {
    /// A pile whose work runs in `pool`, which others may share: the pool
    /// bounds them all together.
    ///
    /// ```
    /// use futures_lite::StreamExt;
    /// use greenpool::{GreenPile, GreenPool};
    ///
    /// greenhub::run(async {
    ///     let pool = GreenPool::new(2);
    ///     let mut evens = GreenPile::with_pool(pool.clone());
    ///     let mut odds = GreenPile::with_pool(pool.clone());
    ///     for n in 0..4 {
    ///         let pile = if n % 2 == 0 { &evens } else { &odds };
    ///         pile.spawn(async move { n }).await;
    ///     }
    ///     assert_eq!(evens.next().await, Some(Ok(0)));
    ///     assert_eq!(odds.next().await, Some(Ok(1)));
    /// });
    /// ```
    pub fn with_pool(pool: GreenPool<H>) -> Self {
        GreenPile {
            pool,
            spawned: Mutex::new(VecDeque::new()),
            taking: None,
        }
    }

    /// The pool the pile's work runs in.
    ///
    /// ```
    /// let pile = greenpool::GreenPile::<u8>::new(3);
    /// assert_eq!(pile.pool().free(), 3);
    /// ```
    pub fn pool(&self) -> &GreenPool<H> {
        &self.pool
    }

    fn spawned(&self) -> MutexGuard<'_, VecDeque<GreenThread<T>>> {
        // Pushes and pops only: no user code runs under this lock.
        self.spawned.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `future` in the pile's pool ([`GreenPool::spawn`]: waits for a
    /// slot, inline for the pool's own full greenthreads); its result comes
    /// out of the pile after those spawned before it.
    ///
    /// ```
    /// use futures_lite::StreamExt;
    ///
    /// greenhub::run(async {
    ///     let mut pile = greenpool::GreenPile::new(2);
    ///     pile.spawn(async { 1 }).await;
    ///     assert_eq!(pile.next().await, Some(Ok(1)));
    ///     assert_eq!(pile.next().await, None); // all taken, for now
    ///     pile.spawn(async { 2 }).await;
    ///     assert_eq!(pile.next().await, Some(Ok(2)));
    /// });
    /// ```
    pub async fn spawn<F>(&self, future: F)
    where
        F: Future<Output = T>,
        H: Spawner<Pooled<F>>,
    {
        let thread = self.pool.spawn(future).await;
        self.spawned().push_back(thread);
    }

    /// How many results are left to take: spawned and not taken yet.
    ///
    /// ```
    /// greenhub::run(async {
    ///     let pile = greenpool::GreenPile::new(2);
    ///     pile.spawn(async {}).await;
    ///     assert_eq!(pile.len(), 1);
    /// });
    /// ```
    pub fn len(&self) -> usize {
        self.spawned().len() + usize::from(self.taking.is_some())
    }

    /// Whether every result spawned so far has been taken.
    ///
    /// ```
    /// assert!(greenpool::GreenPile::<u8>::new(1).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next result for OS threads: `None` once everything spawned so
    /// far was taken. On the thread whose hub runs the work, outside `run`,
    /// it drives that hub (as [`GreenThread::join_blocking`]).
    ///
    /// # Blocking
    /// This blocks the calling thread: in a greenthread use the stream.
    ///
    /// ```
    /// let mut pile = greenpool::GreenPile::new(2);
    /// greenhub::run(async {
    ///     pile.spawn(async { "a" }).await;
    ///     pile.spawn(async { "b" }).await;
    /// });
    /// let taken: Vec<_> = std::iter::from_fn(|| pile.next_blocking()).collect();
    /// assert_eq!(taken, [Ok("a"), Ok("b")]);
    /// ```
    pub fn next_blocking(&mut self) -> Option<Result<T, WaitError>> {
        let oldest = match self.taking.take() {
            // A wait the stream began: finish it here.
            Some(taking) => taking.thread().clone(),
            None => self.spawned().pop_front()?,
        };
        Some(oldest.join_blocking())
    }
}

impl<T, H> Unpin for GreenPile<T, H> {}

impl<T, H> Stream for GreenPile<T, H> {
    type Item = Result<T, WaitError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.taking.is_none() {
            let Some(oldest) = this.spawned().pop_front() else {
                return Poll::Ready(None);
            };
            this.taking = Some(oldest.join());
        }
        let taking = this.taking.as_mut().expect("set above");
        let result = std::task::ready!(Pin::new(taking).poll(cx));
        this.taking = None;
        Poll::Ready(Some(result))
    }
}

impl<T, H> fmt::Debug for GreenPile<T, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GreenPile")
            .field("left", &self.len())
            .field("pool", &self.pool)
            .finish()
    }
}
