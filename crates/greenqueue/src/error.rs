use std::error::Error;
use std::fmt;

/// A put that could not be done: the queue was full (or, for a rendezvous, no
/// getter took the item in time). The item comes back.
///
/// ```
/// use greenqueue::{Full, Queue};
///
/// let queue = Queue::bounded(1);
/// queue.try_put("a").unwrap();
/// let Full(item) = queue.try_put("b").unwrap_err();
/// assert_eq!(item, "b");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Full<T>(pub T);

impl<T> Full<T> {
    /// The item that was not put.
    ///
    /// ```
    /// assert_eq!(greenqueue::Full(5).into_inner(), 5);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Full(..)")
    }
}

impl<T> fmt::Display for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue is full")
    }
}

impl<T> Error for Full<T> {}

/// A get that found nothing: the queue was empty (and no putter waited), or
/// nothing came in time.
///
/// ```
/// use greenqueue::{Empty, Queue};
///
/// assert_eq!(Queue::<u8>::new().try_get(), Err(Empty));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Empty;

impl fmt::Display for Empty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue is empty")
    }
}

impl Error for Empty {}

/// `task_done` called more often than items were put: eventlet's
/// `ValueError("task_done() called too many times")`. Nothing changes.
///
/// ```
/// use greenqueue::{Queue, TaskDoneTooManyTimes};
///
/// assert_eq!(Queue::<u8>::new().task_done(), Err(TaskDoneTooManyTimes));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TaskDoneTooManyTimes;

impl fmt::Display for TaskDoneTooManyTimes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() called too many times")
    }
}

impl Error for TaskDoneTooManyTimes {}
