use crate::ReleasedTooManyTimes;
use crate::core::Core;
use crate::faces::semaphore_faces;

/// A semaphore whose `release` refuses to pass its initial value: eventlet's
/// `BoundedSemaphore`.
///
/// Everything else is as [`Semaphore`](crate::Semaphore).
///
/// ```
/// use greensem::{BoundedSemaphore, ReleasedTooManyTimes};
///
/// let sem = BoundedSemaphore::new(1);
/// let guard = sem.try_acquire().unwrap();
/// drop(guard);
/// assert_eq!(sem.release(), Err(ReleasedTooManyTimes));
/// assert_eq!(sem.counter(), 1);
/// ```
pub struct BoundedSemaphore {
    core: Core,
}

impl BoundedSemaphore {
    const_unless_loom! {
        /// A semaphore with `permits` free permits, which is also its limit.
        ///
        /// # Panics
        /// If `permits` is `usize::MAX`, which stands for "no limit" inside.
        ///
        /// ```
        /// let sem = greensem::BoundedSemaphore::new(2);
        /// assert_eq!(sem.counter(), 2);
        /// ```
        pub fn new(permits: usize) -> BoundedSemaphore {
            assert!(
                permits < usize::MAX,
                "a BoundedSemaphore needs a limit below usize::MAX"
            );
            BoundedSemaphore {
                core: Core::new(permits, permits),
            }
        }
    }

    /// Adds a permit, unpaired with any acquire, and wakes the longest
    /// waiting task; `Err(ReleasedTooManyTimes)` (and no change) if the
    /// counter is already at the initial value. Never waits.
    ///
    /// ```
    /// let sem = greensem::BoundedSemaphore::new(1);
    /// sem.try_acquire().unwrap().forget();
    /// assert_eq!(sem.release(), Ok(()));
    /// assert!(sem.release().is_err());
    /// ```
    pub fn release(&self) -> Result<(), ReleasedTooManyTimes> {
        self.core.release()
    }

    /// Always `false`, as eventlet's `BoundedSemaphore.bounded()` (inherited
    /// from `Semaphore`) returns.
    ///
    /// ```
    /// assert!(!greensem::BoundedSemaphore::new(1).bounded());
    /// ```
    pub fn bounded(&self) -> bool {
        false
    }
}

semaphore_faces!(BoundedSemaphore);
