//! Producers and consumers on OS threads through one small queue, waiting,
//! cancelling and handing off: the bounded stress `cargo xtask sanitize` runs
//! under the address and thread sanitizers (and `cargo test` runs too).
//!
//! Only std threads and this crate: each thread polls its futures itself
//! with a waker over a flag, every thread is joined by hand, and every
//! waker's last owner is the main thread after the joins. Executors, parkers and `Arc`s dropped across threads
//! synchronize inside the uninstrumented std (futex waits, fences), where
//! the thread sanitizer cannot see it and reports races that are not there.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::task::{Context, Poll, Wake, Waker};

use greenqueue::LightQueue;

const PRODUCERS: u64 = 2;
const CONSUMERS: u64 = 2;
const ITEMS_EACH: u64 = 20_000;

struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.store(true, SeqCst);
    }
}

/// Polls `future` whenever its flag is up, yielding the thread meanwhile.
fn run<F: Future>(future: F, flag: &Flag, waker: &Waker) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(waker);
    loop {
        if flag.0.swap(false, SeqCst) {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
        } else {
            std::thread::yield_now();
        }
    }
}

/// Polls `future` once, then drops it: a waiter cancelled at its first
/// await. Its output, if it was ready at once.
fn poll_once_then_drop<F: Future>(future: F, waker: &Waker) -> Option<F::Output> {
    match pin!(future).poll(&mut Context::from_waker(waker)) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// Runs the producers and consumers, the consumers cancelling one get in
/// `cancel_every` if given; what each consumer received, in order.
fn exchange(cancel_every: Option<u64>) -> Vec<Vec<u64>> {
    let queue = LightQueue::bounded(4);
    let flags: Vec<_> = (0..PRODUCERS + CONSUMERS)
        .map(|_| Arc::new(Flag(AtomicBool::new(true))))
        .collect();
    let wakers: Vec<_> = flags.iter().map(|flag| Waker::from(flag.clone())).collect();
    // Each thread polls with a flag and waker of its own.
    let mut own = flags.iter().zip(&wakers);
    let received: Vec<Vec<u64>> = std::thread::scope(|s| {
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|producer| {
                let (queue, (flag, waker)) = (&queue, own.next().unwrap());
                s.spawn(move || {
                    for n in 0..ITEMS_EACH {
                        flag.0.store(true, SeqCst);
                        run(queue.put(producer * ITEMS_EACH + n), flag, waker);
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..CONSUMERS)
            .map(|_| {
                let (queue, (flag, waker)) = (&queue, own.next().unwrap());
                s.spawn(move || {
                    let mut got = Vec::new();
                    for round in 0_u64.. {
                        if got.len() as u64 == ITEMS_EACH * PRODUCERS / CONSUMERS {
                            break;
                        }
                        if cancel_every.is_some_and(|every| round % every == 0) {
                            // A get cancelled at once: an item handed to it
                            // goes on to the next getter or back to the queue.
                            if let Some(item) = poll_once_then_drop(queue.get(), waker) {
                                got.push(item);
                            }
                            continue;
                        }
                        flag.0.store(true, SeqCst);
                        got.push(run(queue.get(), flag, waker));
                    }
                    got
                })
            })
            .collect();
        // Every thread is joined by hand: the join is pthread's, which the
        // thread sanitizer sees, where the scope's own wait for its threads
        // happens in uninstrumented std (the wakers' last drops here would
        // then look like races with the threads' wakes).
        for producer in producers {
            producer.join().unwrap();
        }
        consumers
            .into_iter()
            .map(|consumer| consumer.join().unwrap())
            .collect()
    });
    assert_eq!((queue.len(), queue.getting(), queue.putting()), (0, 0, 0));
    let mut all: Vec<u64> = received.iter().flatten().copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..PRODUCERS * ITEMS_EACH).collect::<Vec<_>>());
    received
}

#[test]
fn items_cross_threads_in_each_producers_order() {
    for got in exchange(None) {
        for producer in 0..PRODUCERS {
            let from = got.iter().filter(|&&item| item / ITEMS_EACH == producer);
            assert!(from.is_sorted(), "producer {producer}'s items out of order");
        }
    }
}

/// An item handed to a get that is then dropped goes on to the next getter
/// or back to the queue as its oldest: each item still arrives exactly once
/// (`exchange` checks), though a consumer that took a later one meanwhile
/// sees it after that one.
#[test]
fn items_cross_threads_exactly_once_while_gets_are_cancelled() {
    exchange(Some(7));
}
