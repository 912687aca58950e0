use crate::buffer::Lifo;
use crate::core::Core;
use crate::faces::{queue_faces, task_faces};

/// A last-in, first-out queue with task tracking: eventlet's `LifoQueue`.
///
/// ```
/// use greenqueue::LifoQueue;
///
/// let stack = LifoQueue::new();
/// for i in 1..=3 {
///     stack.try_put(i).unwrap();
/// }
/// assert_eq!(stack.try_get(), Ok(3));
/// ```
pub struct LifoQueue<T> {
    core: Core<T, Lifo<T>>,
}

task_faces!(LifoQueue, Lifo);
queue_faces!(LifoQueue, Lifo);
