//! greentimeout: `Timeout`, `with_timeout`, `with_timeout_or`, `is_timeout` (docs/semantics.md, Timeout).

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::pin;
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

use async_io::Timer;
use eventlet_tests::counting_waker;
use futures_lite::future::{self, block_on, pending};
use greentimeout::{
    Elapsed, IsTimeout, Timeout, is_timeout, with_timeout, with_timeout_or, wrap_is_timeout,
};

const SHORT: Duration = Duration::from_millis(30);
const LONG: Duration = Duration::from_secs(60);

#[test]
fn fires_no_earlier_than_its_duration() {
    let started = Instant::now();
    let timeout = Timeout::new(SHORT);
    let result = block_on(timeout.scope(pending::<()>()));
    assert!(result.unwrap_err().is(&timeout));
    assert!(
        started.elapsed() >= SHORT,
        "fired after {:?}",
        started.elapsed()
    );
    // Leaving the with-block, here by its own firing, cancels the timeout.
    assert!(!timeout.expired());
    assert!(!timeout.pending());
}

#[test]
fn with_timeout_fires_no_earlier_than_its_duration() {
    let started = Instant::now();
    let err = block_on(with_timeout(SHORT, pending::<()>())).unwrap_err();
    assert!(started.elapsed() >= SHORT);
    assert_eq!(err.duration(), SHORT);
}

#[test]
fn future_that_finishes_first_gives_its_output() {
    let timeout = Timeout::new(LONG);
    let slept = timeout.scope(async {
        Timer::after(Duration::from_millis(5)).await;
        "woke"
    });
    assert_eq!(block_on(slept), Ok("woke"));
    assert!(
        !timeout.pending(),
        "leaving the with-block cancels the timeout (eventlet's __exit__)"
    );
    assert!(!timeout.expired());
}

#[test]
fn a_scope_that_fails_cancels_its_timeout_too() {
    let timeout = Timeout::new(LONG);
    let failed = block_on(timeout.scope(async { Err::<(), _>("boom") }));
    assert_eq!(failed, Ok(Err("boom")));
    assert!(!timeout.pending());
}

#[test]
fn dropping_an_entered_scope_cancels_its_timeout() {
    let timeout = Timeout::new(LONG);
    let (_, waker) = counting_waker();
    let mut scope = Box::pin(timeout.scope(pending::<()>()));
    assert!(
        scope
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
    );
    assert!(timeout.pending());
    drop(scope);
    assert!(!timeout.pending(), "a with-block left by a drop cancels");
}

#[test]
fn a_scope_never_entered_leaves_the_timeout_alone() {
    let timeout = Timeout::new(LONG);
    drop(timeout.scope(pending::<()>()));
    assert!(timeout.pending());
}

#[test]
fn a_restart_after_the_scope_finished_survives_dropping_it() {
    let timeout = Timeout::new(LONG);
    let mut scope = Box::pin(timeout.scope(async { 1 }));
    let (_, waker) = counting_waker();
    assert_eq!(
        scope.as_mut().poll(&mut Context::from_waker(&waker)),
        Poll::Ready(Ok(1))
    );
    timeout.start().unwrap();
    drop(scope);
    assert!(timeout.pending());
}

#[test]
fn the_same_timeout_bounds_one_block_after_another() {
    // eventlet: `t = Timeout(0.05)`, then `with t:` twice; each block is
    // bounded anew, because leaving cancels and entering re-arms.
    let timeout = Timeout::new(SHORT);
    assert_eq!(block_on(timeout.scope(async { 1 })), Ok(1));
    let started = Instant::now();
    let err = block_on(timeout.scope(pending::<()>())).unwrap_err();
    assert!(err.is(&timeout));
    assert!(started.elapsed() >= SHORT, "re-armed for its full duration");
}

#[test]
fn entering_a_cancelled_timeout_rearms_it() {
    // eventlet's __enter__ starts a timeout whose timer was cancelled. This
    // test used to pin the opposite (a cancelled timeout scoped later never
    // fired), which let a 20 ms timeout around a 300 ms sleep return Ok.
    let timeout = Timeout::new(Duration::from_millis(10));
    timeout.cancel();
    assert!(!timeout.pending());
    let slept = timeout.scope(Timer::after(Duration::from_millis(300)));
    assert!(block_on(slept).unwrap_err().is(&timeout));
}

#[test]
fn cancel_from_inside_the_scope_prevents_firing() {
    // eventlet: `with Timeout(0.01) as t: t.cancel(); sleep(0.05)`
    let timeout = Timeout::new(Duration::from_millis(10));
    let body = async {
        timeout.cancel();
        Timer::after(Duration::from_millis(60)).await;
        "finished"
    };
    assert_eq!(block_on(timeout.scope(body)), Ok("finished"));
}

#[test]
fn cancel_is_idempotent() {
    let timeout = Timeout::new(LONG);
    timeout.cancel();
    timeout.cancel();
    assert!(!timeout.pending());
}

#[test]
fn start_while_pending_is_an_error_and_changes_nothing() {
    let timeout = Timeout::new(LONG);
    assert_eq!(timeout.start(), Err(greentimeout::AlreadyStarted));
    assert!(timeout.pending());
}

#[test]
fn start_after_cancel_rearms() {
    let timeout = Timeout::new(SHORT);
    timeout.cancel();
    timeout.start().unwrap();
    assert!(timeout.pending());
    let err = block_on(timeout.scope(pending::<()>())).unwrap_err();
    assert!(err.is(&timeout));
}

#[test]
fn start_after_expiry_rearms_for_the_full_duration() {
    let timeout = Timeout::new(Duration::ZERO);
    assert!(timeout.expired());
    let timeout = Timeout::new(SHORT);
    block_on(Timer::after(SHORT));
    assert!(timeout.expired());
    let restarted = Instant::now();
    timeout.start().unwrap();
    assert!(timeout.pending());
    block_on(timeout.scope(pending::<()>())).unwrap_err();
    assert!(restarted.elapsed() >= SHORT);
}

#[test]
fn start_from_another_thread_wakes_a_disarmed_scope() {
    let timeout = Timeout::new(SHORT);
    let (wake_count, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut scope = pin!(timeout.scope(pending::<()>()));
    assert!(scope.as_mut().poll(&mut cx).is_pending());
    // Cancelled inside the block: the scope finds it disarmed and waits.
    timeout.cancel();
    assert!(scope.as_mut().poll(&mut cx).is_pending());
    let restarter = timeout.clone();
    thread::spawn(move || restarter.start().unwrap())
        .join()
        .unwrap();
    assert!(
        wake_count.get() >= 1,
        "start must wake a scope that found the timeout disarmed"
    );
    // Polled again, the scope arms its timer and fires.
    let err = block_on(scope).unwrap_err();
    assert!(err.is(&timeout));
}

#[test]
fn none_never_fires_and_is_never_pending() {
    let timeout = Timeout::new(None);
    assert!(!timeout.pending());
    assert!(!timeout.expired());
    assert_eq!(timeout.duration(), None);
    assert_eq!(timeout.start(), Ok(()));
    assert!(
        !timeout.pending(),
        "a timeout of None stays disarmed after start"
    );
    let slept = timeout.scope(Timer::after(Duration::from_millis(20)));
    assert!(block_on(slept).is_ok());
    assert_eq!(block_on(with_timeout(None, async { 5 })), Ok(5));
}

#[test]
fn overflowing_duration_never_fires() {
    let timeout = Timeout::new(Duration::MAX);
    assert!(!timeout.pending());
    assert!(block_on(timeout.scope(Timer::after(Duration::from_millis(5)))).is_ok());
}

#[test]
fn zero_duration_lets_a_ready_future_complete() {
    // eventlet: code that does not yield is not interrupted.
    let timeout = Timeout::new(Duration::ZERO);
    assert_eq!(block_on(timeout.scope(async { 1 })), Ok(1));
    assert_eq!(
        block_on(with_timeout(Duration::ZERO, future::ready(2))),
        Ok(2)
    );
}

#[test]
fn zero_duration_fires_at_the_first_pending_await() {
    let reached = std::cell::Cell::new(0);
    let body = async {
        reached.set(1);
        future::yield_now().await;
        reached.set(2);
    };
    let err = block_on(with_timeout(Duration::ZERO, body)).unwrap_err();
    assert_eq!(err.duration(), Duration::ZERO);
    assert_eq!(
        reached.get(),
        1,
        "the body ran up to its first await and no further"
    );
}

#[test]
fn nested_outer_earlier_fires_and_is_named() {
    let outer = Timeout::new(SHORT);
    let inner = Timeout::new(LONG);
    let result = block_on(outer.scope(inner.scope(pending::<()>())));
    let err = result.unwrap_err();
    assert!(err.is(&outer));
    assert!(!err.is(&inner));
    // The inner block was left when the outer one dropped it: cancelled.
    assert!(!inner.pending());
    assert!(!outer.pending());
}

#[test]
fn an_inner_scopes_exit_leaves_the_outer_timeout_armed() {
    let outer = Timeout::new(LONG);
    let inner = Timeout::new(LONG);
    let probe = outer.clone();
    let result = block_on(outer.scope(async {
        let done = inner.scope(async { 3 }).await;
        (done, probe.pending())
    }));
    assert_eq!(result, Ok((Ok(3), true)));
    assert!(!inner.pending());
}

#[test]
fn nested_inner_earlier_fires_and_is_named() {
    let outer = Timeout::new(LONG);
    let inner = Timeout::new(SHORT);
    let result = block_on(outer.scope(inner.scope(pending::<()>())));
    let err = result.expect("the outer scope completes").unwrap_err();
    assert!(err.is(&inner));
    assert!(!err.is(&outer));
}

#[test]
fn with_timeout_elapsed_names_no_timeout() {
    let some_timeout = Timeout::new(LONG);
    let err = block_on(with_timeout(Duration::ZERO, pending::<()>())).unwrap_err();
    assert!(!err.is(&some_timeout));
}

#[test]
fn with_timeout_or_gives_the_value_for_its_own_timeout() {
    assert_eq!(
        block_on(with_timeout_or(SHORT, pending(), "fallback")),
        "fallback"
    );
    assert_eq!(
        block_on(with_timeout_or(LONG, async { "real" }, "fallback")),
        "real"
    );
    // The fallback is given even when it is the "empty" value (eventlet: even None).
    assert_eq!(
        block_on(with_timeout_or(
            Duration::ZERO,
            pending::<Option<u8>>(),
            None
        )),
        None
    );
}

#[test]
fn with_timeout_or_lets_an_outer_timeout_through() {
    let outer = Timeout::new(SHORT);
    let inner = with_timeout_or(LONG, pending::<&str>(), "fallback");
    let err = block_on(outer.scope(inner)).unwrap_err();
    assert!(err.is(&outer));
}

#[test]
fn is_timeout_on_elapsed_and_io_timed_out() {
    let elapsed = block_on(with_timeout(Duration::ZERO, pending::<()>())).unwrap_err();
    assert!(is_timeout(&elapsed));
    assert!(elapsed.is_timeout());
    assert!(is_timeout(&io::Error::from(io::ErrorKind::TimedOut)));
    assert!(is_timeout(&io::Error::other(elapsed)));
}

#[test]
fn is_timeout_false_on_others() {
    assert!(!is_timeout(&io::Error::from(io::ErrorKind::NotFound)));
    assert!(!is_timeout(&fmt::Error));
    assert!(!is_timeout(&Layer { source: None }));
    assert!(!io::Error::from(io::ErrorKind::WouldBlock).is_timeout());
}

/// An error that wraps another, to build `source()` chains.
#[derive(Debug)]
struct Layer {
    source: Option<Box<dyn Error + 'static>>,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("layer")
    }
}

impl Error for Layer {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.source.as_deref()
    }
}

fn two_levels_over(root: impl Error + 'static) -> Layer {
    Layer {
        source: Some(Box::new(Layer {
            source: Some(Box::new(root)),
        })),
    }
}

#[test]
fn is_timeout_walks_a_two_level_source_chain() {
    let elapsed = block_on(with_timeout(Duration::ZERO, pending::<()>())).unwrap_err();
    assert!(is_timeout(&two_levels_over(elapsed)));
    assert!(is_timeout(&two_levels_over(io::Error::from(
        io::ErrorKind::TimedOut
    ))));
    assert!(is_timeout(&two_levels_over(wrap_is_timeout(
        "slow backend"
    ))));
    assert!(!is_timeout(&two_levels_over(fmt::Error)));
    let chained: Box<dyn Error> = Box::new(two_levels_over(elapsed));
    assert!(chained.is_timeout());
}

#[test]
fn wrap_is_timeout_tags_and_keeps_the_error() {
    let parsed: Result<u8, _> = "x".parse::<u8>();
    let tagged = parsed.map_err(wrap_is_timeout).unwrap_err();
    assert!(is_timeout(&tagged));
    assert_eq!(tagged.to_string(), "invalid digit found in string");
    assert!(tagged.downcast_ref::<std::num::ParseIntError>().is_some());
    assert!(
        !is_timeout(&*tagged.into_inner()),
        "the inner error itself is not tagged"
    );
}

#[test]
fn scope_future_is_send_when_the_inner_one_is() {
    fn assert_send<T: Send>(_: &T) {}
    fn assert_sync<T: Sync>(_: &T) {}
    let timeout = Timeout::new(LONG);
    let scoped = timeout.scope(async { Timer::after(SHORT).await });
    assert_send(&scoped);
    assert_sync(&scoped);
    assert_send(&with_timeout(LONG, pending::<()>()));
    assert_send(&with_timeout_or(LONG, pending::<u8>(), 0));
    assert_send(&timeout);
    assert_sync(&timeout);
    // And it really crosses threads.
    let result = thread::spawn(move || block_on(scoped)).join().unwrap();
    assert!(result.is_ok());
}

#[test]
fn elapsed_display_is_eventlets_str() {
    let err: Elapsed = block_on(with_timeout(Duration::ZERO, pending::<()>())).unwrap_err();
    assert_eq!(err.to_string(), "0 seconds");
    let err = block_on(with_timeout(Duration::from_millis(10), pending::<()>())).unwrap_err();
    assert_eq!(err.to_string(), "0.01 seconds");
}

#[test]
fn polls_once_per_wake_without_spinning() {
    // A pending scope with a far deadline must not wake itself: waiting is the
    // timer's job, never a busy loop.
    let (wake_count, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut scope = pin!(with_timeout(LONG, pending::<()>()));
    for _ in 0..3 {
        assert_eq!(scope.as_mut().poll(&mut cx), Poll::Pending);
    }
    assert_eq!(wake_count.get(), 0);
}

#[test]
fn timer_starts_at_new_not_at_scope() {
    // A pending timeout keeps the deadline it got when it was made.
    let timeout = Timeout::new(Duration::from_millis(400));
    thread::sleep(Duration::from_millis(300));
    let entered = Instant::now();
    let err = block_on(timeout.scope(pending::<()>())).unwrap_err();
    assert!(err.is(&timeout));
    assert!(
        entered.elapsed() < Duration::from_millis(390),
        "fired {:?} after entry: it restarted at the scope",
        entered.elapsed()
    );
}

#[test]
fn entering_an_expired_timeout_rearms_it_for_its_full_duration() {
    // Its deadline passed with no block to interrupt: entering a block
    // re-arms it, as entering after a cancel does, rather than firing at
    // the block's first await.
    let timeout = Timeout::new(SHORT);
    thread::sleep(SHORT);
    assert!(timeout.expired());
    let (_, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut scope = pin!(timeout.scope(pending::<()>()));
    assert!(scope.as_mut().poll(&mut cx).is_pending());
    assert!(timeout.pending());
    let entered = Instant::now();
    assert!(block_on(scope).unwrap_err().is(&timeout));
    assert!(entered.elapsed() + Duration::from_millis(1) >= SHORT);
}
