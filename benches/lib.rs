//! Benchmarks of the eventlet-rs workspace against its peers; the benches live
//! in `benches/benches/` and run with `cargo xtask bench`. This library holds
//! what they share.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Polls `future` once with a no-op waker and returns its output; panics if it
/// is not ready. Measures a future's own cost without an executor's.
///
/// # Panics
/// If the future is pending: a bench that measures a ready path must be ready.
///
/// ```
/// assert_eq!(eventlet_benches::poll_ready(async { 3 }), 3);
/// ```
pub fn poll_ready<F: Future>(future: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("poll_ready: the future was pending"),
    }
}

/// Times one broadcast: spawns `waiters` tasks made by `wait` on a fresh
/// single-thread executor, runs them until all are waiting, then times
/// `send()` plus running every woken task to completion.
///
/// # Panics
/// If a waiter is still unfinished after the send: the broadcast lost one.
///
/// ```
/// let event = std::rc::Rc::new(event_listener::Event::new());
/// let listen = event.clone();
/// let took = eventlet_benches::time_broadcast(
///     10,
///     move || { let l = listen.listen(); async move { l.await } },
///     || { event.notify(usize::MAX); },
/// );
/// assert!(took > std::time::Duration::ZERO);
/// ```
pub fn time_broadcast<W, F>(waiters: usize, mut wait: W, send: impl FnOnce()) -> std::time::Duration
where
    W: FnMut() -> F,
    F: Future<Output = ()> + 'static,
{
    let executor = async_executor::LocalExecutor::new();
    let tasks: Vec<_> = (0..waiters).map(|_| executor.spawn(wait())).collect();
    while executor.try_tick() {}
    let started = std::time::Instant::now();
    send();
    while executor.try_tick() {}
    let took = started.elapsed();
    assert!(
        tasks.iter().all(async_executor::Task::is_finished),
        "a waiter was not woken"
    );
    took
}
