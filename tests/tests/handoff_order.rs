//! Hand-offs keep eventlet's order (docs/semantics.md, Queues and
//! Semaphore): a woken getter takes the item it was woken for before any
//! later put, a release is never stranded behind a newcomer, `getting()`
//! counts only getters still without an item, a rendezvous put completes
//! only when one particular getter has the item, and a counter never wraps.
//!
//! Each shape is driven by hand with polled futures, so that the order of
//! events is the test's, not the scheduler's.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use eventlet_tests::counting_waker;
use futures_lite::future::block_on;
use greenqueue::{Empty, LifoQueue, LightQueue, PriorityQueue, Queue};
use greensem::{BoundedSemaphore, CappedSemaphore, Semaphore};

fn poll_once<F: Future>(future: Pin<&mut F>) -> Poll<F::Output> {
    let (_, waker) = counting_waker();
    future.poll(&mut Context::from_waker(&waker))
}

/// The reproduction: a getter waits on a full-size-one queue, then
/// two non-blocking puts. The getter is due the first item; the second put
/// finds the queue full (the first item is the getter's, but it has not
/// run) and eventlet's `_unlock` order says it fails with `Full` only when no
/// other getter is left over. Here one getter waits, so it is due `1`, and
/// `5` is buffered once `1` is handed over.
macro_rules! woken_getter_takes_its_item_first {
    ($name:ident, $queue:expr, $expect_after:expr) => {
        #[test]
        fn $name() {
            let queue = $queue;
            let mut getter = pin!(queue.get());
            assert!(poll_once(getter.as_mut()).is_pending());
            queue.try_put(1).unwrap();
            queue.try_put(5).unwrap();
            assert_eq!(poll_once(getter.as_mut()), Poll::Ready(1));
            assert_eq!(queue.try_get(), Ok($expect_after));
            assert_eq!(queue.try_get(), Err(Empty));
        }
    };
}

woken_getter_takes_its_item_first!(
    queue_bounded_one_woken_getter_takes_first_item,
    Queue::bounded(1),
    5
);
woken_getter_takes_its_item_first!(
    light_bounded_one_woken_getter_takes_first_item,
    LightQueue::bounded(1),
    5
);
woken_getter_takes_its_item_first!(
    lifo_bounded_one_woken_getter_takes_first_item,
    LifoQueue::bounded(1),
    5
);
woken_getter_takes_its_item_first!(
    priority_bounded_one_woken_getter_takes_first_item,
    PriorityQueue::bounded(1),
    5
);

#[test]
fn put_into_full_queue_with_a_woken_getter_is_full() {
    // One getter, due the first item: a third put finds the queue full and
    // no getter left over, so it fails and hands its item back.
    let queue = Queue::bounded(1);
    let mut getter = pin!(queue.get());
    assert!(poll_once(getter.as_mut()).is_pending());
    queue.try_put(1).unwrap();
    queue.try_put(2).unwrap();
    assert_eq!(queue.try_put(3).unwrap_err().into_inner(), 3);
    assert_eq!(poll_once(getter.as_mut()), Poll::Ready(1));
    assert_eq!(queue.try_get(), Ok(2));
}

#[test]
fn bounded_queue_never_holds_more_than_its_bound() {
    let queue = LightQueue::bounded(3);
    let mut getters: Vec<_> = (0..2).map(|_| Box::pin(queue.get())).collect();
    for getter in &mut getters {
        assert!(poll_once(getter.as_mut()).is_pending());
    }
    // Two go to the getters, three fill the queue, the sixth is refused.
    for i in 0..5 {
        queue.try_put(i).unwrap();
    }
    assert_eq!(queue.len(), 3);
    assert!(queue.try_put(5).is_err());
    let got: Vec<_> = getters
        .iter_mut()
        .map(|getter| match poll_once(getter.as_mut()) {
            Poll::Ready(item) => item,
            Poll::Pending => panic!("a getter that was handed an item is ready"),
        })
        .collect();
    assert_eq!(got, vec![0, 1]);
    let rest: Vec<_> = (0..3).map(|_| queue.try_get().unwrap()).collect();
    assert_eq!(rest, vec![2, 3, 4]);
}

#[test]
fn one_producer_one_consumer_bounded_one_keeps_put_order_on_threads() {
    for kind in 0..2 {
        let queue = LightQueue::bounded(1);
        let got = thread::scope(|s| {
            s.spawn(|| {
                for i in 0..2000 {
                    if kind == 0 {
                        queue.put_blocking(i);
                    } else {
                        block_on(queue.put(i));
                    }
                }
            });
            (0..2000)
                .map(|_| {
                    if kind == 0 {
                        queue.get_blocking()
                    } else {
                        block_on(queue.get())
                    }
                })
                .collect::<Vec<_>>()
        });
        assert_eq!(got, (0..2000).collect::<Vec<_>>());
    }
}

#[test]
fn semaphore_second_release_reaches_a_newcomer() {
    // The shape: A waits; two releases before A runs; a newcomer B
    // waits behind A. Each release is a hand-off of its own, so B gets one.
    let sem = Semaphore::new(0);
    let mut a = pin!(sem.acquire());
    assert!(poll_once(a.as_mut()).is_pending());
    sem.release();
    sem.release();
    let mut b = pin!(sem.acquire());
    let b_first = poll_once(b.as_mut());
    let Poll::Ready(a_guard) = poll_once(a.as_mut()) else {
        panic!("A was released to");
    };
    a_guard.forget();
    let b_guard = match b_first {
        Poll::Ready(guard) => guard,
        Poll::Pending => match poll_once(b.as_mut()) {
            Poll::Ready(guard) => guard,
            Poll::Pending => panic!("B waits while a permit is free: counter {}", sem.counter()),
        },
    };
    b_guard.forget();
    assert_eq!(sem.counter(), 0);
}

#[test]
fn semaphore_second_release_reaches_a_newcomer_on_threads() {
    // Same shape, B blocking on a thread with a deadline.
    let sem = Semaphore::new(0);
    let mut a = pin!(sem.acquire());
    assert!(poll_once(a.as_mut()).is_pending());
    sem.release();
    sem.release();
    thread::scope(|s| {
        let b = s.spawn(|| {
            sem.acquire_blocking_timeout(Duration::from_secs(5))
                .map(greensem::SemaphoreGuard::forget)
        });
        // B counts itself as waiting before A runs, in most runs; either way
        // it must get the second permit.
        thread::sleep(Duration::from_millis(20));
        let Poll::Ready(guard) = poll_once(a.as_mut()) else {
            panic!("A was released to")
        };
        guard.forget();
        assert!(
            b.join().unwrap().is_some(),
            "B got no permit; counter {}",
            sem.counter()
        );
    });
    assert_eq!(sem.counter(), 0);
}

#[test]
fn bounded_semaphore_second_release_reaches_a_newcomer() {
    let sem = BoundedSemaphore::new(2);
    let (x, y) = (sem.try_acquire().unwrap(), sem.try_acquire().unwrap());
    x.forget();
    y.forget();
    let mut a = pin!(sem.acquire());
    assert!(poll_once(a.as_mut()).is_pending());
    sem.release().unwrap();
    sem.release().unwrap();
    let mut b = pin!(sem.acquire());
    let b_first = poll_once(b.as_mut());
    assert!(matches!(poll_once(a.as_mut()), Poll::Ready(_)));
    assert!(
        b_first.is_ready() || poll_once(b.as_mut()).is_ready(),
        "B stranded"
    );
}

#[test]
fn capped_semaphore_second_release_reaches_a_newcomer() {
    let sem = CappedSemaphore::new(0, 4).unwrap();
    let mut a = pin!(sem.acquire());
    assert!(poll_once(a.as_mut()).is_pending());
    assert!(sem.try_release());
    assert!(sem.try_release());
    let mut b = pin!(sem.acquire());
    let b_first = poll_once(b.as_mut());
    assert!(poll_once(a.as_mut()).is_ready());
    assert!(
        b_first.is_ready() || poll_once(b.as_mut()).is_ready(),
        "B stranded"
    );
    assert_eq!(sem.count(), 0);
}

#[test]
fn capped_semaphore_second_acquire_frees_a_newcomer_releaser() {
    // The mirror shape on the upper bound: a releaser waits at the limit,
    // two acquires make room for two, a newcomer releaser gets the second.
    let sem = CappedSemaphore::new(2, 2).unwrap();
    let mut a = pin!(sem.release());
    assert!(poll_once(a.as_mut()).is_pending());
    assert!(sem.try_acquire());
    assert!(sem.try_acquire());
    let mut b = pin!(sem.release());
    let b_first = poll_once(b.as_mut());
    assert!(poll_once(a.as_mut()).is_ready());
    assert!(
        b_first.is_ready() || poll_once(b.as_mut()).is_ready(),
        "releaser B stranded"
    );
    assert_eq!(sem.count(), 2);
}

#[test]
fn queue_two_puts_before_the_woken_getter_runs_then_a_newcomer() {
    // The queue's version of the stranded permit: two items arrive while one
    // getter waits, a newcomer getter arrives; each gets one.
    let queue = Queue::new();
    let mut a = pin!(queue.get());
    assert!(poll_once(a.as_mut()).is_pending());
    queue.try_put(1).unwrap();
    queue.try_put(2).unwrap();
    let mut b = pin!(queue.get());
    let b_first = poll_once(b.as_mut());
    assert_eq!(poll_once(a.as_mut()), Poll::Ready(1));
    let b_got = match b_first {
        Poll::Ready(item) => item,
        Poll::Pending => match poll_once(b.as_mut()) {
            Poll::Ready(item) => item,
            Poll::Pending => panic!("B stranded with an item buffered"),
        },
    };
    assert_eq!(b_got, 2);
}

#[test]
fn queue_two_gets_before_the_woken_putter_runs_then_a_newcomer() {
    let queue = Queue::bounded(1);
    queue.try_put(0).unwrap();
    let mut a = pin!(queue.put(1));
    assert!(poll_once(a.as_mut()).is_pending());
    assert_eq!(queue.try_get(), Ok(0));
    assert_eq!(queue.try_get(), Ok(1));
    let mut b = pin!(queue.put(2));
    let b_first = poll_once(b.as_mut());
    assert!(poll_once(a.as_mut()).is_ready());
    assert!(
        b_first.is_ready() || poll_once(b.as_mut()).is_ready(),
        "putter B stranded"
    );
    assert_eq!(queue.try_get(), Ok(2));
}

#[test]
fn join_wakes_every_joiner_after_two_quick_task_dones() {
    let queue = Queue::new();
    queue.try_put(1).unwrap();
    queue.try_put(2).unwrap();
    let mut first = pin!(queue.join());
    assert!(poll_once(first.as_mut()).is_pending());
    queue.task_done().unwrap();
    let mut second = pin!(queue.join());
    assert!(poll_once(second.as_mut()).is_pending());
    queue.task_done().unwrap();
    assert!(poll_once(first.as_mut()).is_ready());
    assert!(poll_once(second.as_mut()).is_ready());
}

#[test]
fn getting_counts_only_getters_still_without_an_item() {
    for queue in [Queue::bounded(0), Queue::bounded(2), Queue::new()] {
        let mut getters: Vec<_> = (0..3).map(|_| Box::pin(queue.get())).collect();
        for getter in &mut getters {
            assert!(poll_once(getter.as_mut()).is_pending());
        }
        assert_eq!(queue.getting(), 3);
        queue.try_put(10).unwrap();
        assert_eq!(queue.getting(), 2);
        queue.try_put(11).unwrap();
        queue.try_put(12).unwrap();
        assert_eq!(queue.getting(), 0);
        for (getter, want) in getters.iter_mut().zip(10..) {
            assert_eq!(poll_once(getter.as_mut()), Poll::Ready(want));
        }
    }
}

#[test]
fn rendezvous_item_belongs_to_the_waiting_getter() {
    for queue in [Queue::bounded(0), Queue::bounded(0)] {
        let mut getter = pin!(queue.get());
        assert!(poll_once(getter.as_mut()).is_pending());
        queue.try_put(7).unwrap();
        // The item is the waiting getter's: no later get may take it.
        assert_eq!(queue.try_get(), Err(Empty));
        assert_eq!(queue.len(), 0);
        assert_eq!(poll_once(getter.as_mut()), Poll::Ready(7));
    }
    let light = LightQueue::bounded(0);
    let mut getter = pin!(light.get());
    assert!(poll_once(getter.as_mut()).is_pending());
    light.try_put(7).unwrap();
    assert_eq!(light.try_get(), Err(Empty));
    assert_eq!(poll_once(getter.as_mut()), Poll::Ready(7));
}

#[test]
fn rendezvous_item_of_a_cancelled_getter_goes_to_the_next_getter() {
    let queue = LightQueue::bounded(0);
    let mut first = Box::pin(queue.get());
    let mut second = pin!(queue.get());
    assert!(poll_once(first.as_mut()).is_pending());
    assert!(poll_once(second.as_mut()).is_pending());
    queue.try_put(7).unwrap();
    drop(first);
    let mut newcomer = pin!(queue.get());
    assert!(
        poll_once(newcomer.as_mut()).is_pending(),
        "a newcomer went ahead of a waiting getter"
    );
    assert_eq!(poll_once(second.as_mut()), Poll::Ready(7));
}

#[test]
fn rendezvous_item_of_the_last_cancelled_getter_stays_first() {
    let queue = Queue::bounded(0);
    let mut getter = Box::pin(queue.get());
    assert!(poll_once(getter.as_mut()).is_pending());
    queue.try_put(7).unwrap();
    drop(getter);
    assert_eq!(queue.unfinished_tasks(), 1);
    assert_eq!(queue.try_get(), Ok(7));
}

#[test]
fn cancelled_getters_item_leaves_before_later_items() {
    // A buffered queue: the item handed to a getter that is dropped before it
    // runs is older than anything put since, and leaves first.
    for cap in [Some(1), Some(4), None] {
        let queue = match cap {
            Some(n) => LightQueue::bounded(n),
            None => LightQueue::new(),
        };
        let mut getter = Box::pin(queue.get());
        assert!(poll_once(getter.as_mut()).is_pending());
        queue.try_put(1).unwrap();
        queue.try_put(2).unwrap();
        drop(getter);
        assert_eq!(queue.try_get(), Ok(1));
        assert_eq!(queue.try_get(), Ok(2));
    }
    let lifo = LifoQueue::new();
    let mut getter = Box::pin(lifo.get());
    assert!(poll_once(getter.as_mut()).is_pending());
    lifo.try_put(1).unwrap();
    lifo.try_put(2).unwrap();
    drop(getter);
    assert_eq!((lifo.try_get(), lifo.try_get()), (Ok(2), Ok(1)));
    let priority = PriorityQueue::new();
    let mut getter = Box::pin(priority.get());
    assert!(poll_once(getter.as_mut()).is_pending());
    priority.try_put(5).unwrap();
    priority.try_put(1).unwrap();
    drop(getter);
    assert_eq!((priority.try_get(), priority.try_get()), (Ok(1), Ok(5)));
}

#[test]
fn get_timeout_that_was_handed_an_item_returns_it() {
    // The timeout passes after the hand-off but before the getter runs: the
    // item was the getter's, so the timed get succeeds with it.
    let queue = Queue::bounded(0);
    let mut getter = pin!(queue.get_timeout(Duration::from_millis(20)));
    assert!(poll_once(getter.as_mut()).is_pending());
    queue.try_put(3).unwrap();
    thread::sleep(Duration::from_millis(30));
    assert_eq!(block_on(getter), Ok(3));
    assert_eq!(queue.try_get(), Err(Empty));
}

#[test]
#[should_panic(expected = "usize::MAX")]
fn semaphore_release_past_usize_max_panics() {
    let sem = Semaphore::new(usize::MAX);
    sem.release();
}

#[test]
fn semaphore_release_up_to_usize_max_counts() {
    let sem = Semaphore::new(usize::MAX - 1);
    sem.release();
    assert_eq!(sem.counter(), usize::MAX);
    let wrapped = std::panic::catch_unwind(|| sem.release());
    assert!(wrapped.is_err());
    assert_eq!(
        sem.counter(),
        usize::MAX,
        "a refused release changes nothing"
    );
}

#[test]
fn semaphore_balance_saturates() {
    let sem = Semaphore::new(usize::MAX);
    assert_eq!(sem.balance(), isize::MAX);
}

#[test]
fn capped_balance_saturates_instead_of_wrapping() {
    let sem = CappedSemaphore::new(usize::MAX, usize::MAX).unwrap();
    let mut releaser = pin!(sem.release());
    assert!(poll_once(releaser.as_mut()).is_pending());
    assert_eq!(sem.balance(), isize::MAX);
    let low = CappedSemaphore::with_bounds(0, 0, usize::MAX).unwrap();
    assert_eq!(low.balance(), isize::MIN + 1);
}
