//! greenevent: `Event` (docs/semantics.md, Event).

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use eventlet_tests::{counting_waker, logging_waker, on_executor};
use futures_lite::future::block_on;
use greenevent::{AlreadySent, Event, Killed, NotSent};

fn waiters<T, E>(event: &Event<T, E>) -> String {
    let debug = format!("{event:?}");
    let at = debug
        .find("waiters: ")
        .expect("Debug shows the waiter count");
    debug[at + "waiters: ".len()..]
        .trim_end_matches([' ', '}'])
        .to_string()
}

/// Polls `future` once with a fresh counting waker.
fn poll_once<F: Future + ?Sized>(future: Pin<&mut F>) -> Poll<F::Output> {
    let (_, waker) = counting_waker();
    future.poll(&mut Context::from_waker(&waker))
}

#[test]
fn new_event_is_unsent() {
    let event = Event::<u8>::new();
    assert!(!event.ready());
    assert!(!event.has_result());
    assert!(!event.has_exception());
    assert_eq!(event.poll(), None);
}

#[test]
fn send_twice_returns_value_and_keeps_the_first() {
    let event = Event::<String>::new();
    event.send("first".into()).unwrap();
    let rejected = event.send("second".into()).unwrap_err();
    assert_eq!(rejected.into_inner(), "second");
    assert_eq!(event.poll(), Some(Ok("first".into())));
    // An exception cannot overwrite a value either.
    assert_eq!(event.send_exception(Killed), Err(AlreadySent(Killed)));
    assert!(event.has_result());
}

#[test]
fn send_exception_after_send_exception_returns_it() {
    let event = Event::<u8, &str>::with_error_type();
    event.send_exception("one").unwrap();
    assert_eq!(event.send_exception("two").unwrap_err().0, "two");
    assert_eq!(event.poll_exception(), Some("one"));
}

#[test]
fn reset_unsent_is_not_sent() {
    let event = Event::<u8>::new();
    assert_eq!(event.reset(), Err(NotSent));
    event.send(1).unwrap();
    event.reset().unwrap();
    assert_eq!(event.reset(), Err(NotSent), "a reset event is unsent again");
}

#[test]
fn error_types_display_lower_case_phrases() {
    struct Opaque;
    assert_eq!(AlreadySent(1).to_string(), "event was already sent");
    assert_eq!(NotSent.to_string(), "event was not sent");
    assert_eq!(Killed.to_string(), "greenthread was killed");
    // Debug does not need T: Debug.
    assert_eq!(format!("{:?}", AlreadySent(Opaque)), "AlreadySent(..)");
}

#[test]
fn wait_on_sent_event_is_ready_at_once_and_registers_nothing() {
    let event = Event::<u64>::new();
    event.send(7).unwrap();
    for _ in 0..3 {
        let mut waiting = pin!(event.wait());
        assert_eq!(poll_once(waiting.as_mut()), Poll::Ready(Ok(7)));
        assert_eq!(waiters(&event), "0");
    }
    assert_eq!(event.wait_blocking(), Ok(7));
    assert_eq!(event.wait_blocking_timeout(Duration::ZERO), Some(Ok(7)));
}

#[test]
fn every_waiter_gets_a_clone_of_the_value() {
    let event = Event::<Vec<u8>, String>::with_error_type();
    let mut first = pin!(event.wait());
    let mut second = pin!(event.wait());
    assert!(poll_once(first.as_mut()).is_pending());
    assert!(poll_once(second.as_mut()).is_pending());
    event.send(vec![1, 2]).unwrap();
    assert_eq!(poll_once(first), Poll::Ready(Ok(vec![1, 2])));
    assert_eq!(poll_once(second), Poll::Ready(Ok(vec![1, 2])));
}

#[test]
fn every_waiter_gets_the_error() {
    let event = Event::<u8, String>::with_error_type();
    let mut first = pin!(event.wait());
    assert!(poll_once(first.as_mut()).is_pending());
    event.send_exception("boom".into()).unwrap();
    assert_eq!(poll_once(first), Poll::Ready(Err("boom".into())));
    assert_eq!(block_on(event.wait()), Err("boom".into()));
    assert!(event.has_exception());
    assert!(!event.has_result());
    assert_eq!(event.poll(), Some(Err("boom".into())));
    assert_eq!(
        event.poll_result(),
        None,
        "poll_result ignores an exception"
    );
    assert_eq!(event.poll_exception(), Some("boom".into()));
}

#[test]
fn poll_result_and_poll_exception_on_a_value() {
    let event = Event::<u8, String>::with_error_type();
    assert_eq!(event.poll_result(), None);
    assert_eq!(event.poll_exception(), None);
    event.send(4).unwrap();
    assert_eq!(event.poll_result(), Some(4));
    assert_eq!(event.poll_exception(), None);
}

#[test]
fn waiters_before_send_get_its_value_even_after_reset() {
    let event = Event::<&str>::new();
    let mut early = pin!(event.wait());
    assert!(poll_once(early.as_mut()).is_pending());
    event.send("first").unwrap();
    event.reset().unwrap();
    assert!(!event.ready());
    assert_eq!(poll_once(early), Poll::Ready(Ok("first")));
}

#[test]
fn waiters_before_send_get_its_value_even_after_reset_and_second_send() {
    let event = Event::<&str>::new();
    let mut early = pin!(event.wait());
    assert!(poll_once(early.as_mut()).is_pending());
    event.send("first").unwrap();
    event.reset().unwrap();
    event.send("second").unwrap();
    assert_eq!(poll_once(early), Poll::Ready(Ok("first")));
    assert_eq!(event.poll(), Some(Ok("second")));
}

#[test]
fn waiters_of_each_send_get_its_value_across_resets_and_reused_slots() {
    // A send frees the slots of the waiters it reached, so the next ones
    // reuse them; each still gets the value of the send that reached it.
    let event = Event::<&str>::new();
    let mut first = Box::pin(event.wait());
    assert!(poll_once(first.as_mut()).is_pending());
    event.send("one").unwrap();
    event.reset().unwrap();
    let mut second = Box::pin(event.wait());
    assert!(poll_once(second.as_mut()).is_pending());
    event.send("two").unwrap();
    event.reset().unwrap();
    let mut third = Box::pin(event.wait());
    let mut gone = Box::pin(event.wait());
    assert!(poll_once(third.as_mut()).is_pending());
    assert!(poll_once(gone.as_mut()).is_pending());
    event.send("three").unwrap();
    drop(gone); // reached, never takes it
    assert_eq!(poll_once(third.as_mut()), Poll::Ready(Ok("three")));
    assert_eq!(poll_once(second.as_mut()), Poll::Ready(Ok("two")));
    assert_eq!(poll_once(first.as_mut()), Poll::Ready(Ok("one")));
    assert_eq!(poll_once(pin!(event.wait())), Poll::Ready(Ok("three")));
    assert_eq!(waiters(&event), "0");
}

#[test]
fn waiter_after_reset_waits_for_the_next_send() {
    let event = Event::<&str>::new();
    event.send("old").unwrap();
    event.reset().unwrap();
    let mut late = pin!(event.wait());
    assert!(poll_once(late.as_mut()).is_pending());
    event.send("new").unwrap();
    assert_eq!(poll_once(late), Poll::Ready(Ok("new")));
}

#[test]
fn exception_before_reset_is_not_raised_after_it() {
    let event = Event::<u8, &str>::with_error_type();
    event.send_exception("old").unwrap();
    event.reset().unwrap();
    assert!(!event.has_exception());
    event.send(1).unwrap();
    assert_eq!(event.wait_blocking(), Ok(1));
}

#[test]
fn dropped_notified_waiter_does_not_pass_an_old_value_to_a_later_one() {
    // The hazard behind `discard`: a notified listener dropped unpolled must not
    // hand its notification (and the old value) to a waiter from after a reset.
    let event = Event::<&str>::new();
    let mut early = Box::pin(event.wait());
    assert!(poll_once(early.as_mut()).is_pending());
    event.send("old").unwrap();
    event.reset().unwrap();
    let mut late = pin!(event.wait());
    assert!(poll_once(late.as_mut()).is_pending());
    drop(early);
    assert!(
        poll_once(late.as_mut()).is_pending(),
        "the late waiter got the old value"
    );
    event.send("new").unwrap();
    assert_eq!(poll_once(late), Poll::Ready(Ok("new")));
}

#[test]
fn waiters_are_woken_in_registration_order() {
    let event = Event::<u8>::new();
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut futures: Vec<_> = (0..8).map(|_| Box::pin(event.wait())).collect();
    for (id, future) in futures.iter_mut().enumerate() {
        let waker = logging_waker(&log, id);
        assert!(
            future
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
    }
    event.send(1).unwrap();
    assert_eq!(*log.lock().unwrap(), (0..8).collect::<Vec<_>>());
}

#[test]
fn wait_dropped_after_wake_before_poll_loses_nothing_for_others() {
    let event = Event::<u8>::new();
    let (dropped_wakes, dropped_waker) = counting_waker();
    let (other_wakes, other_waker) = counting_waker();
    let mut dropped = Box::pin(event.wait());
    let mut other = Box::pin(event.wait());
    assert!(
        dropped
            .as_mut()
            .poll(&mut Context::from_waker(&dropped_waker))
            .is_pending()
    );
    assert!(
        other
            .as_mut()
            .poll(&mut Context::from_waker(&other_waker))
            .is_pending()
    );
    event.send(3).unwrap();
    assert_eq!(dropped_wakes.get(), 1);
    assert_eq!(other_wakes.get(), 1);
    drop(dropped);
    assert_eq!(
        other.as_mut().poll(&mut Context::from_waker(&other_waker)),
        Poll::Ready(Ok(3))
    );
    assert_eq!(waiters(&event), "0");
}

#[test]
fn wait_timeout_returns_none_and_leaves_no_listener() {
    let event = Event::<u8>::new();
    assert_eq!(
        block_on(event.wait_timeout(Duration::from_millis(10))),
        None
    );
    assert_eq!(waiters(&event), "0");
    assert!(!event.ready(), "a timeout leaves the event unsent");
    assert_eq!(block_on(event.wait_timeout(Duration::ZERO)), None);
    assert_eq!(event.wait_blocking_timeout(Duration::from_millis(10)), None);
    assert_eq!(event.wait_blocking_timeout(Duration::ZERO), None);
    assert_eq!(waiters(&event), "0");
}

#[test]
fn wait_timeout_distinguishes_a_sent_unit_from_a_timeout() {
    // eventlet's wait(timeout) returns None both ways; ours cannot be confused.
    let event = Event::<()>::new();
    assert_eq!(block_on(event.wait_timeout(Duration::ZERO)), None);
    event.send(()).unwrap();
    assert_eq!(block_on(event.wait_timeout(Duration::ZERO)), Some(Ok(())));
}

#[test]
fn expired_waiter_is_not_woken_by_a_later_send() {
    let event = Event::<u8>::new();
    let (wakes, waker) = counting_waker();
    let mut timed = Box::pin(event.wait_timeout(Duration::from_millis(5)));
    assert!(
        timed
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
    );
    assert_eq!(block_on(timed), None);
    let before = wakes.get();
    event.send(1).unwrap();
    assert_eq!(wakes.get(), before);
}

#[test]
fn send_from_os_thread_wakes_async_waiter() {
    let event = Arc::new(Event::<u32>::new());
    let sender = {
        let event = event.clone();
        thread::spawn(move || {
            while waiters(&event) == "0" {
                thread::yield_now();
            }
            event.send(11).unwrap();
        })
    };
    assert_eq!(block_on(event.wait()), Ok(11));
    sender.join().unwrap();
}

#[test]
fn send_from_async_task_wakes_blocking_waiter() {
    let event = Arc::new(Event::<u32>::new());
    let waiter = {
        let event = event.clone();
        thread::spawn(move || event.wait_blocking())
    };
    on_executor(1, |ex| {
        let event = event.clone();
        async move {
            ex.spawn(async move {
                while waiters(&event) == "0" {
                    futures_lite::future::yield_now().await;
                }
                event.send(12).unwrap();
            })
            .await;
        }
    });
    assert_eq!(waiter.join().unwrap(), Ok(12));
}

#[test]
fn thousand_waiters_across_executor_and_threads_all_receive_the_value() {
    const TASKS: usize = 1000;
    const THREADS: usize = 4;
    let event = Arc::new(Event::<Arc<str>>::new());
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let event = event.clone();
            thread::spawn(move || event.wait_blocking())
        })
        .collect();
    let received = on_executor(2, |ex| {
        let event = event.clone();
        async move {
            let tasks: Vec<_> = (0..TASKS)
                .map(|_| {
                    let event = event.clone();
                    ex.spawn(async move { event.wait().await })
                })
                .collect();
            // Send once every task and thread is waiting, so all take the slow path.
            while waiters(&event) != (TASKS + THREADS).to_string() {
                futures_lite::future::yield_now().await;
            }
            event.send("broadcast".into()).unwrap();
            let mut received = 0;
            for task in tasks {
                assert_eq!(task.await.as_deref(), Ok("broadcast"));
                received += 1;
            }
            received
        }
    });
    assert_eq!(received, TASKS);
    for thread in threads {
        assert_eq!(thread.join().unwrap().as_deref(), Ok("broadcast"));
    }
}

#[test]
fn const_new_allows_statics() {
    static STARTED: Event = Event::new();
    STARTED.send(()).unwrap();
    assert_eq!(STARTED.wait_blocking(), Ok(()));
}

#[test]
fn new_infers_with_the_default_error_type() {
    // No annotation: the value type comes from the send, the error type is
    // the default (E0283 before `new` was only for the default).
    let event = Event::new();
    event.send("hello").unwrap();
    assert_eq!(event.poll(), Some(Ok("hello")));
    let unit = Event::new();
    unit.send(()).unwrap();
    assert!(unit.ready());
}

#[test]
fn with_error_type_names_a_custom_error() {
    let event = Event::<u8, String>::with_error_type();
    event.send_exception("boom".to_string()).unwrap();
    assert_eq!(event.poll_exception(), Some("boom".to_string()));
}
