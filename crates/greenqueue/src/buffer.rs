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
/// ```
/// fn stored_in<B: greenqueue::buffer::Buffer<u8>>(_: &greenqueue::futures::Get<'_, u8, B>) {}
/// let queue = greenqueue::Queue::<u8>::new();
/// stored_in(&queue.get());
/// ```
pub trait Buffer<T>: sealed::Sealed {
    #[doc(hidden)]
    fn push(&mut self, item: T);
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
}

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

/// A bounded queue reserves room for this many items at most up front; past
/// that its buffer grows as it fills.
const RESERVE_AT_MOST: usize = 1024;

fn reserve(capacity: Option<usize>) -> usize {
    capacity.map_or(0, |capacity| capacity.min(RESERVE_AT_MOST))
}

impl<T> Fifo<T> {
    pub(crate) fn new(capacity: Option<usize>) -> Self {
        Fifo(VecDeque::with_capacity(reserve(capacity)))
    }
}

impl<T> Lifo<T> {
    pub(crate) fn new(capacity: Option<usize>) -> Self {
        Lifo(Vec::with_capacity(reserve(capacity)))
    }
}

impl<T: Ord> Priority<T> {
    pub(crate) fn new(capacity: Option<usize>) -> Self {
        Priority {
            heap: BinaryHeap::with_capacity(reserve(capacity)),
            next: 0,
        }
    }
}

impl<T> sealed::Sealed for Fifo<T> {}
impl<T> sealed::Sealed for Lifo<T> {}
impl<T: Ord> sealed::Sealed for Priority<T> {}

impl<T> Buffer<T> for Fifo<T> {
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> Buffer<T> for Lifo<T> {
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Ord> Buffer<T> for Priority<T> {
    fn push(&mut self, item: T) {
        let arrival = self.next;
        self.next += 1;
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
