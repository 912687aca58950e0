//! The lock-free store behind [`Fifo`](crate::buffer::Fifo): concurrent-queue's
//! ring, so that a put and a get that need not wait take no lock. The loom
//! models run a locked stand-in with the same contract, since loom can only
//! explore the crate's own synchronization; concurrent-queue checks its
//! ring with loom itself.

#[cfg(not(eventlet_loom))]
pub(crate) use lock_free::Ring;
#[cfg(eventlet_loom)]
pub(crate) use stand_in::Ring;

#[cfg(not(eventlet_loom))]
mod lock_free {
    use concurrent_queue::ConcurrentQueue;

    pub(crate) struct Ring<T>(ConcurrentQueue<T>);

    impl<T> Ring<T> {
        /// Room for `capacity` items (at least one), allocated once; `None`
        /// grows as it fills.
        pub(crate) fn new(capacity: Option<usize>) -> Self {
            Ring(capacity.map_or_else(ConcurrentQueue::unbounded, ConcurrentQueue::bounded))
        }

        pub(crate) fn push(&self, item: T) -> Result<(), T> {
            self.0
                .push(item)
                .map_err(concurrent_queue::PushError::into_inner)
        }

        pub(crate) fn pop(&self) -> Option<T> {
            self.0.pop().ok()
        }

        pub(crate) fn len(&self) -> usize {
            self.0.len()
        }

        pub(crate) fn capacity(&self) -> Option<usize> {
            self.0.capacity()
        }
    }
}

#[cfg(eventlet_loom)]
mod stand_in {
    use std::collections::VecDeque;
    use std::sync::atomic::Ordering::{Acquire, Release};

    use crate::sync::{AtomicUsize, Mutex, lock};

    /// A lock inside, but it answers "empty" and "full" from an atomic read
    /// without the lock, as a lock-free ring does: so the crate's own fences,
    /// not the lock's order, must keep a wake-up from being lost.
    pub(crate) struct Ring<T> {
        items: Mutex<VecDeque<T>>,
        len: AtomicUsize,
        capacity: Option<usize>,
    }

    impl<T> Ring<T> {
        pub(crate) fn new(capacity: Option<usize>) -> Self {
            Ring {
                items: Mutex::new(VecDeque::new()),
                len: AtomicUsize::new(0),
                capacity,
            }
        }

        pub(crate) fn push(&self, item: T) -> Result<(), T> {
            let full = |len| self.capacity.is_some_and(|capacity| len >= capacity);
            if full(self.len.load(Acquire)) {
                return Err(item);
            }
            let mut items = lock(&self.items);
            if full(items.len()) {
                return Err(item);
            }
            items.push_back(item);
            self.len.store(items.len(), Release);
            Ok(())
        }

        pub(crate) fn pop(&self) -> Option<T> {
            if self.len.load(Acquire) == 0 {
                return None;
            }
            let mut items = lock(&self.items);
            let item = items.pop_front();
            self.len.store(items.len(), Release);
            item
        }

        pub(crate) fn len(&self) -> usize {
            self.len.load(Acquire)
        }

        pub(crate) fn capacity(&self) -> Option<usize> {
            self.capacity
        }
    }
}
