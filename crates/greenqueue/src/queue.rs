use crate::buffer::Fifo;
use crate::core::Core;
use crate::faces::{queue_faces, task_faces};

/// A FIFO queue with task tracking: eventlet's `Queue`.
///
/// Items leave in the order they were put. Every item put counts as an
/// unfinished task until [`task_done`](Queue::task_done); [`join`](Queue::join)
/// waits for none to be left. [`Queue::new`] is unbounded, [`Queue::bounded`]
/// holds at most `n` items, and `Queue::bounded(0)` is a rendezvous.
///
/// ```
/// use greenqueue::Queue;
///
/// let queue = Queue::new();
/// std::thread::scope(|s| {
///     s.spawn(|| {
///         for job in 0..3 {
///             queue.put_blocking(job);
///         }
///     });
///     for expected in 0..3 {
///         assert_eq!(queue.get_blocking(), expected);
///         queue.task_done().unwrap();
///     }
/// });
/// queue.join_blocking();
/// ```
pub struct Queue<T> {
    core: Core<T, Fifo<T>>,
}

task_faces!(Queue, Fifo);
queue_faces!(Queue, Fifo);
