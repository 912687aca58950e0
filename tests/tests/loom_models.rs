//! loom models of the hand-off paths (`cargo xtask loom`: built with
//! `--cfg eventlet_loom`, so the crates' atomics and locks are loom's). Each
//! model explores the interleavings of a few threads, up to the preemption
//! bound xtask sets; loom fails a model whose waiter is never woken.
//!
//! A cancelled waiter is a future polled once (so that it waits) and dropped.
//!
//! event-listener is not loom's (it switches to loom types only under
//! `--cfg loom`, which async-io does not build with), and it calls `wake`
//! inside its own lock: a waker that did a loom operation would let loom
//! switch threads there and block another on that lock, out of loom's sight.
//! So the models' `block_on` wakes through a plain flag and polls again only
//! once woken, yielding to loom meanwhile: a lost wake-up spins without
//! progress, and loom fails the model at its branch limit.
#![cfg(eventlet_loom)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::task::Wake;

use greenevent::Event;
use greenqueue::{LightQueue, Queue};
use greensem::{CappedSemaphore, Semaphore};
use loom::sync::Arc;
use loom::thread;

/// Set by `wake`; a std atomic, so waking is not a loom operation.
struct Woken(AtomicBool);

impl Wake for Woken {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.store(true, SeqCst);
    }
}

/// Runs `future` on this loom thread, polling it only when it was woken.
fn block_on<F: Future>(future: F) -> F::Output {
    let woken = std::sync::Arc::new(Woken(AtomicBool::new(true)));
    let waker = Waker::from(woken.clone());
    let mut future = Box::pin(future);
    loop {
        if woken.0.swap(false, SeqCst) {
            if let Poll::Ready(output) =
                Pin::as_mut(&mut future).poll(&mut Context::from_waker(&waker))
            {
                return output;
            }
        } else {
            thread::yield_now();
        }
    }
}

/// Polls `future` once with a waker that does nothing: it registers as a
/// waiter, for the model to go on with it later.
fn poll_once<F: Future + ?Sized>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// Polls once, then drops: a waiter cancelled at its first await. The output
/// if it was ready at once.
fn poll_once_then_drop<F: Future>(future: F) -> Option<F::Output> {
    let mut future = Box::pin(future);
    match Pin::as_mut(&mut future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

#[test]
fn loom_semaphore_release_races_a_cancelled_waiter_and_a_barger() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let waiter = {
            let sem = sem.clone();
            thread::spawn(move || block_on(sem.acquire()).forget())
        };
        let cancelled = {
            let sem = sem.clone();
            thread::spawn(move || drop(poll_once_then_drop(sem.acquire())))
        };
        let barger = {
            let sem = sem.clone();
            thread::spawn(move || drop(sem.try_acquire()))
        };
        sem.release();
        cancelled.join().unwrap();
        barger.join().unwrap();
        // The one permit ends with the waiter, whoever held it on the way.
        waiter.join().unwrap();
        assert_eq!((sem.counter(), sem.balance()), (0, 0));
    });
}

#[test]
fn loom_queue_bounded_one_hand_off_with_a_cancelled_getter() {
    loom::model(|| {
        let queue = Arc::new(Queue::bounded(1));
        let getter = {
            let queue = queue.clone();
            thread::spawn(move || block_on(queue.get()))
        };
        let cancelled = {
            let queue = queue.clone();
            thread::spawn(move || poll_once_then_drop(queue.get()))
        };
        block_on(queue.put(1));
        let taken_by_cancelled = cancelled.join().unwrap();
        if taken_by_cancelled.is_some() {
            // It got the item at once, before it could be cancelled: the
            // getter still waits, so give it another.
            block_on(queue.put(2));
        }
        let got = getter.join().unwrap();
        assert!(got == 1 || (got == 2 && taken_by_cancelled == Some(1)));
        assert_eq!((queue.len(), queue.getting(), queue.putting()), (0, 0, 0));
    });
}

#[test]
fn loom_queue_put_into_a_full_queue_races_a_woken_getter() {
    // The getter is due the first item whichever way the put and its wait
    // interleave; a second put may buffer only once that item is the
    // getter's, and never passes it.
    loom::model(|| {
        let queue = Arc::new(LightQueue::bounded(1));
        let putter = {
            let queue = queue.clone();
            thread::spawn(move || {
                queue.try_put(1).unwrap();
                queue.try_put(2).is_ok()
            })
        };
        let got = block_on(queue.get());
        let second_in = putter.join().unwrap();
        assert_eq!(got, 1);
        assert_eq!(queue.try_get().ok(), second_in.then_some(2));
        assert_eq!((queue.len(), queue.getting()), (0, 0));
    });
}

#[test]
fn loom_semaphore_two_releases_before_the_woken_waiter_runs_then_a_newcomer() {
    // The shape: A waits; two releases come before A runs again,
    // racing a newcomer B. Each release is a hand-off of its own, so B gets
    // the second permit (a stranded one leaves B spinning, and loom fails
    // the model).
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let mut first = Box::pin(sem.acquire());
        assert!(poll_once(first.as_mut()).is_pending());
        let releaser = {
            let sem = sem.clone();
            thread::spawn(move || {
                sem.release();
                sem.release();
            })
        };
        let newcomer = {
            let sem = sem.clone();
            thread::spawn(move || block_on(sem.acquire()).forget())
        };
        releaser.join().unwrap();
        block_on(first).forget();
        newcomer.join().unwrap();
        assert_eq!((sem.counter(), sem.balance()), (0, 0));
    });
}

#[test]
fn loom_queue_rendezvous_with_a_cancelled_putter() {
    loom::model(|| {
        let queue = Arc::new(Queue::bounded(0));
        let putter = {
            let queue = queue.clone();
            thread::spawn(move || block_on(queue.put(1)))
        };
        let cancelled = {
            let queue = queue.clone();
            thread::spawn(move || poll_once_then_drop(queue.put(2)).is_some())
        };
        let first = block_on(queue.get());
        let cancelled_got_through = cancelled.join().unwrap();
        let mut got = vec![first];
        if first == 2 || cancelled_got_through {
            // The cancelled put's item was taken before it was dropped: the
            // other putter still waits for a getter.
            got.push(block_on(queue.get()));
        }
        putter.join().unwrap();
        got.sort_unstable();
        assert!(got == [1] || got == [1, 2], "{got:?}");
        assert_eq!((queue.getting(), queue.putting()), (0, 0));
    });
}

#[test]
fn loom_queue_putter_waiting_for_room_races_a_get() {
    // The get frees room and moves a waiting putter's item in; the putter
    // looks for room, then joins the line. Whichever comes first, the item
    // goes in exactly once and the putter learns it.
    loom::model(|| {
        let queue = Arc::new(Queue::bounded(1));
        queue.try_put(0).unwrap();
        let putter = {
            let queue = queue.clone();
            thread::spawn(move || block_on(queue.put(1)))
        };
        assert_eq!(queue.try_get(), Ok(0));
        putter.join().unwrap();
        assert_eq!(queue.try_get(), Ok(1));
        assert_eq!(
            (queue.len(), queue.putting(), queue.unfinished_tasks()),
            (0, 0, 2)
        );
    });
}

#[test]
fn loom_queue_join_races_the_last_task_done() {
    loom::model(|| {
        let queue = Arc::new(Queue::new());
        queue.try_put(()).unwrap();
        let joiner = {
            let queue = queue.clone();
            thread::spawn(move || block_on(queue.join()))
        };
        queue.try_get().unwrap();
        queue.task_done().unwrap();
        joiner.join().unwrap();
    });
}

#[test]
fn loom_event_send_races_reset_and_a_dropped_waiter() {
    loom::model(|| {
        let event = Arc::new(Event::<u8>::new());
        let waiter = {
            let event = event.clone();
            thread::spawn(move || block_on(event.wait()))
        };
        let dropped = {
            let event = event.clone();
            thread::spawn(move || {
                let _ = poll_once_then_drop(event.wait());
            })
        };
        event.send(1).unwrap();
        event.reset().unwrap();
        event.send(2).unwrap();
        dropped.join().unwrap();
        // Before the reset it got 1; after it, the next send's 2. Never hangs.
        let got = waiter.join().unwrap().unwrap();
        assert!(got == 1 || got == 2);
    });
}

#[test]
fn loom_event_waiter_reached_by_the_first_send_keeps_it_across_a_reset() {
    // The first send's waiters take its outcome without the lock: whatever
    // a reset and a second send do meanwhile, a waiter that registered
    // before the first send gets the first send's value.
    loom::model(|| {
        let event = Arc::new(Event::<u8>::new());
        let mut waiting = Box::pin(event.wait());
        assert!(poll_once(waiting.as_mut()).is_pending());
        let sender = {
            let event = event.clone();
            thread::spawn(move || {
                event.send(1).unwrap();
                event.reset().unwrap();
                event.send(2).unwrap();
            })
        };
        let got = block_on(waiting);
        sender.join().unwrap();
        assert_eq!(got, Ok(1));
        assert_eq!(event.poll(), Some(Ok(2)));
    });
}

#[test]
fn loom_capped_release_blocked_at_the_limit_races_an_acquire() {
    loom::model(|| {
        let sem = Arc::new(CappedSemaphore::new(1, 1).unwrap());
        let releaser = {
            let sem = sem.clone();
            thread::spawn(move || {
                block_on(sem.release());
                assert!(sem.count() <= sem.limit());
            })
        };
        let acquirer = {
            let sem = sem.clone();
            thread::spawn(move || {
                block_on(sem.acquire());
                assert!(sem.count() <= sem.limit());
            })
        };
        acquirer.join().unwrap();
        releaser.join().unwrap();
        assert_eq!((sem.count(), sem.balance()), (1, 1));
    });
}
