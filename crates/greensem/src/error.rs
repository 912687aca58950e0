use std::error::Error;
use std::fmt;

/// [`BoundedSemaphore::release`](crate::BoundedSemaphore::release) past the
/// initial value: eventlet's `ValueError("Semaphore released too many
/// times")`. The semaphore is unchanged.
///
/// ```
/// use greensem::{BoundedSemaphore, ReleasedTooManyTimes};
///
/// let sem = BoundedSemaphore::new(1);
/// assert_eq!(sem.release(), Err(ReleasedTooManyTimes));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReleasedTooManyTimes;

impl fmt::Display for ReleasedTooManyTimes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("semaphore released too many times")
    }
}

impl Error for ReleasedTooManyTimes {}

/// A [`CappedSemaphore`](crate::CappedSemaphore) whose starting count lies
/// outside its bounds (or whose lower bound is above its upper bound):
/// eventlet's `ValueError("'count' cannot be more than 'limit'")`.
///
/// ```
/// use greensem::{CappedSemaphore, InvalidBounds};
///
/// assert_eq!(CappedSemaphore::new(3, 2).unwrap_err(), InvalidBounds);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InvalidBounds;

impl fmt::Display for InvalidBounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("count must lie between the lower and the upper bound")
    }
}

impl Error for InvalidBounds {}
