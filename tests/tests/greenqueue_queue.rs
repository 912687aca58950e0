//! greenqueue: `Queue`, `LightQueue`, `LifoQueue`, `PriorityQueue`
//! (docs/semantics.md, Queues).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use eventlet_tests::{counting_waker, logging_waker, on_executor};
use futures_lite::StreamExt;
use futures_lite::future::block_on;
use greenqueue::{Empty, Full, LifoQueue, LightQueue, PriorityQueue, Queue, TaskDoneTooManyTimes};

fn poll_once<F: Future>(future: Pin<&mut F>) -> Poll<F::Output> {
    let (_, waker) = counting_waker();
    future.poll(&mut Context::from_waker(&waker))
}

#[test]
fn fifo_lifo_and_priority_order() {
    let fifo = Queue::new();
    let light = LightQueue::new();
    let lifo = LifoQueue::new();
    for i in [3, 1, 2] {
        fifo.try_put(i).unwrap();
        light.try_put(i).unwrap();
        lifo.try_put(i).unwrap();
    }
    let drain =
        |get: &dyn Fn() -> Result<i32, Empty>| (0..3).map(|_| get().unwrap()).collect::<Vec<_>>();
    assert_eq!(drain(&|| fifo.try_get()), vec![3, 1, 2]);
    assert_eq!(drain(&|| light.try_get()), vec![3, 1, 2]);
    assert_eq!(drain(&|| lifo.try_get()), vec![2, 1, 3]);
}

#[test]
fn priority_is_smallest_first_and_stable_among_equals() {
    /// Ordered by `rank` only, so equal ranks can be told apart by `tag`.
    #[derive(Debug, PartialEq, Eq)]
    struct Job {
        rank: u8,
        tag: &'static str,
    }
    impl PartialOrd for Job {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Job {
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            self.rank.cmp(&other.rank)
        }
    }
    let queue = PriorityQueue::new();
    for (rank, tag) in [
        (2, "b1"),
        (1, "a1"),
        (2, "b2"),
        (1, "a2"),
        (0, "z"),
        (2, "b3"),
    ] {
        queue.try_put(Job { rank, tag }).unwrap();
    }
    let order: Vec<_> = (0..6).map(|_| queue.try_get().unwrap().tag).collect();
    assert_eq!(order, vec!["z", "a1", "a2", "b1", "b2", "b3"]);
}

#[test]
fn unbounded_and_bounded_capacity() {
    let queue = Queue::new();
    for i in 0..1000 {
        queue.try_put(i).unwrap();
    }
    assert_eq!(
        (queue.len(), queue.maxsize(), queue.is_full()),
        (1000, None, false)
    );
    let bounded = Queue::bounded(2);
    bounded.try_put(1).unwrap();
    bounded.try_put(2).unwrap();
    assert!(bounded.is_full());
    assert_eq!(bounded.try_put(3), Err(Full(3)));
    assert_eq!(Full(3).to_string(), "queue is full");
    assert_eq!(Empty.to_string(), "queue is empty");
}

#[test]
fn rendezvous_is_empty_and_full_with_len_zero() {
    let queue = Queue::<u8>::bounded(0);
    assert_eq!(queue.len(), 0);
    assert!(queue.is_empty());
    assert!(queue.is_full());
    assert_eq!(queue.try_put(1), Err(Full(1)));
    assert_eq!(queue.try_get(), Err(Empty));
}

#[test]
fn rendezvous_put_completes_only_when_a_getter_takes_the_item() {
    let queue = Queue::bounded(0);
    let mut putting = Box::pin(queue.put("item"));
    assert!(poll_once(putting.as_mut()).is_pending());
    assert_eq!(queue.putting(), 1);
    assert_eq!(queue.len(), 0, "nothing is buffered");
    assert_eq!(block_on(queue.get()), "item");
    assert!(poll_once(putting.as_mut()).is_ready());
    assert_eq!(queue.putting(), 0);
    assert_eq!(queue.unfinished_tasks(), 1, "a hand-off counts as a task");
}

#[test]
fn rendezvous_try_put_succeeds_when_a_getter_waits() {
    let queue = Queue::bounded(0);
    let mut getting = Box::pin(queue.get());
    assert!(poll_once(getting.as_mut()).is_pending());
    assert_eq!(queue.getting(), 1);
    assert_eq!(queue.try_put(5), Ok(()));
    assert_eq!(queue.len(), 0);
    assert_eq!(poll_once(getting.as_mut()), Poll::Ready(5));
}

#[test]
fn rendezvous_try_get_succeeds_when_a_putter_waits() {
    let queue = Queue::bounded(0);
    let mut putting = Box::pin(queue.put(6));
    assert!(poll_once(putting.as_mut()).is_pending());
    assert_eq!(queue.try_get(), Ok(6));
    assert!(poll_once(putting.as_mut()).is_ready());
}

#[test]
fn rendezvous_across_threads_both_ways() {
    let queue = Queue::bounded(0);
    thread::scope(|s| {
        s.spawn(|| (0..100).for_each(|i| queue.put_blocking(i)));
        let got: Vec<_> = (0..100).map(|_| queue.get_blocking()).collect();
        assert_eq!(got, (0..100).collect::<Vec<_>>());
    });
    thread::scope(|s| {
        let getter = s.spawn(|| (0..50).map(|_| block_on(queue.get())).collect::<Vec<_>>());
        for i in 0..50 {
            block_on(queue.put(i));
        }
        assert_eq!(getter.join().unwrap(), (0..50).collect::<Vec<_>>());
    });
}

#[test]
fn rendezvous_timeouts_hand_the_item_back() {
    let queue = Queue::bounded(0);
    let put = block_on(queue.put_timeout(String::from("back"), Duration::from_millis(5)));
    assert_eq!(put.unwrap_err().into_inner(), "back");
    assert_eq!(
        queue
            .put_blocking_timeout(String::from("again"), Duration::ZERO)
            .unwrap_err()
            .0,
        "again"
    );
    assert_eq!(
        block_on(queue.get_timeout(Duration::from_millis(5))),
        Err(Empty)
    );
    assert_eq!(queue.get_blocking_timeout(Duration::ZERO), Err(Empty));
    assert_eq!(queue.unfinished_tasks(), 0, "a failed put is not a task");
    assert_eq!(
        (queue.putting(), queue.getting()),
        (0, 0),
        "no waiter left behind"
    );
}

#[test]
fn cancelled_rendezvous_putter_takes_its_item_away() {
    let queue = Queue::bounded(0);
    let mut putting = Box::pin(queue.put(1));
    assert!(poll_once(putting.as_mut()).is_pending());
    drop(putting);
    assert_eq!(queue.putting(), 0);
    assert_eq!(queue.try_get(), Err(Empty));
    assert_eq!(queue.unfinished_tasks(), 0);
}

#[test]
fn cancelled_putter_after_its_item_was_taken_keeps_it_put() {
    let queue = Queue::bounded(0);
    let mut putting = Box::pin(queue.put(1));
    assert!(poll_once(putting.as_mut()).is_pending());
    assert_eq!(queue.try_get(), Ok(1));
    drop(putting); // accepted before the drop: nothing to undo
    assert_eq!(queue.unfinished_tasks(), 1);
}

#[test]
fn put_timeout_on_full_queue_hands_the_item_back() {
    let queue = Queue::bounded(1);
    queue.try_put(1).unwrap();
    assert_eq!(
        block_on(queue.put_timeout(2, Duration::from_millis(5))),
        Err(Full(2))
    );
    assert_eq!(
        queue.put_blocking_timeout(3, Duration::from_millis(5)),
        Err(Full(3))
    );
    assert_eq!(queue.unfinished_tasks(), 1);
    assert_eq!(queue.len(), 1);
}

#[test]
fn put_waits_for_room_and_getters_serve_putters_fifo() {
    let queue = Queue::bounded(1);
    queue.try_put(0).unwrap();
    let mut first = Box::pin(queue.put(1));
    let mut second = Box::pin(queue.put(2));
    assert!(poll_once(first.as_mut()).is_pending());
    assert!(poll_once(second.as_mut()).is_pending());
    assert_eq!(queue.putting(), 2);
    assert_eq!(queue.try_get(), Ok(0));
    // The get made room and took the first putter's item in.
    assert!(poll_once(second.as_mut()).is_pending());
    assert!(poll_once(first.as_mut()).is_ready());
    assert_eq!(queue.try_get(), Ok(1));
    assert!(poll_once(second.as_mut()).is_ready());
    assert_eq!(queue.try_get(), Ok(2));
}

#[test]
fn getters_are_served_fifo() {
    let queue = Queue::new();
    let mut getters: Vec<_> = (0..4).map(|_| Box::pin(queue.get())).collect();
    for getter in &mut getters {
        assert!(poll_once(getter.as_mut()).is_pending());
    }
    assert_eq!(queue.getting(), 4);
    queue.try_put("x").unwrap();
    // Only the first in line may take the one item.
    for getter in getters.iter_mut().skip(1) {
        assert!(poll_once(getter.as_mut()).is_pending());
    }
    assert_eq!(poll_once(getters[0].as_mut()), Poll::Ready("x"));
}

#[test]
fn item_put_while_a_getter_waits_is_that_getters_not_a_later_gets() {
    // The put hands the item to the first waiting getter at once (its slot),
    // so a later non-blocking get finds nothing to take ahead of it. (This
    // test used to pin eventlet's barging window, where a get between the
    // put and the woken getter's turn took the item; that window is what let
    // items pass each other, and is closed.)
    let queue = Queue::new();
    let log = Arc::new(std::sync::Mutex::new(Vec::new()));
    let wakers = [logging_waker(&log, 0), logging_waker(&log, 1)];
    let mut getters = [Box::pin(queue.get()), Box::pin(queue.get())];
    for (getter, waker) in getters.iter_mut().zip(&wakers) {
        assert!(
            getter
                .as_mut()
                .poll(&mut Context::from_waker(waker))
                .is_pending()
        );
    }
    queue.try_put(1).unwrap();
    assert_eq!(
        std::mem::take(&mut *log.lock().unwrap()),
        vec![0],
        "one item wakes one getter"
    );
    assert_eq!(queue.try_get(), Err(Empty), "the item is getter 0's");
    assert_eq!(queue.getting(), 1);
    queue.try_put(2).unwrap();
    assert_eq!(
        std::mem::take(&mut *log.lock().unwrap()),
        vec![1],
        "the next item is the next getter's"
    );
    assert_eq!(
        getters[1]
            .as_mut()
            .poll(&mut Context::from_waker(&wakers[1])),
        Poll::Ready(2)
    );
    assert_eq!(
        getters[0]
            .as_mut()
            .poll(&mut Context::from_waker(&wakers[0])),
        Poll::Ready(1)
    );
}

#[test]
fn cancelled_get_after_being_woken_leaves_the_item_for_the_next() {
    let queue = Queue::new();
    let (first_wakes, first_waker) = counting_waker();
    let mut first = Box::pin(queue.get());
    let mut second = Box::pin(queue.get());
    assert!(
        first
            .as_mut()
            .poll(&mut Context::from_waker(&first_waker))
            .is_pending()
    );
    assert!(poll_once(second.as_mut()).is_pending());
    queue.try_put(7).unwrap();
    assert_eq!(first_wakes.get(), 1);
    drop(first);
    assert_eq!(poll_once(second.as_mut()), Poll::Ready(7));
}

#[test]
fn cancelled_rendezvous_get_after_a_hand_off_passes_the_item_on() {
    let queue = Queue::bounded(0);
    let mut first = Box::pin(queue.get());
    let mut second = Box::pin(queue.get());
    assert!(poll_once(first.as_mut()).is_pending());
    assert!(poll_once(second.as_mut()).is_pending());
    queue.try_put(9).unwrap(); // handed to the first getter
    drop(first);
    assert_eq!(poll_once(second.as_mut()), Poll::Ready(9));
    // With no other getter, the item waits for the next one; nothing is lost.
    let mut lone = Box::pin(queue.get());
    assert!(poll_once(lone.as_mut()).is_pending());
    queue.try_put(10).unwrap();
    drop(lone);
    assert_eq!(queue.try_get(), Ok(10));
    assert_eq!(queue.len(), 0, "a rendezvous still buffers nothing");
}

#[test]
fn resize_growing_by_one_with_two_blocked_putters_completes_exactly_one() {
    let queue = Queue::bounded(1);
    queue.try_put(0).unwrap();
    let mut first = Box::pin(queue.put(1));
    let mut second = Box::pin(queue.put(2));
    assert!(poll_once(first.as_mut()).is_pending());
    assert!(poll_once(second.as_mut()).is_pending());
    queue.resize(Some(2));
    assert!(poll_once(first.as_mut()).is_ready());
    assert!(poll_once(second.as_mut()).is_pending());
    assert_eq!(queue.len(), 2);
    queue.resize(None);
    assert!(poll_once(second.as_mut()).is_ready());
    assert_eq!(queue.len(), 3);
}

#[test]
fn resize_rendezvous_to_one_and_to_unbounded() {
    let queue = Queue::bounded(0);
    let mut putting = Box::pin(queue.put(1));
    assert!(poll_once(putting.as_mut()).is_pending());
    queue.resize(Some(1));
    assert!(poll_once(putting.as_mut()).is_ready());
    assert_eq!(queue.len(), 1);
    let channel = Queue::bounded(0);
    let mut putting = Box::pin(channel.put(2));
    assert!(poll_once(putting.as_mut()).is_pending());
    channel.resize(None);
    assert!(poll_once(putting.as_mut()).is_ready());
}

#[test]
fn shrinking_drops_nothing() {
    let queue = Queue::bounded(3);
    for i in 0..3 {
        queue.try_put(i).unwrap();
    }
    queue.resize(Some(1));
    assert_eq!(queue.len(), 3, "over-full until drained");
    assert!(queue.try_put(9).is_err());
    assert_eq!(queue.try_get(), Ok(0));
    assert_eq!(queue.try_get(), Ok(1));
    assert!(queue.try_put(9).is_err(), "still at the new size");
    assert_eq!(queue.try_get(), Ok(2));
    assert!(queue.try_put(9).is_ok());
}

#[test]
fn growing_past_the_starting_capacity_keeps_fifo_order() {
    // The lock-free ring is sized for the starting capacity; what a resize
    // lets in beyond it must still leave in order, behind the ring's items.
    let queue = Queue::bounded(2);
    queue.try_put(0).unwrap();
    queue.try_put(1).unwrap();
    let mut waiting = Box::pin(queue.put(2));
    assert!(poll_once(waiting.as_mut()).is_pending());
    queue.resize(Some(6));
    assert!(poll_once(waiting.as_mut()).is_ready());
    for i in 3..6 {
        queue.try_put(i).unwrap();
    }
    assert_eq!(queue.try_put(6), Err(Full(6)));
    assert_eq!(queue.try_get(), Ok(0));
    queue.try_put(6).unwrap();
    queue.resize(Some(3));
    assert_eq!(queue.try_put(7), Err(Full(7)), "over-full until drained");
    let drained: Vec<_> = std::iter::from_fn(|| queue.try_get().ok()).collect();
    assert_eq!(drained, (1..7).collect::<Vec<_>>());
    for i in 0..3 {
        queue.try_put(i).unwrap();
    }
    assert_eq!(queue.try_put(3), Err(Full(3)));
    assert_eq!(queue.len(), 3);
}

#[test]
fn a_capacity_larger_than_the_ring_is_exact() {
    let queue = LightQueue::bounded(5000);
    for i in 0..5000 {
        queue.try_put(i).unwrap();
    }
    assert_eq!(queue.try_put(5000), Err(Full(5000)));
    assert!(queue.is_full());
    assert_eq!(queue.try_get(), Ok(0));
    queue.try_put(5000).unwrap();
    assert_eq!(queue.len(), 5000);
}

#[test]
fn a_panicking_ord_while_a_get_refills_still_completes_the_putter() {
    /// Compares as equal, except that comparing with the bomb panics.
    #[derive(Debug, PartialEq, Eq)]
    struct Item(bool);
    impl PartialOrd for Item {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Item {
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            assert!(!self.0 && !other.0, "the bomb was compared");
            std::cmp::Ordering::Equal
        }
    }
    let queue = PriorityQueue::bounded(2);
    queue.try_put(Item(false)).unwrap();
    queue.try_put(Item(false)).unwrap();
    let mut bomb = Box::pin(queue.put(Item(true)));
    assert!(poll_once(bomb.as_mut()).is_pending());
    // The get frees room, and moving the bomb in compares it.
    let get = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| queue.try_get()));
    assert!(get.is_err(), "the get panicked in the bomb's Ord");
    assert!(
        poll_once(bomb.as_mut()).is_ready(),
        "the putter learns its item is in"
    );
    assert_eq!(
        (queue.len(), queue.putting(), queue.unfinished_tasks()),
        (2, 0, 3)
    );
}

#[test]
fn task_done_past_zero_is_an_error() {
    let queue = Queue::new();
    assert_eq!(queue.task_done(), Err(TaskDoneTooManyTimes));
    queue.try_put(1).unwrap();
    assert_eq!(queue.task_done(), Ok(()));
    assert_eq!(queue.task_done(), Err(TaskDoneTooManyTimes));
    assert_eq!(queue.unfinished_tasks(), 0);
    assert_eq!(
        TaskDoneTooManyTimes.to_string(),
        "task_done() called too many times"
    );
}

#[test]
fn try_join_tells_whether_every_task_is_done() {
    let queue = Queue::new();
    assert!(queue.try_join());
    queue.try_put(1).unwrap();
    assert!(!queue.try_join());
    queue.try_get().unwrap();
    assert!(!queue.try_join(), "taken is not done");
    queue.task_done().unwrap();
    assert!(queue.try_join());
}

#[test]
fn join_returns_at_once_with_nothing_unfinished() {
    let queue = Queue::<u8>::new();
    let mut joining = Box::pin(queue.join());
    assert!(poll_once(joining.as_mut()).is_ready());
    assert!(block_on(queue.join_timeout(Duration::ZERO)));
    assert!(queue.join_blocking_timeout(Duration::ZERO));
}

#[test]
fn join_wakes_all_joiners_and_a_later_put_rearms_it() {
    let queue = Queue::new();
    queue.try_put(1).unwrap();
    queue.try_put(2).unwrap();
    let (wakes, waker) = counting_waker();
    let mut joiners: Vec<_> = (0..3).map(|_| Box::pin(queue.join())).collect();
    for joiner in &mut joiners {
        assert!(
            joiner
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
    }
    queue.task_done().unwrap();
    assert_eq!(wakes.get(), 0, "one task is still unfinished");
    // task_done alone ends the join, even though no item was taken out.
    queue.task_done().unwrap();
    assert_eq!(wakes.get(), 3);
    for joiner in &mut joiners {
        assert!(poll_once(joiner.as_mut()).is_ready());
    }
    queue.try_put(3).unwrap();
    let mut rearmed = Box::pin(queue.join());
    assert!(poll_once(rearmed.as_mut()).is_pending());
    assert!(!block_on(queue.join_timeout(Duration::from_millis(5))));
    queue.task_done().unwrap();
    assert!(poll_once(rearmed.as_mut()).is_ready());
}

#[test]
fn join_across_threads() {
    let queue = Arc::new(Queue::new());
    for i in 0..10 {
        queue.try_put(i).unwrap();
    }
    let worker = {
        let queue = queue.clone();
        thread::spawn(move || {
            for _ in 0..10 {
                queue.get_blocking();
                queue.task_done().unwrap();
            }
        })
    };
    queue.join_blocking();
    assert_eq!(queue.unfinished_tasks(), 0);
    worker.join().unwrap();
}

#[test]
fn light_queue_counts_no_tasks_and_lifo_priority_do() {
    let lifo = LifoQueue::new();
    let priority = PriorityQueue::new();
    lifo.try_put(1).unwrap();
    priority.try_put(1).unwrap();
    assert_eq!(
        (lifo.unfinished_tasks(), priority.unfinished_tasks()),
        (1, 1)
    );
    assert!(lifo.task_done().is_ok() && priority.task_done().is_ok());
    let light = LightQueue::new();
    light.try_put(1).unwrap();
    assert!(format!("{light:?}").find("unfinished").is_none());
}

#[test]
fn stream_yields_items_in_order() {
    let queue = LightQueue::new();
    thread::scope(|s| {
        s.spawn(|| (0..5).for_each(|i| queue.put_blocking(i)));
        let got: Vec<_> = block_on(queue.stream().take(5).collect());
        assert_eq!(got, vec![0, 1, 2, 3, 4]);
    });
}

/// 4 producer threads (blocking faces) and 4 consumer tasks (async) on a
/// 2-thread executor move `ITEMS` items; each must arrive exactly once.
fn conservation<Q, P, G>(queue: &Arc<Q>, put: P, get: G)
where
    Q: Send + Sync + 'static,
    P: Fn(&Q, u32) + Send + Sync + Copy + 'static,
    G: for<'a> Fn(&'a Q) -> Pin<Box<dyn Future<Output = u32> + Send + 'a>>
        + Send
        + Sync
        + Copy
        + 'static,
{
    const PRODUCERS: u32 = 4;
    const ITEMS: u32 = 1_000_000;
    const PER_PRODUCER: u32 = ITEMS / PRODUCERS;
    let seen: Arc<Vec<AtomicUsize>> = Arc::new((0..ITEMS).map(|_| AtomicUsize::new(0)).collect());
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let queue = queue.clone();
            thread::spawn(move || {
                for i in 0..PER_PRODUCER {
                    put(&queue, p * PER_PRODUCER + i);
                }
            })
        })
        .collect();
    on_executor(2, |ex| {
        let (queue, seen) = (queue.clone(), seen.clone());
        async move {
            let consumers: Vec<_> = (0..4)
                .map(|_| {
                    let (queue, seen) = (queue.clone(), seen.clone());
                    ex.spawn(async move {
                        for _ in 0..ITEMS / 4 {
                            let item = get(&queue).await;
                            seen[item as usize].fetch_add(1, Ordering::Relaxed);
                        }
                    })
                })
                .collect();
            for consumer in consumers {
                consumer.await;
            }
        }
    });
    for producer in producers {
        producer.join().unwrap();
    }
    let wrong: Vec<_> = (0..ITEMS)
        .filter(|&i| seen[i as usize].load(Ordering::Relaxed) != 1)
        .take(5)
        .collect();
    assert!(
        wrong.is_empty(),
        "items not received exactly once, e.g. {wrong:?}"
    );
}

#[test]
fn conservation_queue() {
    conservation(&Arc::new(Queue::bounded(64)), Queue::put_blocking, |q| {
        Box::pin(q.get())
    });
}

#[test]
fn conservation_light_queue() {
    conservation(
        &Arc::new(LightQueue::bounded(64)),
        LightQueue::put_blocking,
        |q| Box::pin(q.get()),
    );
}

#[test]
fn conservation_lifo_queue() {
    conservation(
        &Arc::new(LifoQueue::bounded(64)),
        LifoQueue::put_blocking,
        |q| Box::pin(q.get()),
    );
}

#[test]
fn conservation_priority_queue() {
    conservation(
        &Arc::new(PriorityQueue::bounded(64)),
        PriorityQueue::put_blocking,
        |q| Box::pin(q.get()),
    );
}

#[test]
fn conservation_rendezvous() {
    conservation(&Arc::new(Queue::bounded(0)), Queue::put_blocking, |q| {
        Box::pin(q.get())
    });
}

/// A waker whose `clone` panics, as user code may.
#[allow(unsafe_code)] // a RawWaker is built with unsafe code by definition
fn waker_whose_clone_panics() -> std::task::Waker {
    use std::task::{RawWaker, RawWakerVTable};
    fn clone(_: *const ()) -> RawWaker {
        panic!("clone of a user waker");
    }
    fn noop(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);
    // SAFETY: the vtable's functions ignore the data pointer, which is null,
    // and none of them has a contract of its own to keep.
    unsafe { std::task::Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}

#[test]
fn a_get_whose_waker_clone_panics_leaves_the_queue_whole() {
    // The getter's clone of its waker panics as it joins the line: it must
    // not be left in line (nor its future in a state its drop cannot undo).
    let queue = LightQueue::new();
    let waker = waker_whose_clone_panics();
    let mut get = Box::pin(queue.get());
    let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        get.as_mut().poll(&mut Context::from_waker(&waker))
    }));
    assert!(polled.is_err(), "the clone's panic reaches the caller");
    assert_eq!(queue.getting(), 0, "not left in line");
    drop(get);
    queue.try_put(1).unwrap();
    assert_eq!(queue.try_get(), Ok(1));
}
