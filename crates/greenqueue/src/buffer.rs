//! The storage disciplines of the queue types. The waiting logic is the same
//! for all of them; only the order items leave in differs. You name these
//! types only to store one of the crate's futures.
//!
//! ```
//! use greenqueue::buffer::Priority;
//! let queue = greenqueue::PriorityQueue::<u8>::new();
//! let _: greenqueue::futures::Items<'_, u8, Priority<u8>> = queue.stream();
//! ```

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};
use std::fmt;

mod sealed {
    pub trait Sealed {}
}

/// How a queue stores its items. Sealed: the crate's three are all there is.
///
/// A buffer is plain storage, kept under the queue's lock with the rest of
/// its state; the queue checks its bound. It allocates as it fills and keeps
/// its room, so an idle queue costs no more than its struct, and a queue in
/// steady use allocates nothing.
///
/// ```
/// fn stored_in<B: greenqueue::buffer::Buffer<u8>>(_: &greenqueue::futures::Get<'_, u8, B>) {}
/// let queue = greenqueue::Queue::<u8>::new();
/// stored_in(&queue.get());
/// ```
pub trait Buffer<T>: sealed::Sealed {
    /// An empty buffer, with nothing allocated.
    #[doc(hidden)]
    fn empty() -> Self;
    #[doc(hidden)]
    fn push(&mut self, item: T);
    /// Stores `item` as the oldest item (first out of a FIFO, last out of a
    /// LIFO, first among equals): the item of a getter that left before
    /// taking it comes back this way.
    #[doc(hidden)]
    fn push_oldest(&mut self, item: T);
    #[doc(hidden)]
    fn pop(&mut self) -> Option<T>;
    #[doc(hidden)]
    fn len(&self) -> usize;
    #[doc(hidden)]
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// First in, first out: [`Queue`](crate::Queue) and [`LightQueue`](crate::LightQueue).
///
/// ```
/// let _: greenqueue::futures::Get<'_, u8, greenqueue::buffer::Fifo<u8>> =
///     greenqueue::Queue::new().get();
/// ```
pub struct Fifo<T>(VecDeque<T>);

/// Last in, first out: [`LifoQueue`](crate::LifoQueue).
///
/// ```
/// let _: greenqueue::futures::Get<'_, u8, greenqueue::buffer::Lifo<u8>> =
///     greenqueue::LifoQueue::new().get();
/// ```
pub struct Lifo<T>(Vec<T>);

/// Smallest first, first in first out among equal items:
/// [`PriorityQueue`](crate::PriorityQueue).
///
/// ```
/// let _: greenqueue::futures::Get<'_, u8, greenqueue::buffer::Priority<u8>> =
///     greenqueue::PriorityQueue::new().get();
/// ```
pub struct Priority<T: Ord> {
    heap: BinaryHeap<Reverse<Ranked<T>>>,
    /// Arrival number, so that equal items leave in arrival order.
    next: u64,
    /// Below every arrival number yet: for an item handed back as the oldest.
    oldest: u64,
}

/// Where arrival numbers start: items handed back count down from here.
const FIRST_ARRIVAL: u64 = 1 << 63;

/// An item and its arrival number, ordered by item, then arrival.
struct Ranked<T> {
    item: T,
    arrival: u64,
}

impl<T: Ord> PartialEq for Ranked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<T: Ord> Eq for Ranked<T> {}

impl<T: Ord> PartialOrd for Ranked<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Ord> Ord for Ranked<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.item
            .cmp(&other.item)
            .then(self.arrival.cmp(&other.arrival))
    }
}

impl<T> sealed::Sealed for Fifo<T> {}
impl<T> sealed::Sealed for Lifo<T> {}
impl<T: Ord> sealed::Sealed for Priority<T> {}

impl<T> Buffer<T> for Fifo<T> {
    fn empty() -> Self {
        Fifo(VecDeque::new())
    }
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn push_oldest(&mut self, item: T) {
        self.0.push_front(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> Buffer<T> for Lifo<T> {
    fn empty() -> Self {
        Lifo(Vec::new())
    }
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn push_oldest(&mut self, item: T) {
        self.0.insert(0, item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Ord> Buffer<T> for Priority<T> {
    fn empty() -> Self {
        Priority {
            heap: BinaryHeap::new(),
            next: FIRST_ARRIVAL,
            oldest: FIRST_ARRIVAL,
        }
    }
    fn push(&mut self, item: T) {
        let arrival = self.next;
        self.next += 1;
        self.heap.push(Reverse(Ranked { item, arrival }));
    }
    fn push_oldest(&mut self, item: T) {
        self.oldest -= 1;
        let arrival = self.oldest;
        self.heap.push(Reverse(Ranked { item, arrival }));
    }
    fn pop(&mut self) -> Option<T> {
        self.heap.pop().map(|Reverse(ranked)| ranked.item)
    }
    fn len(&self) -> usize {
        self.heap.len()
    }
}

impl<T> fmt::Debug for Fifo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Fifo")
    }
}

impl<T> fmt::Debug for Lifo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Lifo")
    }
}

impl<T: Ord> fmt::Debug for Priority<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Priority")
    }
}
