use std::future::Future;

use greenhub::{GreenThread, Hub};

/// Where a pool starts its greenthreads: the calling thread's own hub
/// ([`ThisThread`], futures need not be `Send`) or an explicit
/// multi-threaded [`Hub`] (futures and outputs must be `Send`, as that hub
/// asks). A pool is generic over it, so each keeps its own bounds.
///
/// ```
/// use greenpool::{GreenPool, ThisThread};
///
/// // The default: greenthreads of the thread that spawns them.
/// let pool: GreenPool<ThisThread> = GreenPool::new(10);
/// // On a Hub of two threads: the futures must be Send.
/// let on_hub = GreenPool::on(greenhub::Hub::builder().threads(2).build(), 10);
/// assert_eq!(on_hub.size(), pool.size());
/// ```
pub trait Spawner<F: Future> {
    /// Starts `future` as a greenthread.
    fn spawn(&self, future: F) -> GreenThread<F::Output>;

    /// Starts `future` and forgets it; a panic in it is reported on stderr.
    fn spawn_n(&self, future: F)
    where
        F: Future<Output = ()>;
}

/// The calling thread's own hub, as [`greenhub::spawn`] uses: the default
/// [`Spawner`] of a pool.
///
/// ```
/// let pool = greenpool::GreenPool::<greenpool::ThisThread>::new(2);
/// assert_eq!(pool.free(), 2);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ThisThread;

impl<F> Spawner<F> for ThisThread
where
    F: Future + 'static,
    F::Output: 'static,
{
    fn spawn(&self, future: F) -> GreenThread<F::Output> {
        greenhub::spawn(future)
    }

    fn spawn_n(&self, future: F)
    where
        F: Future<Output = ()>,
    {
        greenhub::spawn_n(future);
    }
}

impl<F> Spawner<F> for Hub
where
    F: Future + Send + 'static,
    F::Output: Send + Sync + 'static,
{
    fn spawn(&self, future: F) -> GreenThread<F::Output> {
        Hub::spawn(self, future)
    }

    fn spawn_n(&self, future: F)
    where
        F: Future<Output = ()>,
    {
        Hub::spawn_n(self, future);
    }
}

/// How an OS thread waits for a pool's work, for the pool's `*_blocking`
/// faces: they block on the async face through this. [`ThisThread`] drives
/// the calling thread's hub while it waits, since that hub runs the
/// greenthreads that must finish first (a plain block would wait forever);
/// a [`Hub`] runs on threads of its own, so the caller just blocks.
///
/// ```
/// use greenpool::BlockOn;
///
/// assert_eq!(greenpool::ThisThread.block_on(async { 7 }), 7);
/// assert_eq!(greenhub::Hub::builder().build().block_on(async { 8 }), 8);
/// ```
pub trait BlockOn {
    /// Blocks the calling thread until `future` completes.
    ///
    /// # Panics
    /// For [`ThisThread`], inside `greenhub::run` on the same thread (a
    /// greenthread must await instead), as `greenhub::run` does.
    fn block_on<T>(&self, future: impl Future<Output = T>) -> T;
}

impl BlockOn for ThisThread {
    fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        greenhub::run(future)
    }
}

impl BlockOn for Hub {
    fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        futures_lite::future::block_on(future)
    }
}
