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
use std::sync::atomic::Ordering::SeqCst;

use crate::ring::Ring;
use crate::sync::{AtomicBool, AtomicUsize, Mutex, lock};

mod sealed {
    pub trait Sealed {}
}

/// How a queue stores its items. Sealed: the crate's three are all there is.
///
/// A buffer is shared and keeps its own bound, so that puts and gets that
/// need not wait reach it without taking the queue's lock.
///
/// ```
/// fn stored_in<B: greenqueue::buffer::Buffer<u8>>(_: &greenqueue::futures::Get<'_, u8, B>) {}
/// let queue = greenqueue::Queue::<u8>::new();
/// stored_in(&queue.get());
/// ```
pub trait Buffer<T>: sealed::Sealed {
    /// Stores `item` if there is room, else hands it back.
    #[doc(hidden)]
    fn try_push(&self, item: T) -> Result<(), T>;
    /// Stores `item` as the oldest item (first out of a FIFO, last out of a
    /// LIFO, first among equals), past the bound if need be: the item of a
    /// getter that left before taking it comes back this way.
    #[doc(hidden)]
    fn push_oldest(&self, item: T);
    #[doc(hidden)]
    fn pop(&self) -> Option<T>;
    #[doc(hidden)]
    fn len(&self) -> usize;
    #[doc(hidden)]
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Called under the queue's lock; drops nothing.
    #[doc(hidden)]
    fn resize(&self, capacity: Option<usize>);
}

/// First in, first out: [`Queue`](crate::Queue) and [`LightQueue`](crate::LightQueue).
///
/// ```
/// let _: greenqueue::futures::Get<'_, u8, greenqueue::buffer::Fifo<u8>> =
///     greenqueue::Queue::new().get();
/// ```
pub struct Fifo<T> {
    /// Lock-free; bounded, when it is, by the capacity the queue was made
    /// with.
    ring: Ring<T>,
    /// The queue's capacity (`usize::MAX`: unbounded).
    capacity: AtomicUsize,
    /// The capacity differs from the ring's bound (after a resize, or past
    /// [`RING_AT_MOST`]): pushes count the items under `overflow`'s lock.
    counted: AtomicBool,
    /// Items that did not fit the ring after a resize grew the queue past
    /// it, oldest first: all of them leave after the ring's.
    overflow: Mutex<Spill<T>>,
    /// `overflow` has items, so pushes line up behind them.
    overflowing: AtomicBool,
    /// `Spill::returned` has items, so pops look there first.
    returning: AtomicBool,
}

/// What a `Fifo` keeps outside its ring, under one lock.
struct Spill<T> {
    /// Items handed back by getters that left: older than the ring's.
    returned: VecDeque<T>,
    /// Items past the ring after a resize: newer than the ring's.
    overflow: VecDeque<T>,
}

/// Last in, first out: [`LifoQueue`](crate::LifoQueue).
///
/// ```
/// let _: greenqueue::futures::Get<'_, u8, greenqueue::buffer::Lifo<u8>> =
///     greenqueue::LifoQueue::new().get();
/// ```
pub struct Lifo<T>(Mutex<Bounded<Vec<T>>>);

/// Smallest first, first in first out among equal items:
/// [`PriorityQueue`](crate::PriorityQueue).
///
/// ```
/// let _: greenqueue::futures::Get<'_, u8, greenqueue::buffer::Priority<u8>> =
///     greenqueue::PriorityQueue::new().get();
/// ```
pub struct Priority<T: Ord>(Mutex<Bounded<Ranking<T>>>);

/// The items of a locked buffer and the queue's capacity.
struct Bounded<S> {
    items: S,
    capacity: Option<usize>,
}

struct Ranking<T: Ord> {
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

/// A bounded queue reserves room for this many items at most up front; past
/// that its buffer grows as it fills.
const RESERVE_AT_MOST: usize = 1024;

/// The largest capacity a `Fifo`'s ring is allocated for up front; a larger
/// queue takes an unbounded ring that grows as it fills, and counts.
const RING_AT_MOST: usize = 1 << 12;

fn reserve(capacity: Option<usize>) -> usize {
    capacity.map_or(0, |capacity| capacity.min(RESERVE_AT_MOST))
}

/// `Fifo::capacity` of an unbounded queue.
const UNBOUNDED: usize = usize::MAX;

impl<T> Fifo<T> {
    pub(crate) fn new(capacity: Option<usize>) -> Self {
        let ring_bound = capacity.filter(|&capacity| (1..=RING_AT_MOST).contains(&capacity));
        Fifo {
            ring: Ring::new(ring_bound),
            capacity: AtomicUsize::new(capacity.unwrap_or(UNBOUNDED)),
            counted: AtomicBool::new(ring_bound != capacity),
            overflow: Mutex::new(Spill {
                returned: VecDeque::new(),
                overflow: VecDeque::new(),
            }),
            overflowing: AtomicBool::new(false),
            returning: AtomicBool::new(false),
        }
    }
}

impl<T> Lifo<T> {
    pub(crate) fn new(capacity: Option<usize>) -> Self {
        Lifo(Mutex::new(Bounded {
            items: Vec::with_capacity(reserve(capacity)),
            capacity,
        }))
    }
}

impl<T: Ord> Priority<T> {
    pub(crate) fn new(capacity: Option<usize>) -> Self {
        Priority(Mutex::new(Bounded {
            items: Ranking {
                heap: BinaryHeap::with_capacity(reserve(capacity)),
                next: FIRST_ARRIVAL,
                oldest: FIRST_ARRIVAL,
            },
            capacity,
        }))
    }
}

impl<S> Bounded<S> {
    fn has_room(&self, len: usize) -> bool {
        self.capacity.is_none_or(|capacity| len < capacity)
    }
}

impl<T> sealed::Sealed for Fifo<T> {}
impl<T> sealed::Sealed for Lifo<T> {}
impl<T: Ord> sealed::Sealed for Priority<T> {}

impl<T> Buffer<T> for Fifo<T> {
    fn try_push(&self, item: T) -> Result<(), T> {
        if !self.counted.load(SeqCst) && !self.overflowing.load(SeqCst) {
            // The ring's bound is the queue's: a full ring is a full queue.
            return self.ring.push(item);
        }
        let capacity = self.capacity.load(SeqCst);
        if self.ring.len() >= capacity {
            // Full without counting the overflow (a rendezvous always is).
            return Err(item);
        }
        let mut spill = lock(&self.overflow);
        let overflow = &mut spill.overflow;
        // Gets only shrink this count, and the other counted pushes wait for
        // the lock: room seen here stays.
        if self.ring.len() + overflow.len() >= capacity {
            return Err(item);
        }
        if overflow.is_empty() {
            // Nothing waits ahead of this item: the ring may have room.
            let Err(item) = self.ring.push(item) else {
                return Ok(());
            };
            self.overflowing.store(true, SeqCst);
            overflow.push_back(item);
        } else {
            overflow.push_back(item);
        }
        Ok(())
    }

    fn push_oldest(&self, item: T) {
        let mut spill = lock(&self.overflow);
        spill.returned.push_back(item);
        self.returning.store(true, SeqCst);
    }

    fn pop(&self) -> Option<T> {
        if self.returning.load(SeqCst) {
            let mut spill = lock(&self.overflow);
            if let Some(item) = spill.returned.pop_front() {
                self.returning.store(!spill.returned.is_empty(), SeqCst);
                return Some(item);
            }
        }
        // The ring's items are older than the overflow's: pushes go behind
        // the overflow while it has items, and back to the ring once it has
        // none.
        if let Some(item) = self.ring.pop() {
            return Some(item);
        }
        if !self.overflowing.load(SeqCst) {
            return None;
        }
        let mut spill = lock(&self.overflow);
        let item = self.ring.pop().or_else(|| spill.overflow.pop_front());
        if spill.overflow.is_empty() {
            self.overflowing.store(false, SeqCst);
        }
        item
    }

    fn len(&self) -> usize {
        let spill = lock(&self.overflow);
        self.ring.len() + spill.overflow.len() + spill.returned.len()
    }

    fn resize(&self, capacity: Option<usize>) {
        let capacity = capacity.unwrap_or(UNBOUNDED);
        self.capacity.store(capacity, SeqCst);
        let ring_bound = self.ring.capacity().unwrap_or(UNBOUNDED);
        self.counted.store(capacity != ring_bound, SeqCst);
    }
}

impl<T> Buffer<T> for Lifo<T> {
    fn try_push(&self, item: T) -> Result<(), T> {
        let mut lifo = lock(&self.0);
        if !lifo.has_room(lifo.items.len()) {
            return Err(item);
        }
        lifo.items.push(item);
        Ok(())
    }
    fn push_oldest(&self, item: T) {
        lock(&self.0).items.insert(0, item);
    }
    fn pop(&self) -> Option<T> {
        lock(&self.0).items.pop()
    }
    fn len(&self) -> usize {
        lock(&self.0).items.len()
    }
    fn resize(&self, capacity: Option<usize>) {
        lock(&self.0).capacity = capacity;
    }
}

impl<T: Ord> Buffer<T> for Priority<T> {
    fn try_push(&self, item: T) -> Result<(), T> {
        let mut priority = lock(&self.0);
        if !priority.has_room(priority.items.heap.len()) {
            return Err(item);
        }
        let ranking = &mut priority.items;
        let arrival = ranking.next;
        ranking.next += 1;
        ranking.heap.push(Reverse(Ranked { item, arrival }));
        Ok(())
    }
    fn push_oldest(&self, item: T) {
        let mut priority = lock(&self.0);
        let ranking = &mut priority.items;
        ranking.oldest -= 1;
        let arrival = ranking.oldest;
        ranking.heap.push(Reverse(Ranked { item, arrival }));
    }
    fn pop(&self) -> Option<T> {
        lock(&self.0)
            .items
            .heap
            .pop()
            .map(|Reverse(ranked)| ranked.item)
    }
    fn len(&self) -> usize {
        lock(&self.0).items.heap.len()
    }
    fn resize(&self, capacity: Option<usize>) {
        lock(&self.0).capacity = capacity;
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
