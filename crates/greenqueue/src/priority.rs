use crate::buffer::Priority;
use crate::core::Core;
use crate::faces::{queue_faces, task_faces};

/// A queue that gives the smallest item first, and equal items in the order
/// they were put, with task tracking: eventlet's `PriorityQueue`.
///
/// Use `(priority, item)` tuples, or `std::cmp::Reverse` for largest first.
///
/// ```
/// use greenqueue::PriorityQueue;
///
/// let queue = PriorityQueue::new();
/// queue.try_put((2, "later")).unwrap();
/// queue.try_put((1, "first")).unwrap();
/// assert_eq!(queue.try_get(), Ok((1, "first")));
/// ```
pub struct PriorityQueue<T: Ord> {
    core: Core<T, Priority<T>>,
}

task_faces!(PriorityQueue, Priority, Ord);
queue_faces!(PriorityQueue, Priority, Ord);
