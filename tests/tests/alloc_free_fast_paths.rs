//! docs/semantics.md (Guarantees): no allocation on the uncontended fast path. A counting global
//! allocator (this test binary's own) checks each fast path allocates nothing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use greenevent::Event;
use greenqueue::{LightQueue, Queue};
use greensem::Semaphore;

/// Counts the allocations made by the current thread (tests run in parallel).
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

#[allow(unsafe_code)] // a GlobalAlloc impl is unsafe by definition; it only delegates
// SAFETY: every method forwards to the system allocator unchanged; the counter
// is a thread-local Cell, touched without allocating.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: the caller's contract passes through unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract passes through unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: the caller's contract passes through unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// How many allocations `work` made on this thread.
fn allocations(work: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    work();
    ALLOCATIONS.with(Cell::get) - before
}

/// Polls a future that must be ready at once, with no executor (which could
/// allocate on its own).
fn ready<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the fast path was not ready"),
    }
}

fn fill_and_drain(mut put: impl FnMut(u32), mut get: impl FnMut(), capacity: u32) {
    (0..capacity).for_each(&mut put);
    (0..capacity).for_each(|_| get());
}

#[test]
fn semaphore_try_acquire_and_acquire_allocate_nothing() {
    let sem = Semaphore::new(1);
    assert_eq!(allocations(|| drop(sem.try_acquire().unwrap())), 0);
    assert_eq!(allocations(|| drop(ready(sem.acquire()))), 0);
}

#[test]
fn bounded_queue_try_put_and_try_get_allocate_nothing() {
    let queue = Queue::bounded(4);
    // The buffer's own storage may grow as it first fills; warm it up.
    fill_and_drain(
        |i| queue.try_put(i).unwrap(),
        || {
            queue.try_get().unwrap();
        },
        4,
    );
    assert_eq!(
        allocations(|| {
            for i in 0..4 {
                queue.try_put(i).unwrap();
            }
            for _ in 0..4 {
                queue.try_get().unwrap();
            }
        }),
        0
    );
}

#[test]
fn light_queue_put_and_get_without_waiting_allocate_nothing() {
    let queue = LightQueue::bounded(8);
    fill_and_drain(
        |i| ready(queue.put(i)),
        || {
            ready(queue.get());
        },
        8,
    );
    assert_eq!(
        allocations(|| {
            for i in 0..8 {
                ready(queue.put(i));
            }
            for _ in 0..8 {
                ready(queue.get());
            }
        }),
        0
    );
}

/// Polls once with a no-op waker.
fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn queue_waits_in_steady_state_allocate_nothing() {
    // The memory goal of the performance issue: no allocation per wait once
    // the lines have their room. A getter waits and is handed its item (in
    // the cell of its own future); a putter waits for room.
    let queue = LightQueue::bounded(1);
    let wait_both_ways = || {
        let mut get = pin!(queue.get());
        assert!(poll_once(get.as_mut()).is_pending());
        queue.try_put(1).unwrap();
        assert_eq!(poll_once(get.as_mut()), Poll::Ready(1));
        queue.try_put(2).unwrap();
        let mut put = pin!(queue.put(3));
        assert!(poll_once(put.as_mut()).is_pending());
        assert_eq!(queue.try_get(), Ok(2));
        assert_eq!(poll_once(put.as_mut()), Poll::Ready(()));
        assert_eq!(queue.try_get(), Ok(3));
    };
    wait_both_ways();
    assert_eq!(
        allocations(|| {
            for _ in 0..100 {
                wait_both_ways();
            }
        }),
        0
    );
}

#[test]
fn a_stream_allocates_once_then_nothing_per_item() {
    // A stream boxes its get future the first time it waits (a get future
    // is pinned), then reuses it for every item.
    use futures_lite::Stream;
    let queue = LightQueue::new();
    // The line of getters takes its room first, with a plain get.
    let mut get = Box::pin(queue.get());
    assert!(poll_once(get.as_mut()).is_pending());
    drop(get);
    let mut items = queue.stream();
    let mut next =
        || std::pin::Pin::new(&mut items).poll_next(&mut Context::from_waker(Waker::noop()));
    let mut wait_for_one = |item| {
        assert!(next().is_pending());
        queue.try_put(item).unwrap();
        assert_eq!(next(), Poll::Ready(Some(item)));
    };
    assert_eq!(allocations(|| wait_for_one(0)), 1, "the boxed get");
    assert_eq!(
        allocations(|| {
            for item in 1..100 {
                wait_for_one(item);
            }
        }),
        0
    );
}

#[test]
fn wait_on_a_sent_event_allocates_nothing() {
    let event = Event::<u64>::new();
    event.send(7).unwrap();
    assert_eq!(allocations(|| assert_eq!(ready(event.wait()), Ok(7))), 0);
    assert_eq!(allocations(|| assert_eq!(event.poll(), Some(Ok(7)))), 0);
}

#[test]
fn the_counter_sees_allocations() {
    // Without this, a broken counter would pass every test above.
    assert!(allocations(|| drop(Box::new(1))) >= 1);
}
