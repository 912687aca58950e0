use crate::buffer::Fifo;
use crate::core::Core;
use crate::faces::queue_faces;

/// A FIFO queue without task tracking, the fastest of the four: eventlet's
/// `LightQueue`.
///
/// ```
/// use greenqueue::LightQueue;
///
/// let queue = LightQueue::bounded(2);
/// queue.try_put('a').unwrap();
/// queue.try_put('b').unwrap();
/// assert_eq!(queue.try_get(), Ok('a'));
/// ```
pub struct LightQueue<T> {
    core: Core<T, Fifo<T>>,
}

impl<T> LightQueue<T> {
    const TRACKED: bool = false;
}

queue_faces!(LightQueue, Fifo);
