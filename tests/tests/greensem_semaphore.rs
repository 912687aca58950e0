//! greensem: `Semaphore` and `BoundedSemaphore` (docs/semantics.md,
//! Semaphore and `BoundedSemaphore`).

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use eventlet_tests::{counting_waker, logging_waker, on_executor};
use futures_lite::future::block_on;
use greensem::{BoundedSemaphore, ReleasedTooManyTimes, Semaphore, SemaphoreGuard};

type Acquiring<'a> = Pin<Box<dyn Future<Output = SemaphoreGuard<'a>> + 'a>>;

/// Waiters polled once each, in order, with wakers that log their index.
struct Waiters<'a> {
    futures: Vec<Option<Acquiring<'a>>>,
    wakers: Vec<Waker>,
    log: Arc<Mutex<Vec<usize>>>,
}

impl<'a> Waiters<'a> {
    fn queue(futures: impl IntoIterator<Item = Acquiring<'a>>) -> Self {
        let log = Arc::new(Mutex::new(Vec::new()));
        let futures: Vec<_> = futures.into_iter().map(Some).collect();
        let wakers = (0..futures.len()).map(|i| logging_waker(&log, i)).collect();
        let mut waiters = Waiters {
            futures,
            wakers,
            log,
        };
        for i in 0..waiters.futures.len() {
            assert!(waiters.poll(i).is_none(), "waiter {i} should have queued");
        }
        waiters
    }

    /// Polls waiter `i`; its guard if it got a permit.
    fn poll(&mut self, i: usize) -> Option<SemaphoreGuard<'a>> {
        let future = self.futures[i].as_mut().expect("waiter already finished");
        match future
            .as_mut()
            .poll(&mut Context::from_waker(&self.wakers[i]))
        {
            Poll::Ready(guard) => {
                self.futures[i] = None;
                Some(guard)
            }
            Poll::Pending => None,
        }
    }

    fn woken(&self) -> Vec<usize> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    fn cancel(&mut self, i: usize) {
        self.futures[i] = None;
    }
}

#[test]
fn uncontended_acquire_and_release() {
    let sem = Semaphore::new(2);
    let a = sem.try_acquire().unwrap();
    let b = block_on(sem.acquire());
    assert!(sem.locked());
    assert!(sem.try_acquire().is_none());
    drop(a);
    drop(b);
    assert_eq!(sem.counter(), 2);
    assert_eq!(sem.balance(), 2);
}

#[test]
fn fifo_order_with_releases_one_at_a_time() {
    let sem = Semaphore::new(0);
    let mut waiters = Waiters::queue((0..6).map(|_| Box::pin(sem.acquire()) as Acquiring<'_>));
    for expected in 0..6 {
        sem.release();
        assert_eq!(waiters.woken(), vec![expected]);
        // Only the woken one gets it; the rest stay queued.
        for other in expected + 1..6 {
            assert!(waiters.poll(other).is_none());
        }
        waiters
            .poll(expected)
            .expect("the woken waiter takes the permit")
            .forget();
    }
}

#[test]
fn fifo_order_with_six_releases_back_to_back() {
    let sem = Semaphore::new(0);
    let mut waiters = Waiters::queue((0..6).map(|_| Box::pin(sem.acquire()) as Acquiring<'_>));
    for _ in 0..6 {
        sem.release();
    }
    assert_eq!(waiters.woken(), (0..6).collect::<Vec<_>>());
    for i in 0..6 {
        waiters
            .poll(i)
            .expect("each woken waiter takes a permit")
            .forget();
    }
    assert_eq!(sem.counter(), 0);
    assert_eq!(sem.balance(), 0);
}

#[test]
fn balance_figures_follow_eventlet() {
    // eventlet 0.41.3, run: Semaphore(0) with 3 blocked acquirers.
    let sem = Semaphore::new(0);
    let mut waiters = Waiters::queue((0..3).map(|_| Box::pin(sem.acquire()) as Acquiring<'_>));
    assert_eq!((sem.counter(), sem.balance(), sem.locked()), (0, -3, true));
    sem.release();
    // After the release, before the woken waiter runs.
    assert_eq!((sem.counter(), sem.balance(), sem.locked()), (1, -2, false));
    let guard = waiters.poll(0).unwrap();
    assert_eq!((sem.counter(), sem.balance(), sem.locked()), (0, -2, true));
    drop(guard);
    assert_eq!(sem.balance(), -1);
}

#[test]
fn try_acquire_barges_in_the_release_window_and_the_waiter_keeps_its_place() {
    let sem = Semaphore::new(0);
    let mut waiters = Waiters::queue((0..2).map(|_| Box::pin(sem.acquire()) as Acquiring<'_>));
    sem.release();
    assert_eq!(waiters.woken(), vec![0]);
    // The barger takes the permit before waiter 0 runs (eventlet's rule 6).
    sem.try_acquire().expect("try_acquire barges").forget();
    assert!(
        waiters.poll(0).is_none(),
        "waiter 0 lost the permit to the barger"
    );
    assert_eq!(sem.balance(), -2, "both still wait");
    // The next release is still waiter 0's, not waiter 1's.
    sem.release();
    assert_eq!(waiters.woken(), vec![0]);
    assert!(waiters.poll(1).is_none());
    waiters.poll(0).expect("waiter 0 kept its place").forget();
    sem.release();
    assert_eq!(waiters.woken(), vec![1]);
    waiters.poll(1).expect("then waiter 1").forget();
}

#[test]
fn timed_acquire_barges_but_untimed_queues() {
    let sem = Semaphore::new(0);
    let mut waiters = Waiters::queue([Box::pin(sem.acquire()) as Acquiring<'_>]);
    sem.release();
    // An untimed newcomer queues behind the woken waiter ...
    let (_, waker) = counting_waker();
    let mut late = Box::pin(sem.acquire());
    assert!(
        late.as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
    );
    // ... while a timed one takes the free permit at once.
    let timed = block_on(sem.acquire_timeout(Duration::ZERO));
    assert!(timed.is_some(), "a timed acquire barges");
    drop(late);
    timed.unwrap().forget();
    assert!(waiters.poll(0).is_none());
}

#[test]
fn acquire_timeout_zero_on_locked_is_none() {
    let sem = Semaphore::new(0);
    assert!(block_on(sem.acquire_timeout(Duration::ZERO)).is_none());
    assert!(sem.acquire_blocking_timeout(Duration::ZERO).is_none());
    assert_eq!(sem.balance(), 0);
}

#[test]
fn timed_waiter_expiring_restores_balance() {
    let sem = Semaphore::new(0);
    let mut waiters = Waiters::queue([Box::pin(sem.acquire()) as Acquiring<'_>]);
    assert!(block_on(sem.acquire_timeout(Duration::from_millis(10))).is_none());
    assert_eq!(sem.balance(), -1, "only the untimed waiter is left");
    assert!(
        sem.acquire_blocking_timeout(Duration::from_millis(10))
            .is_none()
    );
    assert_eq!(sem.balance(), -1);
    sem.release();
    assert_eq!(
        waiters.woken(),
        vec![0],
        "the release went to the live waiter"
    );
    waiters.poll(0).unwrap().forget();
}

#[test]
fn cancelled_waiter_after_being_woken_passes_the_permit_on() {
    let sem = Semaphore::new(0);
    let mut waiters = Waiters::queue((0..3).map(|_| Box::pin(sem.acquire()) as Acquiring<'_>));
    sem.release();
    assert_eq!(waiters.woken(), vec![0]);
    waiters.cancel(0);
    assert_eq!(
        waiters.woken(),
        vec![1],
        "the wake-up passed to the next waiter"
    );
    assert_eq!(sem.balance(), -1);
    waiters
        .poll(1)
        .expect("the next waiter gets the permit")
        .forget();
}

#[test]
fn cancelled_waiter_after_losing_a_barge_passes_the_next_wake_on() {
    let sem = Semaphore::new(0);
    let mut waiters = Waiters::queue((0..2).map(|_| Box::pin(sem.acquire()) as Acquiring<'_>));
    sem.release();
    sem.try_acquire().unwrap().forget();
    assert!(waiters.poll(0).is_none());
    assert_eq!(waiters.woken(), vec![0]);
    sem.release(); // meant for waiter 0, now in the retry lane
    assert_eq!(waiters.woken(), vec![0]);
    waiters.cancel(0);
    assert_eq!(waiters.woken(), vec![1]);
    waiters.poll(1).expect("waiter 1 gets the permit").forget();
}

#[test]
fn cancelled_waiter_before_wake_takes_nothing() {
    let sem = Semaphore::new(0);
    let mut waiters = Waiters::queue((0..2).map(|_| Box::pin(sem.acquire()) as Acquiring<'_>));
    waiters.cancel(0);
    assert_eq!(sem.balance(), -1);
    sem.release();
    assert_eq!(waiters.woken(), vec![1]);
    waiters.poll(1).unwrap().forget();
}

#[test]
fn guard_dropped_during_a_panic_releases() {
    let sem = Semaphore::new(1);
    let result = catch_unwind(AssertUnwindSafe(|| {
        let _guard = sem.acquire_blocking();
        panic!("the task holding the permit panics");
    }));
    assert!(result.is_err());
    assert_eq!(sem.counter(), 1);
}

#[test]
fn release_has_no_upper_bound() {
    let sem = Semaphore::new(1);
    sem.release();
    sem.release();
    assert_eq!(sem.counter(), 3);
    assert!(!sem.bounded());
}

#[test]
fn bounded_release_past_initial_value_is_an_error_and_changes_nothing() {
    let sem = BoundedSemaphore::new(2);
    assert_eq!(sem.release(), Err(ReleasedTooManyTimes));
    assert_eq!(sem.counter(), 2);
    sem.try_acquire().unwrap().forget();
    assert_eq!(sem.release(), Ok(()));
    assert_eq!(sem.release(), Err(ReleasedTooManyTimes));
    assert_eq!(
        BoundedSemaphore::new(0).release(),
        Err(ReleasedTooManyTimes)
    );
    assert_eq!(
        ReleasedTooManyTimes.to_string(),
        "semaphore released too many times"
    );
}

#[test]
fn bounded_release_with_blocked_acquirers_hands_off() {
    let sem = BoundedSemaphore::new(1);
    sem.try_acquire().unwrap().forget();
    let waiter = thread::scope(|s| {
        let waiter = s.spawn(|| sem.acquire_blocking().forget());
        while sem.balance() >= 0 {
            thread::yield_now();
        }
        sem.release().unwrap();
        waiter.join()
    });
    waiter.unwrap();
    assert_eq!(sem.counter(), 0);
}

#[test]
fn bounded_guard_that_no_longer_fits_panics() {
    let sem = BoundedSemaphore::new(1);
    let guard = sem.try_acquire().unwrap();
    sem.release().unwrap(); // unpaired: fills the semaphore again
    let dropped = catch_unwind(AssertUnwindSafe(|| drop(guard)));
    assert!(dropped.is_err(), "eventlet raises ValueError here");
    assert_eq!(sem.counter(), 1);
}

#[test]
fn arc_guards_outlive_the_borrow() {
    let sem = Arc::new(Semaphore::new(1));
    let guard = block_on(sem.acquire_arc());
    assert!(sem.try_acquire_arc().is_none());
    assert!(block_on(sem.acquire_arc_timeout(Duration::ZERO)).is_none());
    thread::spawn(move || drop(guard)).join().unwrap();
    let guard = sem.acquire_arc_blocking();
    assert!(
        sem.acquire_arc_blocking_timeout(Duration::from_millis(1))
            .is_none()
    );
    guard.forget();
    assert!(sem.locked());
}

#[test]
fn async_waiter_is_woken_by_a_release_from_an_os_thread() {
    let sem = Arc::new(Semaphore::new(0));
    let releaser = {
        let sem = sem.clone();
        thread::spawn(move || {
            while sem.balance() == 0 {
                thread::yield_now();
            }
            sem.release();
        })
    };
    block_on(sem.acquire()).forget();
    releaser.join().unwrap();
    assert_eq!(sem.balance(), 0);
}

#[test]
fn holders_never_exceed_the_permits_across_threads_and_tasks() {
    const PERMITS: usize = 4;
    const ROUNDS: usize = 200;
    let sem = Arc::new(Semaphore::new(PERMITS));
    let holders = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let acquired = Arc::new(AtomicUsize::new(0));
    let hold = {
        let (holders, most, acquired) = (holders.clone(), most.clone(), acquired.clone());
        move || {
            let now = holders.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            acquired.fetch_add(1, Ordering::SeqCst);
            holders.fetch_sub(1, Ordering::SeqCst);
        }
    };
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let (sem, hold) = (sem.clone(), hold.clone());
            thread::spawn(move || {
                for round in 0..ROUNDS {
                    let guard = if (i + round) % 2 == 0 {
                        sem.acquire_blocking()
                    } else {
                        match sem.acquire_blocking_timeout(Duration::from_millis(1)) {
                            Some(guard) => guard,
                            None => continue,
                        }
                    };
                    hold();
                    drop(guard);
                }
            })
        })
        .collect();
    on_executor(2, |ex| {
        let (sem, hold) = (sem.clone(), hold.clone());
        async move {
            let tasks: Vec<_> = (0..100)
                .map(|_| {
                    let (sem, hold) = (sem.clone(), hold.clone());
                    ex.spawn(async move {
                        for _ in 0..ROUNDS / 10 {
                            let guard = sem.acquire().await;
                            hold();
                            futures_lite::future::yield_now().await;
                            drop(guard);
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await;
            }
        }
    });
    for thread in threads {
        thread.join().unwrap();
    }
    assert!(
        most.load(Ordering::SeqCst) <= PERMITS,
        "more than {PERMITS} held at once"
    );
    assert!(acquired.load(Ordering::SeqCst) >= 100 * ROUNDS / 10 + 2 * ROUNDS);
    assert_eq!(
        sem.counter(),
        PERMITS,
        "every acquire was matched by a release"
    );
    assert_eq!(sem.balance(), 4, "no waiter left behind");
}

#[test]
fn wake_count_is_one_per_release_not_a_herd() {
    let sem = Semaphore::new(0);
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut futures: Vec<_> = (0..10).map(|_| Box::pin(sem.acquire())).collect();
    for (i, future) in futures.iter_mut().enumerate() {
        let waker = logging_waker(&log, i);
        assert!(
            future
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
    }
    sem.release();
    assert_eq!(log.lock().unwrap().len(), 1);
}

#[test]
fn with_holds_a_permit_for_the_whole_body_and_gives_it_back() {
    let sem = Semaphore::new(1);
    let seen = block_on(sem.with(async {
        let inside = sem.locked();
        futures_lite::future::yield_now().await;
        (inside, sem.locked())
    }));
    assert_eq!(seen, (true, true));
    assert_eq!(sem.counter(), 1);
}

#[test]
fn with_gives_the_permit_back_when_dropped_mid_body_or_on_panic() {
    let sem = BoundedSemaphore::new(1);
    let (_, waker) = counting_waker();
    let mut held = Box::pin(sem.with(futures_lite::future::pending::<()>()));
    assert!(
        held.as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
    );
    assert!(sem.locked());
    drop(held);
    assert_eq!(sem.counter(), 1);
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        block_on(sem.with(async { panic!("in the block") }))
    }));
    assert!(panicked.is_err());
    assert_eq!(sem.counter(), 1);
}

#[test]
fn with_waits_in_line_like_acquire() {
    let sem = Semaphore::new(0);
    let (_, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut first = Box::pin(sem.with(async { 1 }));
    let mut second = Box::pin(sem.with(async { 2 }));
    assert!(first.as_mut().poll(&mut cx).is_pending());
    assert!(second.as_mut().poll(&mut cx).is_pending());
    sem.release();
    assert!(
        second.as_mut().poll(&mut cx).is_pending(),
        "FIFO: first in line goes first"
    );
    assert_eq!(first.as_mut().poll(&mut cx), Poll::Ready(1));
    assert_eq!(second.as_mut().poll(&mut cx), Poll::Ready(2));
}
