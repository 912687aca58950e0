use std::error::Error;
use std::fmt;

/// A spawn that found no free slot (at once, or within its timeout): the
/// future comes back, not started.
///
/// ```
/// use greenpool::{GreenPool, PoolFull};
///
/// greenhub::run(async {
///     let pool = GreenPool::new(0);
///     let PoolFull(future) = pool.try_spawn(async { 1 }).unwrap_err();
///     assert_eq!(future.await, 1); // never started, still whole
/// });
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PoolFull<F>(pub F);

impl<F> PoolFull<F> {
    /// The future that was not spawned.
    ///
    /// ```
    /// assert_eq!(greenpool::PoolFull(5).into_inner(), 5);
    /// ```
    pub fn into_inner(self) -> F {
        self.0
    }
}

impl<F> fmt::Debug for PoolFull<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PoolFull(..)")
    }
}

impl<F> fmt::Display for PoolFull<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("pool is full")
    }
}

impl<F> Error for PoolFull<F> {}
