use crate::core::Core;
use crate::faces::semaphore_faces;

/// A counting semaphore: eventlet's `Semaphore`.
///
/// `acquire` waits while no permit is free; waiters are served in arrival
/// order. `release` adds a permit with no upper bound (eventlet's rule; see
/// [`BoundedSemaphore`](crate::BoundedSemaphore) for one that stops at its
/// initial value). Acquires give a guard that releases when dropped.
///
/// ```
/// use std::sync::Arc;
/// use greensem::Semaphore;
///
/// // At most two workers at a time.
/// let sem = Arc::new(Semaphore::new(2));
/// let workers: Vec<_> = (0..5)
///     .map(|_| {
///         let sem = sem.clone();
///         std::thread::spawn(move || {
///             let _permit = sem.acquire_blocking();
///             assert!(sem.counter() <= 1);
///         })
///     })
///     .collect();
/// for worker in workers {
///     worker.join().unwrap();
/// }
/// assert_eq!(sem.counter(), 2);
/// ```
pub struct Semaphore {
    core: Core,
}

impl Semaphore {
    const_unless_loom! {
        /// A semaphore with `permits` free permits.
        ///
        /// ```
        /// static LIMIT: greensem::Semaphore = greensem::Semaphore::new(4);
        /// assert_eq!(LIMIT.counter(), 4);
        /// ```
        pub fn new(permits: usize) -> Semaphore {
            Semaphore {
                core: Core::new(permits, usize::MAX),
            }
        }
    }

    /// Adds a permit, unpaired with any acquire, and wakes the longest
    /// waiting task. No upper bound but the counter's own. Never waits.
    ///
    /// # Panics
    /// If the counter is already `usize::MAX`: one more permit cannot be
    /// counted, and wrapping to zero would turn an "unlimited" semaphore
    /// into one with no permits at all. The counter is left as it was.
    ///
    /// ```
    /// let sem = greensem::Semaphore::new(0);
    /// sem.release();
    /// sem.release();
    /// assert_eq!(sem.counter(), 2);
    /// ```
    pub fn release(&self) {
        assert!(
            self.core.release().is_ok(),
            "Semaphore::release: the counter is already usize::MAX"
        );
    }

    /// Always `false`: a plain semaphore has no bound (eventlet's `bounded()`).
    ///
    /// ```
    /// assert!(!greensem::Semaphore::new(1).bounded());
    /// ```
    pub fn bounded(&self) -> bool {
        false
    }
}

semaphore_faces!(Semaphore);
